/**
 * Fault matrix, STS rows: STS fails in each way it can, or is slow, under load, and answers
 * again before the credentials run out: nothing may fail. See helpers/loadHarness.ts for the
 * rig, the time scale and the checks (a)–(e) every row shares.
 */
import type { StsMode } from "@awscreds/emulator";
import { describe, expect, test } from "vitest";
import {
  FETCH_TIMEOUT,
  LOAD_SLACK_MS,
  POLICY,
  failOnUnhandledRejections,
  maxAttemptsWithin,
  maxRefreshesWithin,
  runRow,
} from "./helpers/loadHarness.js";

failOnUnhandledRejections();

/** STS answers again this long before lastStart (expiration − expiryMargin − fetchTimeout). */
const BEFORE_LAST_START = 300;
/** Load goes on this long past the edge of the first credentials. */
const TAIL = 500;

interface TransientFault {
  readonly mode: StsMode;
  /** What the emulator records for a faulty call. */
  readonly outcome: string;
  /** `refreshFailed`: the error's kind and the name of the error behind it. */
  readonly kind: "retryable" | "throttling";
  readonly cause: string;
  /** First retry ceiling for this kind. */
  readonly base: number;
  /** How long one faulty attempt takes before it fails. */
  readonly attemptMs: number;
}

const transient: Array<[string, TransientFault]> = [
  ["STS 5xx", { mode: "error5xx", outcome: "ServiceUnavailable", kind: "retryable", cause: "ServiceUnavailable", base: POLICY.backoffBase, attemptMs: 0 }],
  ["STS throttling", { mode: "throttle", outcome: "Throttling", kind: "throttling", cause: "Throttling", base: POLICY.throttleBackoffBase, attemptMs: 0 }],
  ["STS hangs longer than fetchTimeout", { mode: "hang", outcome: "hung", kind: "retryable", cause: "TimeoutError", base: POLICY.backoffBase, attemptMs: FETCH_TIMEOUT }],
  ["STS answers a garbage body", { mode: "garbage", outcome: "garbage", kind: "retryable", cause: "Error", base: POLICY.backoffBase, attemptMs: 0 }],
  ["STS answers InvalidIdentityToken", { mode: "invalidIdentityToken", outcome: "InvalidIdentityToken", kind: "retryable", cause: "InvalidIdentityTokenException", base: POLICY.backoffBase, attemptMs: 0 }],
  ["STS returns already-expired credentials", { mode: "expiredCredentials", outcome: "ok", kind: "retryable", cause: "InvalidCredentialsError", base: POLICY.backoffBase, attemptMs: 0 }],
];

