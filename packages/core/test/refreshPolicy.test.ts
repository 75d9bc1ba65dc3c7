import { describe, expect, test } from "vitest";
import { ConfigurationError, decide, DEFAULT_REFRESH_POLICY, isUsable, planRefresh, planRetry, resolveRefreshPolicy } from "@awscreds/core";
import type { RetryInput } from "@awscreds/core";
// From the module itself: this file does not depend on the entry point re-exporting it.
import { planRetryOnDemand } from "../src/policy/refreshPolicy.js";

const S = 1_000;
const MIN = 60 * S;
const H = 60 * MIN;
/** Just below 1: uniform draws land on the top of their range. */
const TOP = 1 - 2 ** -40;
/** The default expiryMargin: the edge is `expiration − MARGIN`. */
const MARGIN = 10 * S;

describe("planRefresh", () => {
  test.each([
    // lifetime, random, expected lead before expiry (or, for no expiration, delay after obtainedAt)
    { name: "1 h, random 0: latest point, 10 min before expiry", expiration: H, random: 0, at: H - 10 * MIN },
    { name: "1 h, random 0.5: 10 min + half of the 15 min jitter before expiry", expiration: H, random: 0.5, at: H - 17.5 * MIN },
    { name: "1 h, random → 1: earliest point, 25 min before expiry", expiration: H, random: TOP, at: H - 25 * MIN },
    { name: "15 min, random 0: late margin halved to L/2, 7.5 min before expiry", expiration: 15 * MIN, random: 0, at: 7.5 * MIN },
    { name: "15 min, random → 1: jitter (L − 7.5 min)/2 = 3.75 min, 11.25 min before expiry", expiration: 15 * MIN, random: TOP, at: 3.75 * MIN },
    { name: "12 h, random 0: 10 min before expiry", expiration: 12 * H, random: 0, at: 12 * H - 10 * MIN },
    { name: "12 h, random → 1: 25 min before expiry", expiration: 12 * H, random: TOP, at: 12 * H - 25 * MIN },
    { name: "2 min: late margin L/2, jitter (L − margin)/2", expiration: 2 * MIN, random: TOP, at: 30 * S },
    { name: "2 min, random 0", expiration: 2 * MIN, random: 0, at: MIN },
    { name: "1.5 s: never before obtainedAt + minRefreshInterval", expiration: 1.5 * S, random: TOP, at: S },
    { name: "already expired: not a tight loop", expiration: -H, random: 0, at: S },
    { name: "no expiration, random 0: one period", expiration: undefined, random: 0, at: H },
    { name: "no expiration, random 0.5", expiration: undefined, random: 0.5, at: 52.5 * MIN },
    { name: "no expiration, random → 1: period − min(jitterWindow, period/4)", expiration: undefined, random: TOP, at: 45 * MIN },
    { name: "random out of range is clamped", expiration: H, random: 7, at: H - 25 * MIN },
    // With a fetchTimeout: never later than lastStart = expiration − 10 s margin − fetchTimeout.
    { name: "1 h, fetchTimeout 10 s: far from lastStart, unchanged", expiration: H, random: 0, fetchTimeout: 10 * S, at: H - 10 * MIN },
    { name: "20 s, fetchTimeout 1 s, random 0: exp − 10 s is past lastStart (9 s): capped at it", expiration: 20 * S, random: 0, fetchTimeout: S, at: 9 * S },
    { name: "20 s, fetchTimeout 1 s, random → 1: 5 s leaves fetchTimeout + 1 s before lastStart: unchanged", expiration: 20 * S, random: TOP, fetchTimeout: S, at: 5 * S },
    { name: "60 s, fetchTimeout 10 s, random 0: 30 s could hang until lastStart (40 s): snaps to it", expiration: MIN, random: 0, fetchTimeout: 10 * S, at: 40 * S },
    { name: "60 s, fetchTimeout 10 s, random → 1: 15 s leaves room: unchanged", expiration: MIN, random: TOP, fetchTimeout: 10 * S, at: 15 * S },
    { name: "11 s, fetchTimeout 1 s: lastStart is obtainedAt, the minRefreshInterval floor wins", expiration: 11 * S, random: 0, fetchTimeout: S, at: S },
    { name: "15 s, fetchTimeout 10 s: lastStart already past, the floor wins", expiration: 15 * S, random: 0.5, fetchTimeout: 10 * S, at: S },
    { name: "no expiration: fetchTimeout changes nothing", expiration: undefined, random: 0, fetchTimeout: 10 * S, at: H },
  ])("$name", ({ expiration, random, at, fetchTimeout }) => {
    expect(planRefresh({ expiration, obtainedAt: 0, fetchTimeout }, random)).toBe(at);
  });

  test("is relative to obtainedAt and honours options", () => {
    const obtainedAt = Date.UTC(2026, 0, 1);
    expect(planRefresh({ expiration: obtainedAt + H, obtainedAt }, 0)).toBe(obtainedAt + 50 * MIN);
    const policy = resolveRefreshPolicy({ refreshBeforeExpiry: 2 * MIN, jitterWindow: 0 });
    expect(planRefresh({ expiration: obtainedAt + H, obtainedAt }, 0.9, policy)).toBe(obtainedAt + 58 * MIN);
    const shortPeriod = resolveRefreshPolicy({ noExpirationRefreshPeriod: 10 * MIN });
    expect(planRefresh({ obtainedAt }, TOP, shortPeriod)).toBe(obtainedAt + 7.5 * MIN);
    // No lead at all: capped at lastStart = exp − expiryMargin − fetchTimeout.
    const noLead = resolveRefreshPolicy({ refreshBeforeExpiry: 0, jitterWindow: 0 });
    expect(planRefresh({ expiration: obtainedAt + H, obtainedAt, fetchTimeout: 10 * S }, 0, noLead)).toBe(obtainedAt + H - 20 * S);
    const noMargin = resolveRefreshPolicy({ refreshBeforeExpiry: 0, jitterWindow: 0, expiryMargin: 0 });
    expect(planRefresh({ expiration: obtainedAt + H, obtainedAt, fetchTimeout: 10 * S }, 0, noMargin)).toBe(obtainedAt + H - 10 * S);
    // The minRefreshInterval floor wins over lastStart.
    const slowFloor = resolveRefreshPolicy({ minRefreshInterval: 50 * S });
    expect(planRefresh({ expiration: obtainedAt + MIN, obtainedAt, fetchTimeout: 10 * S }, 0, slowFloor)).toBe(obtainedAt + 50 * S);
  });

  // 1 h and longer: [exp − 25 min, exp − 10 min]. 15 min: the late margin is L/2 and the jitter L/4, so [L/4, L/2].
  test.each([15 * MIN, H, 6 * H, 12 * H])("every draw for a %d ms lifetime lands in [max(exp − 25 min, L/4), max(exp − 10 min, L/2)]", (lifetime) => {
    for (let i = 0; i <= 1_000; i++) {
      const at = planRefresh({ expiration: lifetime, obtainedAt: 0 }, i / 1_001);
      expect(at).toBeLessThanOrEqual(Math.max(lifetime - 10 * MIN, lifetime / 2));
      expect(at).toBeGreaterThanOrEqual(Math.max(lifetime - 25 * MIN, lifetime / 4));
      // The default 10 s fetchTimeout only matters for lifetimes under 62 s.
      expect(planRefresh({ expiration: lifetime, obtainedAt: 0, fetchTimeout: 10 * S }, i / 1_001)).toBe(at);
    }
  });
});

