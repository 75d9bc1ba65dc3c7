/**
 * Conformance suite of the credential slot: named scenarios, each asserting an outcome a broken
 * slot would get wrong. Fake timers fake `Date` too, so the slot's default clock follows them;
 * `vi.setSystemTime` moves the wall clock without firing timers (a suspended host, an NTP step).
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import {
  createCredentialSlot,
  CredentialSourceError,
  CredentialsUnavailableError,
  InvalidCredentialsError,
  SlotClosedError,
  StartupTimeoutError,
  type CredentialSlot,
  type CredentialSlotEvent,
  type CredentialSlotOptions,
} from "@awscreds/core";
import { captureLogger, FakeSource, HOUR, MINUTE, sdkError, seededRandom, T0 } from "./helpers/fakeSource.js";

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
beforeAll(() => void process.on("unhandledRejection", onUnhandled));
afterAll(() => {
  process.off("unhandledRejection", onUnhandled);
  expect(unhandled).toEqual([]);
});

const open: CredentialSlot[] = [];
/** A slot with a deterministic random (0.5 unless given), closed after the test. */
function makeSlot(source: FakeSource, options: Partial<CredentialSlotOptions> = {}): CredentialSlot {
  const slot = createCredentialSlot({ source: source.fn, random: () => 0.5, ...options });
  open.push(slot);
  return slot;
}
const flush = (): Promise<unknown> => vi.advanceTimersByTimeAsync(0);
/** Just below 1: full-jitter delays land on their ceiling, so sequences are exact. */
const NEAR_ONE = 1 - 2 ** -40;

beforeEach(() => void vi.useFakeTimers({ now: T0 }));
afterEach(async () => {
  await Promise.all(open.splice(0).map((slot) => slot.close()));
  vi.useRealTimers();
});

/** Drives a slot whose source keeps failing; returns the delay before each next attempt. */
async function retryDelays(slot: CredentialSlot, failures: number): Promise<number[]> {
  const delays: number[] = [];
  slot.on("refreshFailed", ({ nextAttemptAt }) => void delays.push(nextAttemptAt.getTime() - Date.now()));
  await flush();
  while (delays.length < failures) await vi.advanceTimersByTimeAsync(delays.at(-1) ?? 0);
  return delays;
}

