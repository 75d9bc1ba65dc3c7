/**
 * The refresh policy as pure functions of (state, now, random, options): no timers, no I/O, so
 * every rule is checked by table-driven tests. The credential slot is the thin shell that runs it.
 */
import type { ErrorKind } from "../errors.js";
import { DEFAULT_REFRESH_POLICY, type RefreshPolicyOptions } from "./resolveRefreshPolicy.js";

/**
 * Floor of a full-jitter retry delay (a zero delay would retry in the same tick), and of the cap
 * on it between lastStart and the edge.
 */
const MIN_RETRY_DELAY = 100;
/** Floor of the "quarter of the time left to lastStart" cap on retryable backoff. */
const MIN_VALIDITY_CAP = 1_000;
/**
 * Floor of the same cap for non-retryable failures: they are slow to fix, so a slot asks at most
 * once a minute, whatever the remaining validity.
 */
const MIN_NON_RETRYABLE_INTERVAL = 60_000;
/**
 * Room for a late timer or a busy event loop: an attempt that may hang until its fetchTimeout is
 * planned at least this long before lastStart, so the attempt at lastStart is never delayed by it.
 */
const TIMER_SLACK = 1_000;
/** Past 2^40 × base every ceiling is capped anyway; stops 2^n overflowing to Infinity/NaN. */
const MAX_EXPONENT = 40;

/**
 * What the policy knows about the credentials just obtained. Times are epoch ms.
 *
 * @example
 * ```ts
 * const input: RefreshInput = { expiration: creds.expiration?.getTime(), obtainedAt: Date.now(), fetchTimeout: 10_000 };
 * ```
 */
export interface RefreshInput {
  /** When the credentials expire; absent for credentials with no expiration. */
  readonly expiration?: number;
  /** When they were obtained (the clock read when the fetch returned). */
  readonly obtainedAt: number;
  /** The longest one fetch attempt may take (the slot's `fetchTimeout`); absent means 0. */
  readonly fetchTimeout?: number;
}

/**
 * What the policy knows after a failed fetch. Times are epoch ms.
 *
 * @example
 * ```ts
 * const input: RetryInput = { failures: 2, kind: "throttling", expiration: creds?.expiration?.getTime(), now: Date.now(), fetchTimeout: 10_000 };
 * ```
 */
export interface RetryInput {
  /** Consecutive failures including this one (≥ 1). */
  readonly failures: number;
  /** How the failure was classified; see `classifyError`. */
  readonly kind: ErrorKind;
  /** Expiration of the credentials still held, if any. */
  readonly expiration?: number;
  /** The clock read when the failure was seen. */
  readonly now: number;
  /** The longest one fetch attempt may take (the slot's `fetchTimeout`); absent means 0. */
  readonly fetchTimeout?: number;
}

/**
 * What the slot should do now; see {@link decide}.
 *
 * @example
 * ```ts
 * const d: RefreshDecision = decide({ inFlight: false, refreshAt }, Date.now());
 * if (d.kind === "sleep") setTimeout(wake, d.until - Date.now());
 * ```
 */
export type RefreshDecision = { readonly kind: "refresh" } | { readonly kind: "sleep"; readonly until: number } | { readonly kind: "busy" };

const unit = (random: number): number => (Number.isFinite(random) ? Math.min(Math.max(random, 0), 1) : 0);

/** A missing, negative or NaN fetchTimeout counts as 0: lastStart is then the edge itself. */
const timeoutOf = (fetchTimeout: number | undefined): number => (fetchTimeout !== undefined && fetchTimeout > 0 ? fetchTimeout : 0);

/**
 * The snap. An attempt planned at `at` either leaves a whole fetchTimeout (+ slack) before
 * `lastStart`, so even if it hangs until its timeout the next one can still start by `lastStart`,
 * or it is the attempt at `lastStart`. By induction some attempt starts exactly at `lastStart`.
 */
const snap = (at: number, lastStart: number, fetchTimeout: number): number => (at + fetchTimeout + TIMER_SLACK > lastStart ? lastStart : at);