describe("planRetry", () => {
  test.each([
    { name: "retryable, 1st failure: ceiling 1 s", kind: "retryable", failures: 1, random: TOP, delay: S },
    { name: "retryable, 3rd failure: half of a 4 s ceiling", kind: "retryable", failures: 3, random: 0.5, delay: 2 * S },
    { name: "retryable, random 0: 100 ms floor", kind: "retryable", failures: 1, random: 0, delay: 100 },
    { name: "retryable, 9th failure: 256 s", kind: "retryable", failures: 9, random: TOP, delay: 256 * S },
    { name: "retryable, 10th failure: capped at maxBackoff 5 min", kind: "retryable", failures: 10, random: TOP, delay: 5 * MIN },
    { name: "retryable, 5,000th failure: no overflow", kind: "retryable", failures: 5_000, random: TOP, delay: 5 * MIN },
    { name: "failures below 1 count as 1", kind: "retryable", failures: 0, random: TOP, delay: S },
    { name: "throttling, 1st failure: 5 s", kind: "throttling", failures: 1, random: TOP, delay: 5 * S },
    { name: "throttling, 2nd failure: 10 s", kind: "throttling", failures: 2, random: TOP, delay: 10 * S },
    { name: "throttling, 7th failure: capped at 5 min", kind: "throttling", failures: 7, random: TOP, delay: 5 * MIN },
    // Without a fetchTimeout lastStart is the edge, expiration − 10 s: the cap is measured to it.
    { name: "retryable, 8 min left: capped at a quarter of the 7 min 50 s to the edge (was 2 min, to expiration)", kind: "retryable", failures: 10, random: TOP, expiresIn: 8 * MIN, delay: 117.5 * S },
    { name: "throttling, 8 min left: capped likewise at 117.5 s (was 2 min, to expiration)", kind: "throttling", failures: 10, random: TOP, expiresIn: 8 * MIN, delay: 117.5 * S },
    { name: "retryable, 3 s to the edge: the cap never goes below 1 s", kind: "retryable", failures: 10, random: TOP, expiresIn: 13 * S, delay: S },
    { name: "retryable, 2 s left: inside the 10 s margin, past the edge: maxBackoff (was the 1 s floor)", kind: "retryable", failures: 10, random: TOP, expiresIn: 2 * S, delay: 5 * MIN },
    { name: "retryable, already expired: maxBackoff", kind: "retryable", failures: 10, random: TOP, expiresIn: -H, delay: 5 * MIN },
    // fetchTimeout 10 s: lastStart = expiration − 10 s margin − 10 s.
    { name: "retryable, 8 min to lastStart: cap measured to lastStart, 2 min", kind: "retryable", failures: 10, random: TOP, expiresIn: 8 * MIN + 20 * S, fetchTimeout: 10 * S, delay: 2 * MIN },
    { name: "throttling, 8 min to lastStart: 2 min", kind: "throttling", failures: 10, random: TOP, expiresIn: 8 * MIN + 20 * S, fetchTimeout: 10 * S, delay: 2 * MIN },
    { name: "retryable, 20 s to lastStart: cap 5 s, which leaves room before it", kind: "retryable", failures: 10, random: TOP, expiresIn: 40 * S, fetchTimeout: 10 * S, delay: 5 * S },
    { name: "no expiration: fetchTimeout changes nothing", kind: "retryable", failures: 10, random: TOP, fetchTimeout: 10 * S, delay: 5 * MIN },
    // The snap: a next attempt after lastStart − fetchTimeout − 1 s starts at lastStart.
    { name: "snap: next (1 s) after lastStart (500 ms, under the 1 s cap floor): earlier, to lastStart", kind: "retryable", failures: 10, random: TOP, expiresIn: 20.5 * S, fetchTimeout: 10 * S, delay: 500 },
    { name: "snap: next 1.2 s, a timeout at 11.2 s leaves < 1 s before lastStart (12 s): later, to lastStart", kind: "retryable", failures: 2, random: 0.6, expiresIn: 32 * S, fetchTimeout: 10 * S, delay: 12 * S },
    { name: "snap: next 1 s leaves exactly fetchTimeout + 1 s before lastStart (12 s): not snapped", kind: "retryable", failures: 2, random: 0.5, expiresIn: 32 * S, fetchTimeout: 10 * S, delay: S },
    { name: "snap: even at the 100 ms floor", kind: "retryable", failures: 1, random: 0, expiresIn: 31 * S, fetchTimeout: 10 * S, delay: 11 * S },
    { name: "snap: throttling too", kind: "throttling", failures: 1, random: TOP, expiresIn: 32 * S, fetchTimeout: 10 * S, delay: 12 * S },
    { name: "snap: without a fetchTimeout, to the edge when within 1 s of it", kind: "retryable", failures: 1, random: TOP, expiresIn: 11.5 * S, delay: 1.5 * S },
    // From lastStart to the edge: still valid, too late for a safe start: quick retries.
    { name: "failure at lastStart exactly: no snap (it would mean again now), cap (edge − now)/4", kind: "retryable", failures: 10, random: TOP, expiresIn: 20 * S, fetchTimeout: 10 * S, delay: 2.5 * S },
    { name: "past lastStart, 5 s to the edge: cap 1.25 s", kind: "retryable", failures: 10, random: TOP, expiresIn: 15 * S, fetchTimeout: 10 * S, delay: 1.25 * S },
    { name: "throttling past lastStart, 5 s to the edge: cap 1.25 s", kind: "throttling", failures: 1, random: TOP, expiresIn: 15 * S, fetchTimeout: 10 * S, delay: 1.25 * S },
    { name: "past lastStart, 200 ms to the edge: the cap never goes below 100 ms", kind: "retryable", failures: 10, random: TOP, expiresIn: 10.2 * S, fetchTimeout: 10 * S, delay: 100 },
    { name: "past lastStart, random 0: 100 ms floor", kind: "retryable", failures: 10, random: 0, expiresIn: 15 * S, fetchTimeout: 10 * S, delay: 100 },
    // Past the edge: nothing left to save, maxBackoff.
    { name: "past the edge (5 s left): maxBackoff", kind: "retryable", failures: 10, random: TOP, expiresIn: 5 * S, fetchTimeout: 10 * S, delay: 5 * MIN },
    { name: "throttling past the edge: uncapped 5 s ceiling", kind: "throttling", failures: 1, random: TOP, expiresIn: 5 * S, fetchTimeout: 10 * S, delay: 5 * S },
    { name: "nonRetryable, random 0: 5 min", kind: "nonRetryable", failures: 1, random: 0, delay: 5 * MIN },
    { name: "nonRetryable, random → 1: 10 min", kind: "nonRetryable", failures: 4, random: TOP, delay: 10 * MIN },
    { name: "nonRetryable, 20 min left: capped at a quarter of the 19 min 50 s to the edge (was 5 min, to expiration)", kind: "nonRetryable", failures: 1, random: TOP, expiresIn: 20 * MIN, delay: 297.5 * S },
    { name: "nonRetryable, 20 min left, fetchTimeout 10 s: a quarter of the 19 min 40 s to lastStart", kind: "nonRetryable", failures: 1, random: TOP, expiresIn: 20 * MIN, fetchTimeout: 10 * S, delay: 295 * S },
    { name: "nonRetryable, 1 min left: never below 60 s (was 30 s)", kind: "nonRetryable", failures: 1, random: 0, expiresIn: MIN, delay: MIN },
    { name: "nonRetryable, 90 s left: 60 s whatever the remaining validity, never 30 s", kind: "nonRetryable", failures: 1, random: 0, expiresIn: 90 * S, delay: MIN },
    { name: "nonRetryable, lastStart 10 s away: 60 s, no snap to it (the floor wins)", kind: "nonRetryable", failures: 1, random: 0, expiresIn: 30 * S, fetchTimeout: 10 * S, delay: MIN },
    { name: "nonRetryable, past lastStart, 5 s to the edge: 60 s", kind: "nonRetryable", failures: 1, random: TOP, expiresIn: 15 * S, fetchTimeout: 10 * S, delay: MIN },
    { name: "nonRetryable, lastStart 65 s away: 60 s would hang past it, snaps to it (≥ 60 s)", kind: "nonRetryable", failures: 1, random: 0, expiresIn: 85 * S, fetchTimeout: 10 * S, delay: 65 * S },
    { name: "nonRetryable, lastStart 80 s away: 60 s leaves room, not snapped", kind: "nonRetryable", failures: 1, random: 0, expiresIn: 100 * S, fetchTimeout: 10 * S, delay: MIN },
    { name: "nonRetryable, expired: uncapped", kind: "nonRetryable", failures: 1, random: 0.5, expiresIn: -MIN, delay: 7.5 * MIN },
  ] as const)("$name", ({ kind, failures, random, delay, ...rest }) => {
    const now = Date.UTC(2026, 0, 1);
    const expiresIn = "expiresIn" in rest ? rest.expiresIn : undefined;
    const fetchTimeout = "fetchTimeout" in rest ? rest.fetchTimeout : undefined;
    const expiration = expiresIn === undefined ? undefined : now + expiresIn;
    expect(planRetry({ failures, kind, expiration, now, fetchTimeout }, random) - now).toBe(delay);
  });

  test("full jitter: draws spread over [100 ms, ceiling]", () => {
    const delays = Array.from({ length: 1_001 }, (_, i) => planRetry({ failures: 4, kind: "retryable", now: 0 }, i / 1_001));
    expect(Math.min(...delays)).toBe(100);
    expect(Math.max(...delays)).toBeGreaterThan(7_990);
    expect(Math.max(...delays)).toBeLessThanOrEqual(8_000);
  });

  test("honours options", () => {
    const policy = resolveRefreshPolicy({ backoffBase: 200, maxBackoff: 1_000, throttleBackoffBase: 400, nonRetryableRetryDelay: 60 * S });
    expect(planRetry({ failures: 2, kind: "retryable", now: 0 }, TOP, policy)).toBe(400);
    expect(planRetry({ failures: 9, kind: "retryable", now: 0 }, TOP, policy)).toBe(1_000);
    expect(planRetry({ failures: 1, kind: "throttling", now: 0 }, TOP, policy)).toBe(400);
    expect(planRetry({ failures: 1, kind: "nonRetryable", now: 0 }, 0.5, policy)).toBe(90 * S);
  });
});

