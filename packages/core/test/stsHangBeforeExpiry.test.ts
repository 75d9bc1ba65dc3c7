import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { awsCredsPlugin, createCredentialSlot, fromWebIdentity, type CredentialSlot } from "@awscreds/core";
import { startEmulator, type Emulator } from "@awscreds/emulator";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, test } from "vitest";

const ROLE_ARN = "arn:aws:iam::123456789012:role/orders-service";
const REGION = "eu-west-1";

const LIFETIME_S = 45;
const STS_LATENCY = 400;
const FETCH_TIMEOUT = 3_000; // F
const EXPIRY_MARGIN = 10_000; // the default: the bug needs a real margin
const REFRESH_BEFORE_EXPIRY = 22_000;
/** STS answers again at E − 13.6 s: before lastStart (E − 13 s), after the old rule's last hung attempt (E − 14.255 s). */
const RECOVERY_BEFORE_EXPIRY = 13_600;
const PERIOD = 50; // one request every 50 ms, alternating DynamoDB and S3
const TAIL = 3_000; // load goes on this long after the edge
/**
 * A request that waits for a fetch waits for STS, ≥ 400 ms. One that reads the slot takes a few
 * ms on loopback; the bound leaves ~50× room for a busy 2-core CI machine (GC, other forks), and
 * the clients are warmed up first, so module loading and the first connection are not counted.
 */
const MAX_LATENCY = STS_LATENCY;
/** Start-up, the refresh, its retry, the attempt at lastStart. */
const MAX_CREDENTIAL_CALLS = 4;

/*
 * Timeline, relative to E = expiration of the start-up credentials (≈ 45 s after start-up).
 * edge = E − expiryMargin = E − 10 s; lastStart = edge − F = E − 13 s. random = 0.999 puts every
 * full-jitter delay at 0.999 × its ceiling; backoffBase = maxBackoff = 60 s, so every ceiling is
 * the validity cap (as after a few doublings in a long outage); jitterWindow 0.
 *
 * Current rule (cap max(1 s, (lastStart − now)/4), snap to lastStart):
 *   E − 45     start-up fetch, STS ok (400 ms). STS then hangs.
 *   E − 22     refresh (refreshBeforeExpiry 22 s; + F + 1 s ≤ lastStart, no snap): hangs until F.
 *   E − 19     fails; cap = 6 s / 4 = 1.5 s → E − 17.5 (+ F + 1 s ≤ lastStart: no snap).
 *   E − 17.5   retry: hangs. E − 14.5 fails; cap 1 s → E − 13.5, within F + 1 s of lastStart:
 *              snapped to lastStart.
 *   E − 13.6   R: STS answers again (R ≤ lastStart, so the guarantee applies).
 *   E − 13     attempt at lastStart: new credentials at ≈ E − 12.6, 2.6 s before the edge.
 *
 * Old rule (cap max(1 s, (E − now)/4), no snap, no fetchTimeout room), same start:
 *   E − 19     fails; cap 19 s / 4 = 4.75 s → E − 14.255: before R, so it hangs too.
 *   E − 11.255 fails; cap 2.81 s → E − 8.444, 1.56 s past the edge.
 *   E − 10 … E − 8.04: nothing usable; every request waits for that fetch (up to ≈ 2 s).
 *
 * R is ≥ 0.6 s from both E − 14.255 and lastStart, so a late timer cannot change the outcome.
 */

let aws: Emulator | undefined;
let slot: CredentialSlot | undefined;
let clients: Array<{ destroy(): void }> = [];
let recoveryTimer: NodeJS.Timeout | undefined;

afterEach(async () => {
  clearTimeout(recoveryTimer);
  for (const client of clients) client.destroy();
  clients = [];
  await slot?.close();
  await aws?.close();
});