describe("credential slot conformance", () => {
  test("cold start: the first fetch starts at creation, ready() resolves, reads come from memory", async () => {
    const source = new FakeSource().hold();
    const slot = makeSlot(source);
    expect(source.count).toBe(1);
    expect(slot.current()).toBeUndefined();
    const ready = slot.ready();
    const reader = slot.get();
    const raw = source.issue(1);
    source.last.resolve(raw);
    await ready;
    const creds = await reader;
    expect(creds).toEqual(raw);
    expect(creds).not.toBe(raw); // a read-only copy: the source cannot mutate what readers hold
    expect(() => Object.assign(creds, { secretAccessKey: "changed" })).toThrow(TypeError);
    expect(creds.secretAccessKey).toBe(raw.secretAccessKey);
    expect(Object.isExtensible(creds)).toBe(true); // the SDK may tag it ($source) when given it as static credentials
    expect(creds).toMatchObject({ accountId: "123456789012", credentialScope: "us-east-1" });
    expect(slot.current()).toBe(creds);
    expect(await slot.get()).toBe(creds);
    expect(await slot.provider()).toBe(creds);
    expect(slot.provider.memoized).toBe(true);
    expect(source.count).toBe(1);
    expect(slot.stats()).toMatchObject({ refreshCount: 1, inFlight: false, usable: true, expiresAt: T0 + HOUR });
  });

  test("idle for 24 hours with no reads still holds fresh credentials", async () => {
    const source = new FakeSource();
    const slot = makeSlot(source, { random: seededRandom(42) });
    await flush();
    let minRemaining = Infinity;
    for (let minute = 1; minute <= 24 * 60; minute++) {
      await vi.advanceTimersByTimeAsync(MINUTE);
      const { usable, expiresAt = 0 } = slot.stats(); // stats() is not a read: it never triggers a refresh
      expect(usable).toBe(true);
      minRemaining = Math.min(minRemaining, expiresAt - Date.now());
    }
    const refreshes = source.count - 1;
    // 1 h credentials refresh 35–50 min after they are obtained (mean 42.5): 24 h ≈ 34 refreshes.
    expect(refreshes).toBeGreaterThanOrEqual(Math.floor((24 * 60) / 50));
    expect(refreshes).toBeLessThanOrEqual(Math.ceil((24 * 60) / 35));
    // Refreshed by 10 min before expiry at the latest (an instant source: no latency on top).
    expect(minRemaining).toBeGreaterThanOrEqual(10 * MINUTE);
    expect(slot.stats().failureCount).toBe(0);
  });

  test("jitter spreads the refresh of 1-hour credentials over ≥ 10 min across 1,000 seeds", async ({ annotate }) => {
    const leads: number[] = [];
    for (let seed = 1; seed <= 1_000; seed++) {
      const slot = createCredentialSlot({ source: new FakeSource().fn, random: seededRandom(seed) });
      await flush();
      const { expiresAt = NaN, nextRefreshAt = NaN } = slot.stats();
      leads.push(expiresAt - nextRefreshAt);
      await slot.close();
    }
    const min = Math.min(...leads);
    const max = Math.max(...leads);
    const line = `jitter over 1,000 seeds: refresh starts between exp−${(max / MINUTE).toFixed(2)} min and exp−${(min / MINUTE).toFixed(2)} min (spread ${((max - min) / MINUTE).toFixed(2)} min)`;
    process.stdout.write(`${line}\n`);
    await annotate(line);
    expect(leads.every(Number.isFinite)).toBe(true);
    expect(min).toBeGreaterThanOrEqual(10 * MINUTE); // never later than 10 min before expiry
    expect(max).toBeLessThanOrEqual(25 * MINUTE); // never earlier than 10 + 15 min (the jitter) before it
    expect(max - min).toBeGreaterThanOrEqual(10 * MINUTE);
  });

  test("backoff: exponential from 1 s, capped at 5 min with no credentials", async () => {
    const source = new FakeSource().fail(() => sdkError("ServiceUnavailable", 503));
    const slot = makeSlot(source, { random: () => NEAR_ONE });
    const delays = await retryDelays(slot, 11);
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300].map((s) => s * 1_000));
    expect(source.count).toBe(11);
    expect(slot.stats()).toMatchObject({ consecutiveFailures: 11, lastError: { name: "ServiceUnavailable", kind: "retryable" } });
  });

  test("backoff: capped at a quarter of the time left to the last safe start, and one attempt starts exactly then", async () => {
    const source = new FakeSource();
    const slot = makeSlot(source, { random: () => NEAR_ONE });
    await flush();
    const expiresAt = slot.stats().expiresAt ?? 0;
    const edge = expiresAt - 10_000; // expiryMargin: from here on nothing is handed out
    const lastStart = edge - 10_000; // fetchTimeout: the latest start that still ends before the edge
    source.fail(() => sdkError("InternalFailure", 500));
    const observed: { now: number; next: number }[] = [];
    slot.on("refreshFailed", ({ nextAttemptAt }) => void observed.push({ now: Date.now(), next: nextAttemptAt.getTime() }));
    await vi.advanceTimersByTimeAsync(HOUR - 10_000); // until the credentials become unusable
    const beforeLastStart = observed.filter((o) => o.now < lastStart);
    expect(beforeLastStart.length).toBeGreaterThanOrEqual(8); // many attempts fit before expiry
    for (const { now, next } of beforeLastStart) {
      const snapped = next === lastStart;
      if (!snapped) expect(next - now).toBeLessThanOrEqual(Math.max(1_000, (lastStart - now) / 4) + 1);
      expect(next - now).toBeLessThanOrEqual(5 * MINUTE);
      expect(next).toBeLessThanOrEqual(lastStart);
    }
    expect(source.calls.some((call) => call.at === lastStart)).toBe(true);
    expect(slot.current()).toBeUndefined();
  });

  test("throttling backs off from 5 s, five times longer than other failures", async () => {
    const throttled = makeSlot(new FakeSource().fail(() => sdkError("Throttling", 400, "Rate exceeded")), { random: () => NEAR_ONE });
    const throttleDelays = await retryDelays(throttled, 8);
    expect(throttleDelays).toEqual([5, 10, 20, 40, 80, 160, 300, 300].map((s) => s * 1_000));
    await throttled.close();
    const failing = makeSlot(new FakeSource().fail(() => sdkError("ServiceUnavailable", 503)), { random: () => NEAR_ONE });
    const plainDelays = await retryDelays(failing, 8);
    throttleDelays.forEach((delay, i) => expect(delay).toBeGreaterThanOrEqual(Math.min(5 * (plainDelays[i] ?? 0), 5 * MINUTE)));
    const tooMany = makeSlot(new FakeSource().fail(() => sdkError("SomethingElse", 429)), { random: () => NEAR_ONE });
    expect((await retryDelays(tooMany, 1))[0]).toBe(5_000); // HTTP 429 is throttling whatever its name
  });

  test("a non-retryable error is reported at once and retried slowly", async () => {
    const log = captureLogger();
    const events: CredentialSlotEvent[] = [];
    const source = new FakeSource().fail(() => sdkError("AccessDenied", 403, "not authorized to perform sts:AssumeRoleWithWebIdentity"));
    const slot = makeSlot(source, { logger: log, onEvent: (e) => void events.push(e) });
    const ready = slot.ready().catch((e: unknown) => e);
    let earlyReader: unknown;
    slot.get().catch((e: unknown) => (earlyReader = e)); // waiting on the first fetch
    await flush();
    expect(Date.now()).toBe(T0); // everything below happened without waiting for any timer
    expect(earlyReader).toBeInstanceOf(CredentialsUnavailableError); // told at once, not after readTimeout
    const failed = events.filter((e) => e.type === "refreshFailed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ attempt: 1, error: { kind: "nonRetryable" } });
    expect(log.lines.some((l) => l.level === "error" && l.text.includes("AccessDenied"))).toBe(true);
    const readyError = await ready;
    expect(readyError).toBeInstanceOf(StartupTimeoutError); // the next attempt is after the start-up deadline
    expect((readyError as Error).cause).toMatchObject({ kind: "nonRetryable", cause: { name: "AccessDenied" } });
    // Readers fail fast with the cause instead of waiting readTimeout for nothing.
    await expect(slot.get()).rejects.toMatchObject({ name: "CredentialsUnavailableError", cause: { kind: "nonRetryable" } });
    // Readers are failing, so the next attempt comes one minute after the last, not 5–10 min later.
    await vi.advanceTimersByTimeAsync(MINUTE - 1);
    expect(source.count).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(source.count).toBe(2);
    // Nobody reads any more: retried slowly again, uniform in [5 min, 10 min] (7.5 min with random 0.5).
    await vi.advanceTimersByTimeAsync(7.5 * MINUTE - 1);
    expect(source.count).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(source.count).toBe(3);
    // Once credentials arrive, the slot serves them: start-up failure was not fatal.
    source.succeed();
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(slot.current()?.accessKeyId).toBe("ASIAFAKE00000004");
    await expect(slot.ready()).resolves.toBeUndefined();
  });

  test("a non-retryable error while credentials are valid retries within a quarter of their validity", async () => {
    const source = new FakeSource();
    const slot = makeSlot(source, { random: () => NEAR_ONE });
    await flush();
    source.fail(() => sdkError("AccessDeniedException", 400));
    const seen: { delay: number; remaining: number }[] = [];
    // Time left to the last safe start: expiration − expiryMargin (10 s) − fetchTimeout (10 s).
    slot.on("refreshFailed", ({ nextAttemptAt }) => void seen.push({ delay: nextAttemptAt.getTime() - Date.now(), remaining: T0 + HOUR - 20_000 - Date.now() }));
    await vi.advanceTimersByTimeAsync(50 * MINUTE);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const { delay, remaining } of seen) {
      expect(delay).toBeLessThanOrEqual(Math.max(MINUTE, remaining / 4) + 1);
      expect(delay).toBeGreaterThanOrEqual(MINUTE); // at most once a minute, whatever the remaining validity
    }
    // First refresh at exp − 25 min (random → 1): 25 min left → capped from 10 min to ~6 min.
    expect(seen[0]?.delay).toBe((25 * MINUTE - 20_000) / 4);
    expect(slot.current()?.accessKeyId).toBe("ASIAFAKE00000001"); // still serving the valid credentials
  });

  test("failFast: a non-retryable start-up failure rejects ready() and closes the slot", async () => {
    const source = new FakeSource().fail(() => sdkError("AccessDenied", 403));
    const slot = makeSlot(source, { failFast: true });
    const error = await slot.ready().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialSourceError);
    expect(error).toMatchObject({ kind: "nonRetryable", cause: { name: "AccessDenied" } });
    expect(slot.stats().closed).toBe(true);
    await expect(slot.get()).rejects.toMatchObject({ name: "SlotClosedError", cause: error });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(source.count).toBe(1);
  });

  test("default start-up: ready() rejects on timeout, the slot keeps retrying and serves credentials when they arrive", async () => {
    const source = new FakeSource().hold();
    const slot = makeSlot(source);
    const ready = slot.ready().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await ready).toBeInstanceOf(StartupTimeoutError);
    expect(source.calls[0]?.signal.aborted).toBe(true); // fetchTimeout (10 s) aborted the hung attempt
    expect(slot.stats().closed).toBe(false);
    source.succeed();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(source.count).toBe(2);
    expect(slot.current()?.accessKeyId).toBe("ASIAFAKE00000002");
    await expect(slot.ready()).resolves.toBeUndefined();
  });

  test("a reader waits for the fetch in flight, bounded by readTimeout", async () => {
    const source = new FakeSource().hold();
    const slot = makeSlot(source);
    const late = slot.get().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5_000);
    const error = await late;
    expect(error).toBeInstanceOf(CredentialsUnavailableError);
    expect((error as Error).message).toContain("the first fetch is still in flight");
    const waiting = slot.get();
    await vi.advanceTimersByTimeAsync(2_000);
    source.last.resolve();
    expect((await waiting).accessKeyId).toBe("ASIAFAKE00000001");
    expect(source.count).toBe(1); // readers never start their own fetch
  });

  test("a waiting reader is served by the retry that follows a quick failure", async () => {
    const source = new FakeSource().respond((n) => (n === 1 ? undefined : source.issue(n)));
    const slot = makeSlot(source);
    const reader = slot.get();
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await reader).accessKeyId).toBe("ASIAFAKE00000002");
    expect(slot.stats().lastError).toMatchObject({ name: "InvalidCredentialsError" });
  });

  test("outage longer than the lifetime, then recovery", async () => {
    const events: CredentialSlotEvent[] = [];
    const source = new FakeSource();
    const slot = makeSlot(source, { random: seededRandom(7), onEvent: (e) => void events.push(e) });
    await flush();
    const first = slot.current();
    source.fail(() => sdkError("InternalFailure", 500));
    let served = 0;
    for (let t = 0; t < 2 * HOUR; t += 10_000) {
      await vi.advanceTimersByTimeAsync(10_000);
      const creds = slot.current();
      if (creds === undefined) continue;
      served++;
      expect((creds.expiration?.getTime() ?? 0) - Date.now()).toBeGreaterThan(10_000); // never expired ones
    }
    expect(served).toBeGreaterThan(0);
    const expired = events.filter((e) => e.type === "expired");
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ accessKeyId: first?.accessKeyId, lastError: { cause: { name: "InternalFailure" } } });
    expect(slot.current()).toBeUndefined();
    const attemptsDuringOutage = source.count;
    expect(attemptsDuringOutage).toBeGreaterThan(20); // kept retrying after expiry
    const pending = slot.get().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5_000);
    const error = await pending;
    expect(error).toBeInstanceOf(CredentialsUnavailableError);
    expect((error as Error).cause).toBeInstanceOf(CredentialSourceError);
    expect((error as Error).cause).toMatchObject({ cause: { name: "InternalFailure" } });
    source.succeed();
    await vi.advanceTimersByTimeAsync(5 * MINUTE); // at most maxBackoff after expiry
    const fresh = slot.current();
    expect(fresh?.accessKeyId).not.toBe(first?.accessKeyId);
    expect(await slot.get()).toBe(fresh);
    expect(events.at(-1)).toMatchObject({ type: "refreshed", accessKeyId: fresh?.accessKeyId });
  });

  test("expiry is reported on time by the timer, with no reads", async () => {
    const source = new FakeSource();
    const slot = makeSlot(source, { policy: { nonRetryableRetryDelay: 30 * MINUTE } });
    const expiredAt: number[] = [];
    slot.on("expired", () => void expiredAt.push(Date.now()));
    await flush();
    source.fail(() => sdkError("AccessDenied", 403));
    await vi.advanceTimersByTimeAsync(2 * HOUR);
    expect(expiredAt).toEqual([T0 + HOUR - 10_000]); // once, at expiration − expiryMargin
    expect(slot.stats()).toMatchObject({ usable: false, lastError: { name: "AccessDenied", kind: "nonRetryable" } });
  });

  test("credentials without expiration are refreshed every period", async () => {
    const source = new FakeSource();
    source.lifetimeMs = undefined;
    const slot = makeSlot(source);
    await flush();
    for (let minute = 0; minute < 24 * 60; minute++) {
      await vi.advanceTimersByTimeAsync(MINUTE);
      expect(slot.current()).toBeDefined();
    }
    // 1 h period minus 0.5 × min(15 min, 1 h / 4): every 52.5 min.
    expect(source.count).toBe(1 + Math.floor((24 * 60) / 52.5));
    const gaps = source.calls.slice(1).map((call, i) => call.at - (source.calls[i]?.at ?? 0));
    expect(new Set(gaps)).toEqual(new Set([52.5 * MINUTE]));
  });

  test.each([
    { window: "default 10 min, more than L/2", refreshBeforeExpiry: undefined, firstRefresh: 5.625 * MINUTE, fetches: 3 },
    { window: "5 min, the default before 10 min", refreshBeforeExpiry: 5 * MINUTE, firstRefresh: 7.5 * MINUTE, fetches: 2 },
    { window: "15 min, as long as the lifetime (the botocore bug)", refreshBeforeExpiry: 15 * MINUTE, firstRefresh: 5.625 * MINUTE, fetches: 3 },
  ])("15-minute credentials do not refresh on every read (refreshBeforeExpiry $window)", async ({ refreshBeforeExpiry, firstRefresh, fetches }) => {
    const source = new FakeSource();
    source.lifetimeMs = 15 * MINUTE;
    const slot = makeSlot(source, { policy: { refreshBeforeExpiry } });
    await flush();
    let reads = 0;
    for (let second = 1; second < 15 * 60; second++) {
      await vi.advanceTimersByTimeAsync(1_000);
      for (let i = 0; i < 10; i++, reads++) expect(slot.current()).toBeDefined();
    }
    expect(reads).toBeGreaterThan(8_000);
    // 5 min: window [exp − 10, exp − 5 min], one refresh at 7.5 min. The default 10 min and a 15 min
    // window are both more than L/2: the late margin is halved to 7.5 min and the jitter to
    // (L − 7.5 min)/2 = 3.75 min, window [exp − 11.25, exp − 7.5 min]: refreshes every 5.625 min.
    expect(source.count).toBe(fetches);
    expect(source.calls[1]?.at).toBe(T0 + firstRefresh);
  });

  test("credentials valid for 60 days are not refreshed in a loop (timer delays clamped to 2^31 − 1 ms)", async () => {
    const source = new FakeSource();
    source.lifetimeMs = 60 * 24 * HOUR;
    const slot = makeSlot(source);
    await flush();
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    expect(source.count).toBe(1);
    await vi.advanceTimersByTimeAsync(60 * 24 * HOUR - 10 * MINUTE); // refresh due at exp − 17.5 min
    expect(source.count).toBe(2);
    expect(source.calls[1]?.at).toBe(T0 + 60 * 24 * HOUR - 17.5 * MINUTE);
    expect(slot.current()?.accessKeyId).toBe("ASIAFAKE00000002");
  });

  test("late timer or clock jump forward: a read inside the window refreshes at once", async () => {
    const source = new FakeSource();
    const slot = makeSlot(source);
    await flush();
    const first = slot.current();
    vi.setSystemTime(T0 + 50 * MINUTE); // host suspended: the timer due at 42.5 min has not fired
    expect(slot.current()).toBe(first); // still valid for 10 min: served at once...
    expect(source.count).toBe(2); // ...and the refresh started in the background
    await flush();
    expect(slot.current()?.accessKeyId).toBe("ASIAFAKE00000002");
    vi.setSystemTime(Date.now() + 2 * HOUR); // far past expiry
    expect(slot.current()).toBeUndefined(); // never expired credentials
    expect(source.count).toBe(3);
    await flush();
    expect(slot.current()?.accessKeyId).toBe("ASIAFAKE00000003");
  });

  test("late timer without reads: on wake-up the clock is re-read and the refresh starts", async () => {
    const source = new FakeSource();
    const slot = makeSlot(source);
    await flush();
    await vi.advanceTimersByTimeAsync(40 * MINUTE);
    vi.setSystemTime(Date.now() + 10 * MINUTE); // the host slept 10 min; timers did not count it
    await vi.advanceTimersByTimeAsync(2.5 * MINUTE - 1); // the refresh timer is due 42.5 min after T0
    expect(source.count).toBe(1);
    await vi.advanceTimersByTimeAsync(1); // the timer fires 10 min late by the wall clock...
    expect(source.count).toBe(2); // ...re-reads it and refreshes at once instead of re-planning
    expect(source.calls[1]?.at).toBe(T0 + 52.5 * MINUTE);
    await flush();
    expect(slot.current()?.accessKeyId).toBe("ASIAFAKE00000002");
  });

  test("clock jump backward causes no refresh storm", async () => {
    const source = new FakeSource();
    const slot = makeSlot(source);
    await flush();
    vi.setSystemTime(T0 - HOUR);
    for (let t = 0; t < 2 * HOUR; t += 1_000) {
      await vi.advanceTimersByTimeAsync(1_000);
      expect(slot.current()).toBeDefined();
    }
    // One refresh, when the wall clock reaches the planned instant again (T0 + 42.5 min).
    expect(source.count).toBe(2);
    expect(source.calls[1]?.at).toBe(T0 + 42.5 * MINUTE);
  });

  test("invalidate during a backoff keeps the backoff", async () => {
    const source = new FakeSource();
    const slot = makeSlot(source);
    await flush();
    const key = slot.current()?.accessKeyId ?? "";
    source.fail(() => sdkError("ServiceUnavailable", 503));
    await vi.advanceTimersByTimeAsync(42.5 * MINUTE); // the planned refresh (random 0.5) fails
    while (slot.stats().consecutiveFailures < 6) await vi.advanceTimersByTimeAsync((slot.stats().nextRefreshAt ?? 0) - Date.now());
    const { nextRefreshAt = 0 } = slot.stats();
    const count = source.count;
    expect(nextRefreshAt - Date.now()).toBe(16_000); // 0.5 × 32 s
    expect(slot.invalidate(key)).toBe(true);
    expect(slot.stats().nextRefreshAt).toBe(nextRefreshAt);
    expect(slot.current()?.accessKeyId).toBe(key); // still serving the valid credentials
    await vi.advanceTimersByTimeAsync(nextRefreshAt - Date.now() - 1);
    expect(source.count).toBe(count);
    await vi.advanceTimersByTimeAsync(1);
    expect(source.count).toBe(count + 1);
  });

  test("invalidate twice (or forceRefresh twice) makes one fetch", async () => {
    const source = new FakeSource();
    const slot = makeSlot(source);
    await flush();
    const key = slot.current()?.accessKeyId ?? "";
    expect(slot.invalidate(key)).toBe(true);
    expect(slot.invalidate(key)).toBe(false);
    expect(slot.invalidate("AKIAUNKNOWNKEY000000")).toBe(false);
    expect(slot.current()?.accessKeyId).toBe(key); // served meanwhile
    await vi.advanceTimersByTimeAsync(999);
    expect(source.count).toBe(1); // not before minRefreshInterval (1 s) after the last fetch
    await vi.advanceTimersByTimeAsync(1);
    expect(source.count).toBe(2);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(source.count).toBe(2);
    const second = slot.current();
    expect((await slot.provider({ forceRefresh: true })).accessKeyId).toBe(second?.accessKeyId); // at once, no wait
    await slot.provider({ forceRefresh: true });
    expect(source.count).toBe(3);
    await flush();
    expect(source.count).toBe(3);
    expect(slot.current()?.accessKeyId).toBe("ASIAFAKE00000003");
  });

  test("close during a fetch aborts it, rejects readers and leaves no timers", async () => {
    const source = new FakeSource().hold();
    const slot = makeSlot(source);
    const readers = [slot.get(), slot.get(), slot.provider()].map((p) => p.catch((e: unknown) => e));
    const ready = slot.ready().catch((e: unknown) => e);
    const { signal } = source.last;
    const closing = slot.close();
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(SlotClosedError);
    for (const result of await Promise.all(readers)) expect(result).toBeInstanceOf(SlotClosedError);
    expect(await ready).toBeInstanceOf(SlotClosedError);
    await closing;
    expect(vi.getTimerCount()).toBe(0);
    await expect(slot.get()).rejects.toThrow("the credential slot was closed; create a new one");
    expect(() => slot.current()).toThrow(SlotClosedError);
    await expect(slot.close()).resolves.toBeUndefined(); // idempotent
    source.last.resolve(); // the source answers too late
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(slot.stats()).toMatchObject({ closed: true, refreshCount: 0, inFlight: false });
    expect(source.count).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  test("the signal option and `await using` close the slot like close()", async () => {
    const controller = new AbortController();
    const signalled = makeSlot(new FakeSource(), { signal: controller.signal });
    await flush();
    controller.abort(new Error("shutting down"));
    expect(signalled.stats().closed).toBe(true);
    await expect(signalled.get()).rejects.toBeInstanceOf(SlotClosedError);
    const preAborted = new FakeSource();
    const never = makeSlot(preAborted, { signal: AbortSignal.abort() });
    expect(preAborted.count).toBe(0);
    await expect(never.ready()).rejects.toBeInstanceOf(SlotClosedError);
    let disposed: CredentialSlot | undefined;
    {
      await using slot = createCredentialSlot({ source: new FakeSource().fn });
      disposed = slot;
      await flush();
    }
    expect(disposed.stats().closed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  test("10,000 concurrent readers on a cold slot make exactly one fetch", async () => {
    const source = new FakeSource().hold();
    const slot = makeSlot(source);
    const reads = Array.from({ length: 10_000 }, (_, i) => (i % 2 === 0 ? slot.get() : slot.provider()));
    for (let i = 0; i < 1_000; i++) slot.current();
    expect(source.count).toBe(1);
    source.last.resolve();
    const results = await Promise.all(reads);
    expect(new Set(results).size).toBe(1);
    expect(source.count).toBe(1);
    expect(vi.getTimerCount()).toBe(1); // only the refresh timer: every reader's timer was cleared
  });

  test("a fetch that hangs is aborted after fetchTimeout and counts as a retryable failure", async () => {
    const source = new FakeSource().hold();
    const events: CredentialSlotEvent[] = [];
    const slot = makeSlot(source, { fetchTimeout: 2_000, onEvent: (e) => void events.push(e) });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(source.calls[0]?.signal.reason).toMatchObject({ name: "TimeoutError" });
    expect(events[0]).toMatchObject({ type: "refreshFailed", error: { kind: "retryable", cause: { name: "TimeoutError" } } });
    await vi.advanceTimersByTimeAsync(500);
    expect(source.count).toBe(2);
    source.last.resolve();
    await flush();
    expect(slot.current()).toBeDefined();
  });

  test("invalid credentials from the source are a failure and the old ones stay", async () => {
    const source = new FakeSource();
    const slot = makeSlot(source);
    await flush();
    const first = slot.current();
    const errors: unknown[] = [];
    slot.on("refreshFailed", ({ error }) => void errors.push(error.cause));
    source.respond((n) => ({ ...source.issue(n), secretAccessKey: "" }));
    slot.invalidate(first?.accessKeyId ?? "");
    await vi.advanceTimersByTimeAsync(1_000);
    source.respond((n) => source.issue(n, -MINUTE)); // already expired
    await vi.advanceTimersByTimeAsync(1_000);
    expect(errors).toHaveLength(2);
    for (const error of errors) expect(error).toBeInstanceOf(InvalidCredentialsError);
    expect((errors[1] as Error).message).toContain("check the host clock");
    expect(slot.current()).toBe(first);
  });

  test("secrets never appear in JSON.stringify(slot), stats(), errors, log lines or event payloads", async () => {
    const log = captureLogger();
    const events: CredentialSlotEvent[] = [];
    const errors: unknown[] = [];
    const source = new FakeSource();
    const slot = makeSlot(source, { logger: log, onEvent: (e) => void events.push(e), name: "leak-test" });
    await flush();
    expect(inspect(slot.current())).toContain("do-not-leak"); // the marker is there to be found
    source.respond((n) => ({ ...source.issue(n), accessKeyId: "" }));
    slot.invalidate(slot.current()?.accessKeyId ?? "");
    await vi.advanceTimersByTimeAsync(1_000);
    source.respond((n) => source.issue(n, -MINUTE));
    await vi.advanceTimersByTimeAsync(HOUR); // expires while the source returns garbage
    const reader = slot.get().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5_000);
    errors.push(await reader);
    const snapshots = [JSON.stringify(slot), inspect(slot), JSON.stringify(slot.stats())];
    await slot.close();
    errors.push(await slot.get().catch((e: unknown) => e), await slot.ready().catch((e: unknown) => e));
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["refreshed", "refreshFailed", "expired"]));
    expect(log.lines.length).toBeGreaterThan(10);
    const haystacks = [
      ...snapshots,
      ...log.lines.map((l) => l.text),
      inspect(events, { depth: 20 }),
      JSON.stringify(events),
      ...errors.map((e) => inspect(e, { depth: 20 })),
    ];
    for (const haystack of haystacks) expect(haystack).not.toContain("do-not-leak");
    expect(source.secrets.length).toBeGreaterThan(10);
  });

  test("an open slot never keeps the process alive: its timers are unref()'d", async () => {
    vi.useRealTimers();
    const script = fileURLToPath(new URL("./helpers/openSlotProcess.ts", import.meta.url));
    // If any timer held the event loop, the child would run for an hour and be killed at 15 s.
    const result = await new Promise<{ code: number | null; stdout: string; signal: string | null }>((resolve) => {
      const child = execFile(process.execPath, ["--import", "tsx", script], { timeout: 15_000 }, (_err, stdout) =>
        resolve({ code: child.exitCode, signal: child.signalCode, stdout }),
      );
    });
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(result.stdout).toContain('"accessKeyId":"ASIACHILD"');
  });

  test("no unhandledRejection on any path", async () => {
    const before = unhandled.length;
    // ready() called and forgotten, rejected by failFast and by the start-up timeout.
    makeSlot(new FakeSource().fail(() => sdkError("AccessDenied", 403)), { failFast: true }).ready();
    makeSlot(new FakeSource().hold()).ready();
    // A source that ignores its signal and rejects after the attempt timed out.
    const late = new FakeSource().hold();
    makeSlot(late, { fetchTimeout: 1_000 });
    // Close with a fetch pending whose promise rejects afterwards.
    const pending = new FakeSource().hold();
    const closing = makeSlot(pending);
    closing.ready();
    const reader = closing.get().catch(() => undefined);
    await closing.close();
    pending.last.reject(new Error("too late"));
    // A throwing listener, a throwing logger, a source that throws synchronously.
    const boom = (): never => {
      throw new Error("boom");
    };
    makeSlot(new FakeSource(), { logger: { debug: boom, info: boom, warn: boom, error: boom } }).on("refreshed", boom);
    makeSlot(new FakeSource().respond(() => boom()));
    await vi.advanceTimersByTimeAsync(20_000);
    late.calls[0]?.reject(new Error("late rejection"));
    await reader;
    await Promise.all(open.splice(0).map((slot) => slot.close()));
    vi.useRealTimers();
    await new Promise((resolve) => setTimeout(resolve, 50)); // let Node report what it would
    expect(unhandled.slice(before)).toEqual([]);
  });
});