describe("planRetry: an attempt completes before the edge whenever the source recovers by lastStart", () => {
  /** Deterministic uniform draws in [0, 1) (mulberry32), so a failing seed can be replayed. */
  const draws = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };

  /** The rule before this change: cap measured to expiration, no lastStart, no snap. */
  const oldPlanRetry = (input: RetryInput, random: number): number => {
    const { now, expiration } = input;
    const remaining = expiration !== undefined && expiration > now ? expiration - now : undefined;
    const cap = remaining === undefined ? 5 * MIN : Math.min(5 * MIN, Math.max(S, remaining / 4));
    const ceiling = Math.min(S * 2 ** Math.min(input.failures - 1, 40), cap);
    return Math.round(now + Math.max(Math.min(100, ceiling), random * ceiling));
  };

  /**
   * The source hangs from the refresh on: every attempt takes its whole fetchTimeout (plus up to
   * `late` ms for a late timer) and fails, until `recovery`; from then on an attempt succeeds,
   * taking fetchTimeout too. Walks the plan from failure to failure and returns the instant the
   * first attempt starting at or after `recovery` completes, or undefined if the recovery window
   * is empty for this draw.
   */
  const completion = (plan: typeof planRetry, lifetime: number, fetchTimeout: number, seed: number, options: { late: boolean; recoverAtLastStart: boolean }) => {
    const random = draws(seed);
    const obtainedAt = Date.UTC(2026, 0, 1);
    const expiration = obtainedAt + lifetime;
    const lastStart = expiration - MARGIN - fetchTimeout;
    let start = planRefresh({ expiration, obtainedAt, fetchTimeout }, random());
    if (start > lastStart) return undefined;
    const recovery = options.recoverAtLastStart ? lastStart : Math.round(start + random() * (lastStart - start));
    for (let failures = 1; start < recovery; failures++) {
      const now = start + fetchTimeout + (options.late ? Math.floor(random() * 1_000) : 0);
      start = plan({ failures, kind: "retryable", expiration, now, fetchTimeout }, random());
      expect(start).toBeGreaterThan(now); // never "again now": no tight loop
    }
    return { done: start + fetchTimeout, edge: expiration - MARGIN };
  };

  const cases = [MIN, 5 * MIN, 15 * MIN, H].flatMap((lifetime) =>
    [S, 10 * S].map((fetchTimeout) => ({ label: `${lifetime / S} s credentials, fetchTimeout ${fetchTimeout / S} s`, lifetime, fetchTimeout })),
  );
  const SEEDS = 400;

  test.each(cases)("$label: every seed, recovery anywhere up to lastStart", ({ lifetime, fetchTimeout }) => {
    let walks = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      for (const late of [false, true]) {
        for (const recoverAtLastStart of [false, true]) {
          const result = completion(planRetry, lifetime, fetchTimeout, seed, { late, recoverAtLastStart });
          if (result === undefined) continue;
          walks++;
          if (result.done > result.edge) expect.fail(`seed ${seed} (late ${late}, at lastStart ${recoverAtLastStart}): done ${result.done - result.edge} ms after the edge`);
        }
      }
    }
    expect(walks).toBe(4 * SEEDS); // every draw fits: the refresh is never after lastStart
  });

  test("control: the old rule (cap to expiration, no snap) misses the edge for some seeds, so the property can fail", () => {
    let misses = 0;
    for (const { lifetime, fetchTimeout } of cases) {
      for (let seed = 1; seed <= SEEDS; seed++) {
        const result = completion(oldPlanRetry, lifetime, fetchTimeout, seed, { late: false, recoverAtLastStart: true });
        if (result !== undefined && result.done > result.edge) misses++;
      }
    }
    expect(misses).toBeGreaterThan(0);
  });
});

