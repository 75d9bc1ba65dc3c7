import { ConfigurationError } from "../errors.js";

/**
 * Tuning of the refresh policy. All durations are milliseconds. The defaults suit STS
 * credentials of 15 min to 12 h shared by a fleet of pods; most users change nothing.
 *
 * @example
 * ```ts
 * const policy: Partial<RefreshPolicyOptions> = { refreshBeforeExpiry: 15 * 60_000 };
 * createCredentialSlot({ source, policy });
 * ```
 */
export interface RefreshPolicyOptions {
  /**
   * Latest point to refresh, before `expiration`. Halved for credentials whose whole lifetime is
   * shorter than twice this, so short-lived credentials are not refreshed on every read.
   *
   * This is when the last refresh *starts*; the credentials come one STS latency later, and later
   * still if STS throttles. 10 min (botocore's mandatory window too) leaves room for a 2-minute STS
   * brown-out plus throttling backoff while the slot still holds more than 5 min of validity, which
   * the SDK requires: its own memoizer treats credentials with less than 5 min left as expired.
   * With 5 min, the fleet simulation (docs/fleet-simulation.md) saw slots hold under 5 min even with
   * a healthy STS, and 69 of 1,000 slots drop as low as 3 min 11 s in a brown-out at the end of a
   * refresh wave. The STS load is the same either way: one fetch per lifetime.
   * With 1 h credentials the default refresh window is [exp − 25 min, exp − 10 min].
   * @default 600_000 (10 min)
   */
  readonly refreshBeforeExpiry: number;
  /**
   * Width of the random spread before the latest point, so a fleet started together does not
   * call STS together. Capped at half of what is left of the lifetime.
   * @default 900_000 (15 min)
   */
  readonly jitterWindow: number;
  /**
   * Minimum time between obtaining credentials and the next refresh, whatever they say.
   * @default 1_000 (1 s)
   */
  readonly minRefreshInterval: number;
  /**
   * Refresh period of credentials with no `expiration` (never treated as eternal: keys rotate).
   * @default 3_600_000 (1 h)
   */
  readonly noExpirationRefreshPeriod: number;
  /**
   * First retry ceiling after a retryable failure; doubles per consecutive failure (full jitter).
   * @default 1_000 (1 s)
   */
  readonly backoffBase: number;
  /**
   * First retry ceiling after throttling (STS `Throttling`, HTTP 429); doubles likewise.
   * @default 5_000 (5 s)
   */
  readonly throttleBackoffBase: number;
  /**
   * Largest retry ceiling. While credentials are valid the ceiling is also capped at a quarter
   * of the time left until the last safe start, `expiration − expiryMargin − fetchTimeout`
   * (never below 1 s), so several attempts fit before expiry; see `planRetry`.
   * @default 300_000 (5 min)
   */
  readonly maxBackoff: number;
  /**
   * Retry delay after a non-retryable failure (AccessDenied...): uniform in [this, 2 × this].
   * While credentials are valid it is capped at a quarter of the time left until the last safe
   * start, but never below 60 s: at most one attempt a minute, whatever the remaining validity.
   * @default 300_000 (5 min)
   */
  readonly nonRetryableRetryDelay: number;
  /**
   * While no credentials are usable and readers are asking for some (their requests fail), the
   * next attempt is pulled in to at most this long after the last one, however long the backoff;
   * so a fixed IAM policy is picked up within a minute, not 5–10 min. See `planRetryOnDemand`.
   * @default 60_000 (1 min)
   */
  readonly unavailableRetryInterval: number;
  /**
   * Credentials are never handed out within this margin of `expiration`: a request signed at
   * the last millisecond would arrive with expired credentials.
   * @default 10_000 (10 s)
   */
  readonly expiryMargin: number;
}

/**
 * The default refresh policy, in one place. Frozen; spread it to derive your own.
 *
 * @example
 * ```ts
 * const policy = resolveRefreshPolicy({ ...DEFAULT_REFRESH_POLICY, jitterWindow: 600_000 });
 * ```
 */
export const DEFAULT_REFRESH_POLICY: RefreshPolicyOptions = Object.freeze({
  refreshBeforeExpiry: 10 * 60_000,
  jitterWindow: 15 * 60_000,
  minRefreshInterval: 1_000,
  noExpirationRefreshPeriod: 60 * 60_000,
  backoffBase: 1_000,
  throttleBackoffBase: 5_000,
  maxBackoff: 5 * 60_000,
  nonRetryableRetryDelay: 5 * 60_000,
  unavailableRetryInterval: 60_000,
  expiryMargin: 10_000,
});

// Options that must be strictly positive: a zero here would mean "retry in a tight loop"
// or "refresh forever", never what anyone wants.
const POSITIVE = new Set<keyof RefreshPolicyOptions>([
  "noExpirationRefreshPeriod",
  "backoffBase",
  "throttleBackoffBase",
  "maxBackoff",
  "unavailableRetryInterval",
]);

/**
 * Fills in defaults and validates eagerly, so a typo fails at start-up, not after an hour.
 * `undefined` values take the default; unknown keys are rejected.
 *
 * @throws {@link ConfigurationError} naming the option to fix.
 * @example
 * ```ts
 * resolveRefreshPolicy({ refreshBeforeExpiry: 120_000 }); // other fields from DEFAULT_REFRESH_POLICY
 * resolveRefreshPolicy({ refreshBeforeExpiry: -1 }); // throws: refreshBeforeExpiry must be ≥ 0 ms
 * ```
 */
export function resolveRefreshPolicy(partial: Partial<RefreshPolicyOptions> = {}): RefreshPolicyOptions {
  if (typeof partial !== "object" || partial === null) {
    throw new ConfigurationError(`policy must be an object of durations in ms, got ${String(partial)}`);
  }
  const resolved: Record<string, number> = { ...DEFAULT_REFRESH_POLICY };
  for (const [key, value] of Object.entries(partial)) {
    if (!(key in DEFAULT_REFRESH_POLICY)) {
      const known = Object.keys(DEFAULT_REFRESH_POLICY).join(", ");
      throw new ConfigurationError(`unknown refresh policy option "${key}"; known options: ${known}`);
    }
    if (value === undefined) continue;
    const name = key as keyof RefreshPolicyOptions;
    const min = POSITIVE.has(name) ? "> 0" : "≥ 0";
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (POSITIVE.has(name) && value === 0)) {
      throw new ConfigurationError(`${key} must be ${min} ms (a finite number of milliseconds), got ${String(value)}`);
    }
    resolved[key] = value;
  }
  return Object.freeze(resolved as unknown as RefreshPolicyOptions);
}