/**
 * Instant (epoch ms) to start the next refresh after a successful fetch.
 *
 * With lifetime `L = expiration − obtainedAt`: `lateMargin = min(refreshBeforeExpiry, L/2)`,
 * `jitter = min(jitterWindow, (L − lateMargin)/2)`, and the refresh starts at
 * `expiration − lateMargin − random × jitter`. 1 h and 12 h credentials refresh uniformly in
 * [exp − 25 min, exp − 10 min] (1 h ones: 35–50 min into their lifetime); 15 min ones, whose
 * lateMargin is halved to 7.5 min, in [exp − 11.25 min, exp − 7.5 min].
 *
 * That instant is never later than `lastStart = expiration − expiryMargin − fetchTimeout`, the
 * latest start of an attempt sure to complete before the credentials stop being handed out. As
 * for retries (the snap, see {@link planRetry}), an instant after `lastStart − fetchTimeout − 1 s`
 * becomes `lastStart` itself, so a refresh that hangs until its timeout cannot take the place of
 * the attempt at `lastStart`. This moves only refreshes whose `lateMargin` is shorter than
 * `expiryMargin + 2 × fetchTimeout + 1 s` (with the default margin and fetchTimeout: lifetimes
 * under 62 s). In every case the refresh is never before `obtainedAt + minRefreshInterval`: that
 * floor wins.
 *
 * Credentials with no expiration refresh at
 * `obtainedAt + noExpirationRefreshPeriod − random × min(jitterWindow, period/4)`.
 *
 * @param random - uniform in [0, 1); one draw per call.
 * @example
 * ```ts
 * const obtainedAt = Date.now();
 * planRefresh({ expiration: obtainedAt + 3_600_000, obtainedAt }, 0.5); // obtainedAt + 42.5 min
 * planRefresh({ expiration: obtainedAt + 60_000, obtainedAt, fetchTimeout: 10_000 }, 0); // obtainedAt + 40 s: lastStart
 * ```
 */
export function planRefresh(input: RefreshInput, random: number, options: RefreshPolicyOptions = DEFAULT_REFRESH_POLICY): number {
  const { expiration, obtainedAt } = input;
  const r = unit(random);
  let at: number;
  if (expiration === undefined) {
    const period = options.noExpirationRefreshPeriod;
    at = obtainedAt + period - r * Math.min(options.jitterWindow, period / 4);
  } else {
    const lifetime = Math.max(0, expiration - obtainedAt);
    const lateMargin = Math.min(options.refreshBeforeExpiry, lifetime / 2);
    const jitter = Math.min(options.jitterWindow, (lifetime - lateMargin) / 2);
    const fetchTimeout = timeoutOf(input.fetchTimeout);
    // The refresh is the first attempt of a possible retry series: it obeys the same snap, which
    // also caps it at lastStart (any later instant is within fetchTimeout + slack of it).
    at = snap(expiration - lateMargin - r * jitter, expiration - options.expiryMargin - fetchTimeout, fetchTimeout);
  }
  // Whole milliseconds; rounding keeps both bounds when they are whole, as clock reads are.
  return Math.round(Math.max(at, obtainedAt + options.minRefreshInterval));
}

/**
 * Instant (epoch ms) of the next attempt after a failed fetch.
 *
 * Two instants of the credentials held bound the schedule: the edge `expiration − expiryMargin`,
 * from which they are no longer handed out, and `lastStart = edge − fetchTimeout`, the latest
 * start of an attempt sure to complete before the edge.
 *
 * - `retryable`: ceiling `backoffBase × 2^(failures−1)`, delay uniform in [0, ceiling] with a
 *   100 ms floor (full jitter, so a fleet that failed together retries apart).
 * - `throttling`: the same from `throttleBackoffBase` (5× longer by default).
 * - Both ceilings are capped at `maxBackoff`, and also: before `lastStart` at
 *   `max(1 s, (lastStart − now)/4)`, so several attempts fit; from `lastStart` to the edge at
 *   `max(100 ms, (edge − now)/4)` (still valid, past the last safe start: try again quickly).
 *   Past the edge, with no credentials or with credentials that never expire: `maxBackoff` only.
 * - The snap: when a failure is seen before `lastStart` and the next attempt would start after
 *   `lastStart − fetchTimeout − 1 s` (that second is room for a late timer), it starts at
 *   `lastStart` instead, earlier or later. Every attempt then either leaves room to hang until its
 *   timeout with `lastStart` still ahead, or is the attempt at `lastStart`; so whenever the source
 *   answers again by `lastStart`, an attempt completes before the edge.
 * - `nonRetryable`: uniform in [nonRetryableRetryDelay, 2 × that]; before the edge capped at
 *   `max(60 s, (lastStart − now)/4)`, so a slot asks at most once a minute whatever the validity
 *   left. The snap applies only when `lastStart` is at least 60 s away.
 *
 * @param random - uniform in [0, 1); one draw per call.
 * @example
 * ```ts
 * planRetry({ failures: 3, kind: "retryable", now: 0 }, 0.5); // 2_000: half of a 4 s ceiling
 * // edge 20 s, lastStart 10 s; 500 ms + fetchTimeout + 1 s would pass lastStart, so it snaps:
 * planRetry({ failures: 1, kind: "retryable", expiration: 30_000, now: 0, fetchTimeout: 10_000 }, 0.5); // 10_000
 * ```
 */