describe("fault matrix under load: STS", () => {
  /*
   * Timeline, on the host clock; K1 = the start-up credentials, expiring at E.
   *   ready         STS goes bad; load starts.
   *   R1            planned refresh: fails, and is retried with backoff (full jitter).
   *   lastStart − 300 ms   STS answers again. The policy plans one attempt at lastStart at the
   *                 latest, so new credentials arrive before the edge (E − expiryMargin).
   *   edge + 500 ms load stops.
   * Bound (c): 1 start-up + A(W) failed attempts in the fault window W = [R1, STS back], where
   * A(W) counts attempts spaced by full jitter's floor min(100 ms, base × 2^(n−1)) plus each
   * attempt's own duration, + 1 attempt snapped to lastStart + 1 success + ⌈tail / 1.125 s⌉
   * refreshes after it.
   */
  test.for(transient)("%s, until shortly before lastStart: no request fails, retries back off, new credentials before the edge", ([row, fault]) =>
    runRow(async (startRig) => {
      const rig = await startRig();
      const k1 = rig.heldKey();
      const stsBack = k1.lastStart - BEFORE_LAST_START;
      expect(k1.refreshAt, "the refresh falls inside the fault window").toBeLessThan(stsBack - 500);
      rig.aws.configure({ sts: { mode: fault.mode } });
      const aws = rig.aws;
      rig.at(stsBack, () => aws.configure({ sts: { mode: "ok" } }));

      const load = await rig.runUntil(k1.edge + TAIL);

      const calls = rig.stsCalls();
      // The fault happened, on the refresh, and was classified as documented.
      expect(calls.slice(1, 2).map((c) => c.outcome)).toEqual([fault.outcome]);
      const failures = rig.events.filter((e) => e.type === "refreshFailed");
      expect(failures.length).toBeGreaterThan(0);
      expect(failures.every((e) => e.error?.kind === fault.kind && e.error.cause === fault.cause), JSON.stringify(failures[0])).toBe(true);
      // Static stability: the new credentials came before the edge, so no request failed at all.
      const replaced = rig.events.find((e) => e.type === "refreshed" && e.accessKeyId !== k1.accessKeyId);
      expect(replaced?.at ?? Infinity).toBeLessThan(k1.edge);
      expect(rig.events.filter((e) => e.type === "expired")).toEqual([]);
      expect(load.failed).toEqual([]);
      load.expectServedWhileValid();
      load.expectNoExpiredKeyUsed();
      const window = stsBack - k1.refreshAt + LOAD_SLACK_MS;
      const bound = 1 + maxAttemptsWithin(window, fault.base, fault.attemptMs) + 1 + 1 + maxRefreshesWithin(k1.edge + TAIL - stsBack);
      expect(calls.length, `STS calls ≤ 1 + A(${Math.round(window)} ms) + 1 + 1 + ⌈tail/1.125 s⌉ = ${bound}`).toBeLessThanOrEqual(bound);
      load.report(row, { stsBound: bound, failedAttempts: failures.length });
    }));

  /*
   * STS answers every call 250 ms late (half of fetchTimeout), across the first credentials' edge.
   * Bound (c): 1 start-up + ⌈T / 1.125 s⌉ refreshes, all answered.
   */
  test("STS hangs shorter than fetchTimeout: every refresh succeeds ahead of expiry, no request waits on STS", () =>
    runRow(async (startRig) => {
      const stsLatency = FETCH_TIMEOUT / 2;
      const rig = await startRig();
      const k1 = rig.heldKey();
      rig.aws.configure({ sts: { latencyMs: stsLatency } });
      const started = rig.clock.now();

      const load = await rig.runUntil(k1.edge + TAIL);

      expect(rig.events.filter((e) => e.type !== "refreshed")).toEqual([]);
      const calls = rig.stsCalls();
      expect(calls.length).toBeGreaterThanOrEqual(2); // a refresh, at least: the row crossed the edge
      expect(calls.filter((c) => c.outcome !== "ok").map((c) => `${c.outcome} after ${c.durationMs} ms`)).toEqual([]);
      // The emulator's delay is a timer: it may fire a fraction of a millisecond "early" by performance.now().
      expect(calls.slice(1).every((c) => (c.durationMs ?? Infinity) >= stsLatency - 5)).toBe(true);
      expect(load.failed).toEqual([]);
      load.expectServedWhileValid();
      load.expectNoExpiredKeyUsed();
      // A request that waited for a refresh would have waited ≥ 250 ms for its credentials.
      expect(Math.max(...load.requests.map((r) => r.identityWaitMs ?? Infinity))).toBeLessThan(stsLatency);
      const bound = 1 + maxRefreshesWithin(rig.clock.now() - started);
      expect(calls.length, `STS calls ≤ 1 + ⌈T/1.125 s⌉ = ${bound}`).toBeLessThanOrEqual(bound);
      load.report("STS hangs shorter than fetchTimeout", { stsBound: bound });
    }));

  /*
   * From the first refresh on, STS sends no Expiration. The emulator's keys still expire after
   * 5.5 s, so this row sets noExpirationRefreshPeriod to 2 s (90 s on the common scale): the slot
   * must rotate such credentials on that period, never keep them forever.
   * Bound (c): 1 start-up + 1 refresh + ⌈(T − R1) / 1.5 s⌉ (a period minus at most a quarter of it).
   */
  test("credentials without expiration: refreshed every noExpirationRefreshPeriod, requests unaffected", () =>
    runRow(async (startRig) => {
      const period = 2_000;
      const rig = await startRig({ policy: { noExpirationRefreshPeriod: period } });
      const k1 = rig.heldKey();
      rig.aws.configure({ sts: { mode: "noExpiration" } });

      const load = await rig.runFor(5_000);

      const refreshed = rig.events.filter((e) => e.type === "refreshed");
      expect(refreshed.length).toBeGreaterThanOrEqual(3); // R1, and at least one period after it
      expect(refreshed.slice(1).every((e) => e.expiration === undefined)).toBe(true);
      const gaps = refreshed.slice(2).map((e, i) => e.at - (refreshed[i + 1]?.at ?? NaN));
      expect(gaps.every((gap) => gap >= period * 0.75 - 50 && gap <= period + LOAD_SLACK_MS), `gaps ${gaps.join(", ")}`).toBe(true);
      expect(rig.events.filter((e) => e.type !== "refreshed")).toEqual([]);
      expect(load.failed).toEqual([]);
      // Valid: until the emulator expires the key (it still does) minus expiryMargin.
      load.expectServedWhileValid((call) => (call.expiration ?? NaN) - POLICY.expiryMargin);
      load.expectNoExpiredKeyUsed();
      const bound = 1 + 1 + Math.ceil((rig.clock.now() - k1.refreshAt) / (period * 0.75));
      expect(rig.stsCalls().length, `STS calls ≤ 2 + ⌈(T − R1)/1.5 s⌉ = ${bound}`).toBeLessThanOrEqual(bound);
      load.report("credentials without expiration", { stsBound: bound, refreshGapsMs: gaps.map(Math.round) });
    }));
});
