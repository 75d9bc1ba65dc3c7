/**
 * Fault matrix, expiry rows: STS fails for longer than the credentials last, so they expire under
 * load. Requests must then fail fast with a typed error, never hang, and recover on their own
 * once STS answers again. See helpers/loadHarness.ts for the rig, the time scale and the checks
 * (a)–(e) every row shares.
 */
import { describe, expect, test } from "vitest";
import { LOAD_SLACK_MS, POLICY, READ_TIMEOUT, failOnUnhandledRejections, maxAttemptsWithin, maxRefreshesWithin, runRow } from "./helpers/loadHarness.js";

failOnUnhandledRejections();

/** Load goes on this long past the recovery's deadline. */
const TAIL = 500;

describe("fault matrix under load: faults that outlast the credentials", () => {
  /*
   * AccessDenied (the role's trust policy) from the first refresh until 500 ms past the edge, when
   * an operator fixes it. Non-retryable: the next attempt is 7.5–15 s away (5–10 min in
   * production, never sooner than a minute while credentials are valid), so the credentials
   * expire; from then on requests fail at once, and each failing read pulls the next attempt in
   * to at most unavailableRetryInterval (1.5 s) after the last one.
   * Bound (c): 1 start-up + 1 refresh + 1 at the edge + ⌈(fix − edge) / 1.5 s⌉ + 1 success + ⌈tail / 1.125 s⌉.
   */
  test("AccessDenied across expiry: one attempt while valid, typed fast failures after the edge, recovery within unavailableRetryInterval of the fix", () =>
    runRow(async (startRig) => {
      const rig = await startRig();
      const k1 = rig.heldKey();
      const fixedAt = k1.edge + 500;
      const aws = rig.aws;
      aws.configure({ sts: { mode: "accessDenied" } });
      rig.at(fixedAt, () => aws.configure({ sts: { mode: "ok" } }));
      const until = fixedAt + POLICY.unavailableRetryInterval + TAIL;

      const load = await rig.runUntil(until);

      const failures = rig.events.filter((e) => e.type === "refreshFailed");
      expect(failures.every((e) => e.error?.kind === "nonRetryable" && e.error.cause === "AccessDenied")).toBe(true);
      expect(failures.filter((e) => e.at < k1.edge)).toHaveLength(1);
      expect(rig.logs.some((l) => l.level === "error" && /failed \(nonRetryable\): AccessDenied.*this will not fix itself/.test(l.text))).toBe(true);
      expect(rig.events.filter((e) => e.type === "expired").map((e) => e.accessKeyId)).toEqual([k1.accessKeyId]);
      const recovered = rig.events.find((e) => e.type === "refreshed" && e.at >= fixedAt);
      expect(recovered, "no refresh after the fix").toBeDefined();
      const recoveryMs = (recovered?.at ?? Infinity) - fixedAt;
      expect(recoveryMs).toBeLessThanOrEqual(POLICY.unavailableRetryInterval + LOAD_SLACK_MS);
      load.expectServedWhileValid();
      load.expectNoExpiredKeyUsed();
      expect(load.failed.length).toBeGreaterThan(0); // requests between the edge and the recovery
      load.expectFailuresFast(["CredentialsUnavailableError"], READ_TIMEOUT + LOAD_SLACK_MS);
      expect(load.failed.every((r) => r.error?.cause === "CredentialSourceError ← AccessDenied")).toBe(true);
      const bound = 1 + 1 + 1 + Math.ceil((fixedAt - k1.edge) / POLICY.unavailableRetryInterval) + 1 + maxRefreshesWithin(until - fixedAt);
      expect(rig.stsCalls().length, `STS calls ≤ 3 + ⌈(fix − edge)/1.5 s⌉ + 1 + ⌈tail/1.125 s⌉ = ${bound}`).toBeLessThanOrEqual(bound);
      load.report("AccessDenied", { stsBound: bound, recoveryMs: Math.round(recoveryMs) });
    }));

  /*
   * STS answers 503 from start-up until 600 ms after the credentials' expiration: an outage
   * longer than their lifetime. From the edge on, requests must fail fast with the typed
   * error (never hang past readTimeout), and recover on their own once STS is back: each failing
   * read keeps the next attempt within unavailableRetryInterval (1.5 s) of the last one.
   * Bound (c): 1 start-up + A(outage) attempts spaced by full jitter's floor + 1 snapped to lastStart + 1 success + ⌈tail / 1.125 s⌉.
   */
  test("outage longer than the credential lifetime: fast typed failures after expiry, automatic recovery within unavailableRetryInterval", () =>
    runRow(async (startRig) => {
      const rig = await startRig();
      const k1 = rig.heldKey();
      const stsBack = k1.expiration + 600;
      const aws = rig.aws;
      aws.configure({ sts: { mode: "error5xx" } });
      rig.at(stsBack, () => aws.configure({ sts: { mode: "ok" } }));
      const until = stsBack + POLICY.unavailableRetryInterval + TAIL;

      const load = await rig.runUntil(until);

      expect(rig.events.filter((e) => e.type === "expired").map((e) => e.accessKeyId)).toEqual([k1.accessKeyId]);
      expect(rig.logs.some((l) => l.level === "error" && /credentials ASIA\w+ expired at .* before a refresh succeeded \(last error: ServiceUnavailable/.test(l.text))).toBe(true);
      const recovered = rig.events.find((e) => e.type === "refreshed" && e.at >= stsBack);
      expect(recovered, "no refresh after STS came back").toBeDefined();
      const recoveryMs = (recovered?.at ?? Infinity) - stsBack;
      expect(recoveryMs).toBeLessThanOrEqual(POLICY.unavailableRetryInterval + LOAD_SLACK_MS);
      load.expectServedWhileValid();
      load.expectNoExpiredKeyUsed();
      expect(load.failed.length).toBeGreaterThan(0);
      load.expectFailuresFast(["CredentialsUnavailableError"], READ_TIMEOUT + LOAD_SLACK_MS);
      expect(load.failed.every((r) => r.error?.cause === "CredentialSourceError ← ServiceUnavailable")).toBe(true);
      // Every request that read credentials once they were back succeeded.
      expect(load.requests.filter((r) => (r.readAt ?? 0) > (recovered?.at ?? Infinity) && r.error !== undefined)).toEqual([]);
      const bound = 1 + maxAttemptsWithin(stsBack - k1.refreshAt + LOAD_SLACK_MS, POLICY.backoffBase) + 1 + 1 + maxRefreshesWithin(until - stsBack);
      expect(rig.stsCalls().length, `STS calls ≤ 1 + A(outage) + 1 + 1 + ⌈tail/1.125 s⌉ = ${bound}`).toBeLessThanOrEqual(bound);
      load.report("outage longer than the lifetime", { stsBound: bound, recoveryMs: Math.round(recoveryMs), failedAttempts: rig.events.filter((e) => e.type === "refreshFailed").length });
    }));
});
