/**
 * The refresh policy as pure functions of (state, now, random, options): no timers, no I/O, so
 * every rule is checked by table-driven tests. The credential slot is the thin shell that runs it.
 */
import type { ErrorKind } from "./errors.js";
import { DEFAULT_REFRESH_POLICY, type RefreshPolicyOptions } from "./resolveRefreshPolicy.js";

/** Floor of a full-jitter retry delay: a zero delay would retry in the same tick. */
const MIN_RETRY_DELAY = 100;
/** Floor of the "quarter of the remaining validity" cap on retryable backoff. */
const MIN_VALIDITY_CAP = 1_000;
/** Floor of the same cap for non-retryable failures: they are slow to fix, so retry slowly. */
const MIN_NON_RETRYABLE_CAP = 30_000;
/** Past 2^40 × base every ceiling is capped anyway; stops 2^n overflowing to Infinity/NaN. */
const MAX_EXPONENT = 40;

/**
 * What the policy knows about the credentials just obtained. Times are epoch ms.
 *
 * @example
 * ```ts
 * const input: RefreshInput = { expiration: creds.expiration?.getTime(), obtainedAt: Date.now() };
 * ```
 */
export interface RefreshInput {
  /** When the credentials expire; absent for credentials with no expiration. */
  readonly expiration?: number;
  /** When they were obtained (the clock read when the fetch returned). */
  readonly obtainedAt: number;
}

/**
 * What the policy knows after a failed fetch. Times are epoch ms.
 *
 * @example
 * ```ts
 * const input: RetryInput = { failures: 2, kind: "throttling", now: Date.now() };
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

/**
 * Instant (epoch ms) to start the next refresh after a successful fetch.
 *
 * With lifetime `L = expiration − obtainedAt`: `lateMargin = min(refreshBeforeExpiry, L/2)`,
 * `jitter = min(jitterWindow, (L − lateMargin)/2)`, and the refresh starts at
 * `expiration − lateMargin − random × jitter`, never before `obtainedAt + minRefreshInterval`.
 * 1 h and 12 h credentials refresh uniformly in [exp − 20 min, exp − 5 min]; 15 min ones in
 * [exp − 10 min, exp − 5 min]. Credentials with no expiration refresh at
 * `obtainedAt + noExpirationRefreshPeriod − random × min(jitterWindow, period/4)`.
 *
 * @param random - uniform in [0, 1); one draw per call.
 * @example
 * ```ts
 * const obtainedAt = Date.now();
 * planRefresh({ expiration: obtainedAt + 3_600_000, obtainedAt }, 0.5); // obtainedAt + 47.5 min
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
    at = expiration - lateMargin - r * jitter;
  }
  // Whole milliseconds; rounding keeps both bounds when they are whole, as clock reads are.
  return Math.round(Math.max(at, obtainedAt + options.minRefreshInterval));
}

/**
 * Instant (epoch ms) of the next attempt after a failed fetch.
 *
 * - `retryable`: ceiling `backoffBase × 2^(failures−1)`, delay uniform in [0, ceiling] with a
 *   100 ms floor (full jitter, so a fleet that failed together retries apart).
 * - `throttling`: the same from `throttleBackoffBase` (5× longer by default).
 * - Both ceilings are capped at `min(maxBackoff, max(1 s, (expiration − now)/4))` while the
 *   credentials held are still valid, so several attempts fit before expiry; at `maxBackoff`
 *   after expiry or with no credentials.
 * - `nonRetryable`: uniform in [nonRetryableRetryDelay, 2 × that], capped at
 *   `max(30 s, (expiration − now)/4)` while credentials are still valid.
 *
 * @param random - uniform in [0, 1); one draw per call.
 * @example
 * ```ts
 * planRetry({ failures: 3, kind: "retryable", now: 0 }, 0.5); // 2_000: half of a 4 s ceiling
 * ```
 */
export function planRetry(input: RetryInput, random: number, options: RefreshPolicyOptions = DEFAULT_REFRESH_POLICY): number {
  const { kind, expiration, now } = input;
  const r = unit(random);
  const remaining = expiration !== undefined && expiration > now ? expiration - now : undefined;
  if (kind === "nonRetryable") {
    const delay = options.nonRetryableRetryDelay * (1 + r);
    return Math.round(now + (remaining === undefined ? delay : Math.min(delay, Math.max(MIN_NON_RETRYABLE_CAP, remaining / 4))));
  }
  const base = kind === "throttling" ? options.throttleBackoffBase : options.backoffBase;
  const exponent = Math.min(Math.max(1, Math.floor(input.failures)) - 1, MAX_EXPONENT);
  const cap = remaining === undefined ? options.maxBackoff : Math.min(options.maxBackoff, Math.max(MIN_VALIDITY_CAP, remaining / 4));
  const ceiling = Math.min(base * 2 ** exponent, cap);
  return Math.round(now + Math.max(Math.min(MIN_RETRY_DELAY, ceiling), r * ceiling));
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
