import { describe, expect, test } from "vitest";
import { ConfigurationError, decide, DEFAULT_REFRESH_POLICY, isUsable, planRefresh, planRetry, resolveRefreshPolicy } from "@awscreds/core";

const S = 1_000;
const MIN = 60 * S;
const H = 60 * MIN;
/** Just below 1: uniform draws land on the top of their range. */
const TOP = 1 - 2 ** -40;

describe("planRefresh", () => {
  test.each([
    // lifetime, random, expected lead before expiry (or, for no expiration, delay after obtainedAt)
    { name: "1 h, random 0: latest point, 5 min before expiry", expiration: H, random: 0, at: H - 5 * MIN },
    { name: "1 h, random 0.5", expiration: H, random: 0.5, at: H - 12.5 * MIN },
    { name: "1 h, random → 1: earliest point, 20 min before expiry", expiration: H, random: TOP, at: H - 20 * MIN },
    { name: "15 min, random 0: 5 min before expiry", expiration: 15 * MIN, random: 0, at: 10 * MIN },
    { name: "15 min, random → 1: jitter halved to 5 min", expiration: 15 * MIN, random: TOP, at: 5 * MIN },
    { name: "12 h, random 0", expiration: 12 * H, random: 0, at: 12 * H - 5 * MIN },
    { name: "12 h, random → 1", expiration: 12 * H, random: TOP, at: 12 * H - 20 * MIN },
    { name: "2 min: late margin L/2, jitter (L − margin)/2", expiration: 2 * MIN, random: TOP, at: 30 * S },
    { name: "2 min, random 0", expiration: 2 * MIN, random: 0, at: MIN },
    { name: "1.5 s: never before obtainedAt + minRefreshInterval", expiration: 1.5 * S, random: TOP, at: S },
    { name: "already expired: not a tight loop", expiration: -H, random: 0, at: S },
    { name: "no expiration, random 0: one period", expiration: undefined, random: 0, at: H },
    { name: "no expiration, random 0.5", expiration: undefined, random: 0.5, at: 52.5 * MIN },
    { name: "no expiration, random → 1: period − min(jitterWindow, period/4)", expiration: undefined, random: TOP, at: 45 * MIN },
    { name: "random out of range is clamped", expiration: H, random: 7, at: H - 20 * MIN },
  ])("$name", ({ expiration, random, at }) => {
    expect(planRefresh({ expiration, obtainedAt: 0 }, random)).toBe(at);
  });

  test("is relative to obtainedAt and honours options", () => {
    const obtainedAt = Date.UTC(2026, 0, 1);
    expect(planRefresh({ expiration: obtainedAt + H, obtainedAt }, 0)).toBe(obtainedAt + 55 * MIN);
    const policy = resolveRefreshPolicy({ refreshBeforeExpiry: 2 * MIN, jitterWindow: 0 });
    expect(planRefresh({ expiration: obtainedAt + H, obtainedAt }, 0.9, policy)).toBe(obtainedAt + 58 * MIN);
    const shortPeriod = resolveRefreshPolicy({ noExpirationRefreshPeriod: 10 * MIN });
    expect(planRefresh({ obtainedAt }, TOP, shortPeriod)).toBe(obtainedAt + 7.5 * MIN);
  });

  test.each([15 * MIN, H, 6 * H, 12 * H])("every draw for a %d ms lifetime lands in [exp − 20 min, exp − 5 min] and after L/2", (lifetime) => {
    for (let i = 0; i <= 1_000; i++) {
      const at = planRefresh({ expiration: lifetime, obtainedAt: 0 }, i / 1_001);
      expect(at).toBeLessThanOrEqual(lifetime - 5 * MIN);
      expect(at).toBeGreaterThanOrEqual(Math.max(lifetime - 20 * MIN, lifetime / 4));
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
    { name: "retryable, 8 min of validity left: capped at 2 min", kind: "retryable", failures: 10, random: TOP, expiresIn: 8 * MIN, delay: 2 * MIN },
    { name: "throttling, 8 min left: capped at 2 min", kind: "throttling", failures: 10, random: TOP, expiresIn: 8 * MIN, delay: 2 * MIN },
    { name: "retryable, 2 s left: the cap never goes below 1 s", kind: "retryable", failures: 10, random: TOP, expiresIn: 2 * S, delay: S },
    { name: "retryable, already expired: maxBackoff", kind: "retryable", failures: 10, random: TOP, expiresIn: -H, delay: 5 * MIN },
    { name: "nonRetryable, random 0: 5 min", kind: "nonRetryable", failures: 1, random: 0, delay: 5 * MIN },
    { name: "nonRetryable, random → 1: 10 min", kind: "nonRetryable", failures: 4, random: TOP, delay: 10 * MIN },
    { name: "nonRetryable, 20 min left: capped at 5 min", kind: "nonRetryable", failures: 1, random: TOP, expiresIn: 20 * MIN, delay: 5 * MIN },
    { name: "nonRetryable, 1 min left: the cap never goes below 30 s", kind: "nonRetryable", failures: 1, random: 0, expiresIn: MIN, delay: 30 * S },
    { name: "nonRetryable, expired: uncapped", kind: "nonRetryable", failures: 1, random: 0.5, expiresIn: -MIN, delay: 7.5 * MIN },
  ] as const)("$name", ({ kind, failures, random, delay, ...rest }) => {
    const now = Date.UTC(2026, 0, 1);
    const expiresIn = "expiresIn" in rest ? rest.expiresIn : undefined;
    const expiration = expiresIn === undefined ? undefined : now + expiresIn;
    expect(planRetry({ failures, kind, expiration, now }, random) - now).toBe(delay);
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
      refreshBeforeExpiry: 5 * MIN,
      jitterWindow: 15 * MIN,
      minRefreshInterval: S,
      noExpirationRefreshPeriod: H,
      backoffBase: S,
      throttleBackoffBase: 5 * S,
      maxBackoff: 5 * MIN,
      nonRetryableRetryDelay: 5 * MIN,
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
    { options: { refreshBeforeExpiryMs: 1 }, message: 'unknown refresh policy option "refreshBeforeExpiryMs"' },
  ])("rejects $options eagerly", ({ options, message }) => {
    expect(() => resolveRefreshPolicy(options as never)).toThrow(ConfigurationError);
    expect(() => resolveRefreshPolicy(options as never)).toThrow(message);
  });
});