describe("STS hangs for most of the credentials' lifetime, then answers again shortly before expiry", () => {
  test(
    "an attempt completes before the edge and no request under load waits on STS",
    async () => {
      aws = await startEmulator({
        sts: { credentialLifetimeSeconds: LIFETIME_S, latencyMs: STS_LATENCY },
        dynamodb: { tables: [{ name: "orders" }] },
        s3: { buckets: ["media"] },
      });
      const tokenFile = join(mkdtempSync(join(tmpdir(), "awscreds-hang-")), "token");
      writeFileSync(tokenFile, "hang-token");
      const theSlot = createCredentialSlot({
        // attemptTimeout above F: the slot's fetchTimeout is what ends a hung attempt.
        source: fromWebIdentity({ roleArn: ROLE_ARN, webIdentityTokenFile: tokenFile, region: REGION, endpoint: aws.url, attemptTimeout: 10_000 }),
        fetchTimeout: FETCH_TIMEOUT,
        policy: { refreshBeforeExpiry: REFRESH_BEFORE_EXPIRY, jitterWindow: 0, backoffBase: 60_000, maxBackoff: 60_000, expiryMargin: EXPIRY_MARGIN },
        random: () => 0.999,
      });
      slot = theSlot;
      await theSlot.ready();
      aws.configure({ sts: { mode: "hang" } });

      const initial = theSlot.current();
      const expiration = initial?.expiration?.getTime() ?? NaN;
      const edge = expiration - EXPIRY_MARGIN;
      const lastStart = edge - FETCH_TIMEOUT;
      // The timeline above: the first refresh is planned 22 s before expiration (a lifetime that
      // lost its milliseconds to the emulator's whole-second Expiration halves to ≥ 21.5 s).
      const firstRefreshAt = theSlot.stats().nextRefreshAt ?? NaN;
      expect(expiration - firstRefreshAt).toBeGreaterThanOrEqual(21_500);
      expect(expiration - firstRefreshAt).toBeLessThanOrEqual(REFRESH_BEFORE_EXPIRY);

      const refreshed: Array<{ at: number; accessKeyId: string }> = [];
      const failures: number[] = [];
      theSlot.on("refreshed", ({ accessKeyId }) => refreshed.push({ at: Date.now(), accessKeyId }));
      theSlot.on("refreshFailed", () => failures.push(Date.now()));
      let recoveredAt: number | undefined;
      const recovery = aws;
      recoveryTimer = setTimeout(() => {
        recoveredAt = Date.now();
        recovery.configure({ sts: { mode: "ok" } });
      }, expiration - RECOVERY_BEFORE_EXPIRY - Date.now());

      const ddb = new DynamoDBClient({ region: REGION, endpoint: aws.url });
      ddb.middlewareStack.use(awsCredsPlugin(ddb.config, { slot: theSlot }));
      const s3 = new S3Client({ region: REGION, endpoint: aws.url, forcePathStyle: true });
      s3.middlewareStack.use(awsCredsPlugin(s3.config, { slot: theSlot }));
      clients = [ddb, s3];
      const send = (i: number): Promise<unknown> =>
        i % 2 === 0
          ? ddb.send(new GetItemCommand({ TableName: "orders", Key: { pk: { S: `k${i % 100}` } } }))
          : s3.send(new PutObjectCommand({ Bucket: "media", Key: `k${i % 100}`, Body: "v" }));
      await Promise.all([send(0), send(1)]); // warm-up, not measured

      // Open loop: each request is sent at its instant, whether or not earlier ones completed.
      const latencies: number[] = [];
      const requests: Array<Promise<unknown>> = [];
      const start = Date.now();
      for (let i = 0; Date.now() < edge + TAIL; i++) {
        await sleep(Math.max(0, start + i * PERIOD - Date.now()));
        const sentAt = performance.now();
        requests.push(send(i).then(() => void latencies.push(performance.now() - sentAt)));
      }
      const results = await Promise.allSettled(requests);

      const worst = Math.max(...latencies);
      const summary = {
        requests: requests.length,
        worstLatencyMs: Math.round(worst),
        failedRequests: results.filter((r) => r.status === "rejected").length,
        refreshFailuresBeforeExpiryS: failures.map((at) => (expiration - at) / 1000),
        recoveredBeforeExpiryS: recoveredAt === undefined ? undefined : (expiration - recoveredAt) / 1000,
        refreshedBeforeExpiryS: refreshed.map((r) => (expiration - r.at) / 1000),
        credentialCalls: aws.records.credentialCalls().map((c) => ({ beforeExpiryS: (expiration - c.at) / 1000, outcome: c.outcome })),
      };
      console.warn(`[stsHangBeforeExpiry] ${JSON.stringify(summary)}`);

      // The scenario happened: STS hung through the refresh, and answered again by lastStart.
      const [, firstRefresh] = aws.records.credentialCalls();
      expect(firstRefresh?.outcome).toBe("hung");
      expect(failures.length).toBeGreaterThanOrEqual(1);
      expect(recoveredAt).toBeDefined();
      expect(recoveredAt).toBeLessThanOrEqual(lastStart);

      expect(results.filter((r) => r.status === "rejected")).toEqual([]);
      const served = aws.records.requests.filter((r) => r.service !== "sts");
      expect(served.length).toBeGreaterThanOrEqual(requests.length + 2);
      expect(served.filter((r) => !r.signatureValid || r.keyExpired || r.status !== 200)).toEqual([]);
      // The new credentials arrived before the edge.
      expect(refreshed).toHaveLength(1);
      expect(refreshed[0]?.accessKeyId).not.toBe(initial?.accessKeyId);
      expect(refreshed[0]?.at).toBeLessThan(edge);
      expect(new Set(served.map((r) => r.accessKeyId))).toEqual(new Set([initial?.accessKeyId, refreshed[0]?.accessKeyId]));
      // No request waited on STS.
      expect(latencies).toHaveLength(requests.length);
      expect(worst).toBeLessThan(MAX_LATENCY);
      expect(aws.records.credentialCalls().length).toBeLessThanOrEqual(MAX_CREDENTIAL_CALLS);
    },
    90_000,
  );
});