export function planRetry(input: RetryInput, random: number, options: RefreshPolicyOptions = DEFAULT_REFRESH_POLICY): number {
  const { kind, expiration, now } = input;
  const r = unit(random);
  const fetchTimeout = timeoutOf(input.fetchTimeout);
  // No expiration (or no credentials): no edge, which the rules treat like one long past.
  const edge = expiration === undefined ? -Infinity : expiration - options.expiryMargin;
  const lastStart = edge - fetchTimeout;
  if (kind === "nonRetryable") {
    const delay = options.nonRetryableRetryDelay * (1 + r);
    const next = now + (now < edge ? Math.min(delay, Math.max(MIN_NON_RETRYABLE_INTERVAL, (lastStart - now) / 4)) : delay);
    // Snapping to a lastStart less than a minute away would break the once-a-minute floor.
    return Math.round(lastStart - now >= MIN_NON_RETRYABLE_INTERVAL ? snap(next, lastStart, fetchTimeout) : next);
  }
  const base = kind === "throttling" ? options.throttleBackoffBase : options.backoffBase;
  const exponent = Math.min(Math.max(1, Math.floor(input.failures)) - 1, MAX_EXPONENT);
  let cap = options.maxBackoff;
  // Before lastStart, leave room for several attempts; after it, only quick ones can still help.
  if (now < lastStart) cap = Math.min(cap, Math.max(MIN_VALIDITY_CAP, (lastStart - now) / 4));
  else if (now < edge) cap = Math.min(cap, Math.max(MIN_RETRY_DELAY, (edge - now) / 4));
  const ceiling = Math.min(base * 2 ** exponent, cap);
  const next = now + Math.max(Math.min(MIN_RETRY_DELAY, ceiling), r * ceiling);
  // Strictly before lastStart: a failure seen at lastStart snapping to lastStart would mean
  // "again now", a tight loop for a source that fails at once.
  return Math.round(now < lastStart ? snap(next, lastStart, fetchTimeout) : next);
}

/**
 * Instant (epoch ms) of the next attempt while no credentials are usable and a reader asked for
 * some, so requests are failing: the planned `refreshAt` is pulled in to at most
 * `lastAttemptAt + unavailableRetryInterval` (not before `now`), never pushed later; that is
 * `min(refreshAt, max(now, lastAttemptAt + unavailableRetryInterval))`. Once credentials have
 * expired after a non-retryable failure, a fixed IAM policy is then picked up within a minute of
 * a failing read, not after the 5–10 min backoff.
 *
 * @example
 * ```ts
 * planRetryOnDemand({ refreshAt: 600_000, lastAttemptAt: 0, now: 30_000 }); // 60_000: pulled in
 * planRetryOnDemand({ refreshAt: 20_000, lastAttemptAt: 0, now: 10_000 }); // 20_000: never later
 * ```
 */
export function planRetryOnDemand(
  input: { readonly refreshAt: number; readonly lastAttemptAt: number; readonly now: number },
  options: RefreshPolicyOptions = DEFAULT_REFRESH_POLICY,
): number {
  const { refreshAt, lastAttemptAt, now } = input;
  return Math.min(refreshAt, Math.max(now, lastAttemptAt + options.unavailableRetryInterval));
}

/**
 * Whether credentials may be handed out at `now`: false from `expiration − expiryMargin` on, and
 * for no credentials. Credentials with no expiration are always usable.
 *
 * @example
 * ```ts
 * isUsable({ expiration: new Date(Date.now() + 5_000) }, Date.now()); // false: inside the 10 s margin
 * ```
 */
export function isUsable(
  credentials: { readonly expiration?: Date } | undefined,
  now: number,
  options: RefreshPolicyOptions = DEFAULT_REFRESH_POLICY,
): boolean {
  if (credentials === undefined) return false;
  if (credentials.expiration === undefined) return true;
  return now < credentials.expiration.getTime() - options.expiryMargin;
}

/**
 * What to do now. `busy` while a fetch is in flight (one at a time); `refresh` when nothing is
 * scheduled or `now` has reached the scheduled instant (a late timer or a read inside the window
 * refreshes at once; `now` is always a fresh clock read, never the schedule's idea of it);
 * otherwise `sleep` until the scheduled instant.
 *
 * @example
 * ```ts
 * decide({ inFlight: false, refreshAt: 2_000 }, 1_000); // { kind: "sleep", until: 2_000 }
 * ```
 */
export function decide(state: { readonly inFlight: boolean; readonly refreshAt?: number }, now: number): RefreshDecision {
  if (state.inFlight) return { kind: "busy" };
  if (state.refreshAt === undefined || now >= state.refreshAt) return { kind: "refresh" };
  return { kind: "sleep", until: state.refreshAt };
}