describe("planRetryOnDemand", () => {
  test.each([
    { name: "pulled in: 10 min backoff, last attempt 30 s ago: a minute after it", refreshAt: 10 * MIN, lastAttemptAt: 0, now: 30 * S, at: MIN },
    { name: "not before now: last attempt 5 min ago: now", refreshAt: 10 * MIN, lastAttemptAt: 0, now: 5 * MIN, at: 5 * MIN },
    { name: "never pushed out: already planned sooner", refreshAt: 20 * S, lastAttemptAt: 0, now: 10 * S, at: 20 * S },
    { name: "already due stays due", refreshAt: 5 * S, lastAttemptAt: 0, now: 10 * S, at: 5 * S },
    { name: "exactly a minute after the last attempt", refreshAt: 10 * MIN, lastAttemptAt: 0, now: MIN, at: MIN },
  ])("$name", ({ refreshAt, lastAttemptAt, now, at }) => {
    const t0 = Date.UTC(2026, 0, 1);
    expect(planRetryOnDemand({ refreshAt: t0 + refreshAt, lastAttemptAt: t0 + lastAttemptAt, now: t0 + now }) - t0).toBe(at);
  });

  test("honours unavailableRetryInterval", () => {
    const policy = resolveRefreshPolicy({ unavailableRetryInterval: 10 * S });
    expect(planRetryOnDemand({ refreshAt: 10 * MIN, lastAttemptAt: 0, now: S }, policy)).toBe(10 * S);
  });
});

