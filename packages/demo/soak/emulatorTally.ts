import type { EmulatorRecords, StsCallRecord } from "@awscreds/emulator";

/** What the emulator saw of the requests signed with one key. Times on the emulator's clock. */
export interface KeyUse {
  requests: number;
  firstAt: number;
  lastAt: number;
}

/**
 * Counts what the emulator saw, draining its request records as it goes. The emulator keeps a
 * record of every signed request (`records.requests`, an array with no cap and no counters), so a
 * million requests would keep a million records; the soak takes them out every second and keeps
 * only these counters, and one entry per key. STS call records are left in place: there is one per
 * rotation, and they say which key each call issued and when it expires.
 */
export class EmulatorTally {
  /** Signed DynamoDB and S3 requests (each attempt the emulator received). */
  signedRequests = 0;
  readonly byOperation: Record<string, number> = {};
  /** Requests whose signature the emulator refused. */
  signatureFailures = 0;
  /** Requests that arrived signed with a key past its expiration. */
  expiredKeyUses = 0;
  /** Answers other than 2xx, by AWS error code (or status). */
  readonly errorAnswers: Record<string, number> = {};
  /** Signed requests carrying a key that no STS call issued. */
  requestsWithUnknownKey = 0;
  /** Signed STS actions (none expected: AssumeRoleWithWebIdentity is not signed). */
  signedStsActions = 0;
  readonly keys = new Map<string, KeyUse>();
  /** Records drained so far. */
  drained = 0;

  /** Takes every request record out of `records` and counts it. */
  drain(records: EmulatorRecords): void {
    const batch = records.requests.splice(0);
    this.drained += batch.length;
    for (const request of batch) {
      if (request.service === "sts") {
        this.signedStsActions++;
        continue;
      }
      this.signedRequests++;
      const operation = `${request.service}:${request.operation}`;
      this.byOperation[operation] = (this.byOperation[operation] ?? 0) + 1;
      if (!request.signatureValid) this.signatureFailures++;
      if (request.keyExpired) this.expiredKeyUses++;
      if (request.status >= 300) {
        const code = request.errorCode ?? `HTTP ${request.status}`;
        this.errorAnswers[code] = (this.errorAnswers[code] ?? 0) + 1;
      }
      const key = request.accessKeyId ?? "(none)";
      const use = this.keys.get(key);
      if (use === undefined) this.keys.set(key, { requests: 1, firstAt: request.at, lastAt: request.at });
      else {
        use.requests++;
        use.firstAt = Math.min(use.firstAt, request.at);
        use.lastAt = Math.max(use.lastAt, request.at);
      }
    }
  }

  /**
   * Checks the keys against the STS calls that issued them: counts requests with a key STS never
   * issued, and returns the smallest margin between a key's last request and its expiration.
   */
  crossCheck(stsCalls: readonly StsCallRecord[]): { keysIssued: number; keysUsed: number; closestUseToExpiryMs: number | null } {
    const expirations = new Map<string, number>();
    for (const call of stsCalls) if (call.outcome === "ok" && call.accessKeyId !== undefined && call.expiration !== undefined) expirations.set(call.accessKeyId, call.expiration);
    let closest = Number.POSITIVE_INFINITY;
    let keysUsed = 0;
    this.requestsWithUnknownKey = 0;
    for (const [key, use] of this.keys) {
      const expiration = expirations.get(key);
      if (expiration === undefined) {
        this.requestsWithUnknownKey += use.requests;
        continue;
      }
      keysUsed++;
      closest = Math.min(closest, expiration - use.lastAt);
    }
    return { keysIssued: expirations.size, keysUsed, closestUseToExpiryMs: Number.isFinite(closest) ? closest : null };
  }
}