describe("isUsable", () => {
  const now = Date.UTC(2026, 0, 1);
  test.each([
    { name: "no credentials", creds: undefined, usable: false },
    { name: "no expiration", creds: {}, usable: true },
    { name: "expires in 1 h", creds: { expiration: new Date(now + H) }, usable: true },
    { name: "expires in 10.001 s", creds: { expiration: new Date(now + 10_001) }, usable: true },
    { name: "expires in exactly the 10 s margin", creds: { expiration: new Date(now + 10_000) }, usable: false },
    { name: "expires in 5 s", creds: { expiration: new Date(now + 5_000) }, usable: false },
    { name: "expired", creds: { expiration: new Date(now - 1) }, usable: false },
    { name: "invalid Date", creds: { expiration: new Date(Number.NaN) }, usable: false },
  ])("$name → $usable", ({ creds, usable }) => {
    expect(isUsable(creds, now)).toBe(usable);
  });

  test("honours expiryMargin", () => {
    const policy = resolveRefreshPolicy({ expiryMargin: 0 });
    expect(isUsable({ expiration: new Date(now + 1) }, now, policy)).toBe(true);
    expect(isUsable({ expiration: new Date(now) }, now, policy)).toBe(false);
  });
});

describe("decide", () => {
  test.each([
    { name: "a fetch in flight: busy, even when due", state: { inFlight: true, refreshAt: 0 }, now: 10, decision: { kind: "busy" } },
    { name: "nothing planned: refresh", state: { inFlight: false }, now: 10, decision: { kind: "refresh" } },
    { name: "due exactly now: refresh", state: { inFlight: false, refreshAt: 10 }, now: 10, decision: { kind: "refresh" } },
    { name: "late (timer or read inside the window): refresh at once", state: { inFlight: false, refreshAt: 10 }, now: 10 + H, decision: { kind: "refresh" } },
    { name: "early: sleep until the planned instant", state: { inFlight: false, refreshAt: 10 + H }, now: 10, decision: { kind: "sleep", until: 10 + H } },
    { name: "clock went backward: sleep, no storm", state: { inFlight: false, refreshAt: 10 }, now: 10 - H, decision: { kind: "sleep", until: 10 } },
  ])("$name", ({ state, now, decision }) => {
    expect(decide(state, now)).toEqual(decision);
  });
});

describe("resolveRefreshPolicy", () => {
  test("fills defaults and keeps overrides; undefined takes the default", () => {
    expect(resolveRefreshPolicy()).toEqual(DEFAULT_REFRESH_POLICY);
    expect(resolveRefreshPolicy({ jitterWindow: 0, expiryMargin: undefined })).toEqual({ ...DEFAULT_REFRESH_POLICY, jitterWindow: 0 });
    expect(Object.isFrozen(resolveRefreshPolicy())).toBe(true);
    expect(Object.isFrozen(DEFAULT_REFRESH_POLICY)).toBe(true);
  });

  test("the defaults are the documented numbers", () => {
    expect(DEFAULT_REFRESH_POLICY).toEqual({
      refreshBeforeExpiry: 10 * MIN,
      jitterWindow: 15 * MIN,
      minRefreshInterval: S,
      noExpirationRefreshPeriod: H,
      backoffBase: S,
      throttleBackoffBase: 5 * S,
      maxBackoff: 5 * MIN,
      nonRetryableRetryDelay: 5 * MIN,
      unavailableRetryInterval: MIN,
      expiryMargin: 10 * S,
    });
  });

  test.each([
    { options: { refreshBeforeExpiry: -1 }, message: "refreshBeforeExpiry must be ≥ 0 ms" },
    { options: { jitterWindow: Number.NaN }, message: "jitterWindow must be ≥ 0 ms" },
    { options: { expiryMargin: Number.POSITIVE_INFINITY }, message: "expiryMargin must be ≥ 0 ms" },
    { options: { maxBackoff: "5m" }, message: "maxBackoff must be > 0 ms" },
    { options: { backoffBase: 0 }, message: "backoffBase must be > 0 ms" },
    { options: { noExpirationRefreshPeriod: 0 }, message: "noExpirationRefreshPeriod must be > 0 ms" },
    { options: { unavailableRetryInterval: 0 }, message: "unavailableRetryInterval must be > 0 ms" },
    { options: { unavailableRetryInterval: -60_000 }, message: "unavailableRetryInterval must be > 0 ms" },
    { options: { unavailableRetryInterval: Number.NaN }, message: "unavailableRetryInterval must be > 0 ms" },
    { options: { refreshBeforeExpiryMs: 1 }, message: 'unknown refresh policy option "refreshBeforeExpiryMs"' },
  ])("rejects $options eagerly", ({ options, message }) => {
    expect(() => resolveRefreshPolicy(options as never)).toThrow(ConfigurationError);
    expect(() => resolveRefreshPolicy(options as never)).toThrow(message);
  });
});
