import type { AwsCredentialIdentity, Logger } from "@smithy/types";
import { ConfigurationError } from "../errors.js";
import { resolveRefreshPolicy, type RefreshPolicyOptions } from "../policy/index.js";
import type { CredentialSlotEvent } from "./slotEvents.js";

/**
 * Where a slot gets credentials: called once per attempt, never concurrently. It should give up
 * when `signal` aborts (attempt timeout or `close()`); the slot stops waiting either way.
 *
 * @example
 * ```ts
 * const source: CredentialSource = async (signal) => readCredentialsFromSomewhere({ signal });
 * ```
 */
export type CredentialSource = (signal: AbortSignal) => Promise<AwsCredentialIdentity>;

/**
 * Options of {@link createCredentialSlot}. Only `source` is required.
 *
 * @example
 * ```ts
 * const options: CredentialSlotOptions = { source: fromProvider(fromTokenFile()), name: "s3", logger: console };
 * ```
 */
export interface CredentialSlotOptions {
  /** Fetches credentials; see {@link CredentialSource}. If it has a `destroy()` method (as `fromWebIdentity()` does), `close()` calls it. */
  source: CredentialSource;
  /**
   * Overrides of the refresh policy; the rest comes from `DEFAULT_REFRESH_POLICY`.
   * @default {} (DEFAULT_REFRESH_POLICY)
   */
  policy?: Partial<RefreshPolicyOptions>;
  /**
   * How long `ready()` waits for the first credentials before rejecting with `StartupTimeoutError`.
   * @default 10_000 (10 s)
   */
  startupTimeout?: number;
  /**
   * How long `get()` waits for credentials when none are usable (cold start, or expired with the
   * source down) before rejecting with `CredentialsUnavailableError`. `0` never waits.
   * @default 5_000 (5 s)
   */
  readTimeout?: number;
  /**
   * Limit of one fetch attempt: then its signal is aborted and it counts as a retryable failure.
   * @default 10_000 (10 s)
   */
  fetchTimeout?: number;
  /**
   * What a failed start-up does to the slot.
   * - `false`: start-up failure is not fatal. `ready()` rejects with `StartupTimeoutError` after
   *   `startupTimeout` (sooner when the next attempt is scheduled after that deadline), but the
   *   slot keeps retrying in the background and readers get credentials when they arrive.
   * - `true`: start-up failure is fatal. At the first non-retryable failure (`ready()` rejects with
   *   that `CredentialSourceError`) or at the start-up deadline (`StartupTimeoutError`), the slot
   *   closes itself: no more fetches, reads reject with `SlotClosedError`. For processes that
   *   should exit and let the orchestrator restart them.
   *
   * Either way, failures after the first credentials never close the slot.
   * @default false
   */
  failFast?: boolean;
  /**
   * Closes the slot when aborted, like `close()`.
   * @default undefined
   */
  signal?: AbortSignal;
  /**
   * SDK-style logger (`console`, pino...). Gets one string per line, with non-secret fields only:
   * access key id, expiration, attempt, error name and message. Failures are `warn`, non-retryable
   * failures and expiry are `error`, refreshes `info`, attempts `debug`.
   * @default undefined (silent)
   */
  logger?: Logger;
  /**
   * Called with every event as a tagged object; the same events are available through `on()`.
   * @default undefined
   */
  onEvent?: (event: CredentialSlotEvent) => void;
  /**
   * Clock (epoch ms). Injected in tests; re-read on every decision, never trusted from a schedule.
   * @default () => Date.now()
   */
  now?: () => number;
  /**
   * Uniform random in [0, 1) for jitter. Injected for deterministic tests.
   * @default Math.random
   */
  random?: () => number;
  /**
   * Name used in log lines and stats, to tell slots apart.
   * @default undefined
   */
  name?: string;
}

/**
 * Options with defaults applied.
 *
 * @internal
 * @example
 * ```ts
 * const { readTimeout } = resolveCredentialSlotOptions({ source }); // 5_000
 * ```
 */
export interface ResolvedCredentialSlotOptions {
  readonly source: CredentialSource;
  readonly policy: RefreshPolicyOptions;
  readonly startupTimeout: number;
  readonly readTimeout: number;
  readonly fetchTimeout: number;
  readonly failFast: boolean;
  readonly signal: AbortSignal | undefined;
  readonly logger: Logger | undefined;
  readonly onEvent: ((event: CredentialSlotEvent) => void) | undefined;
  readonly now: () => number;
  readonly random: () => number;
  readonly name: string | undefined;
}

function duration(name: string, value: unknown, fallback: number, allowZero: boolean): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ConfigurationError(`${name} must be ${allowZero ? "≥ 0" : "> 0"} ms (a finite number of milliseconds), got ${String(value)}`);
  }
  return value;
}

function optionalFunction<T>(name: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== "function") {
    throw new ConfigurationError(`${name} must be a function, got ${typeof value}`);
  }
  return value;
}

/**
 * Applies defaults (in this one block) and validates every option eagerly.
 *
 * @throws {@link ConfigurationError} naming the option to fix.
 * @internal
 * @example
 * ```ts
 * const resolved = resolveCredentialSlotOptions({ source, readTimeout: 1_000 });
 * ```
 */
export function resolveCredentialSlotOptions(options: CredentialSlotOptions): ResolvedCredentialSlotOptions {
  if (typeof options !== "object" || options === null) {
    throw new ConfigurationError("createCredentialSlot needs an options object with at least { source }");
  }
  if (typeof options.source !== "function") {
    throw new ConfigurationError("source must be a function (signal) => Promise<AwsCredentialIdentity>; wrap an SDK provider with fromProvider()");
  }
  const { logger, signal } = options;
  if (logger !== undefined && (["debug", "info", "warn", "error"] as const).some((level) => typeof logger[level] !== "function")) {
    throw new ConfigurationError("logger must have debug, info, warn and error methods (console and pino both do)");
  }
  if (signal !== undefined && (typeof signal !== "object" || signal === null || typeof signal.addEventListener !== "function")) {
    throw new ConfigurationError("signal must be an AbortSignal");
  }
  if (options.failFast !== undefined && typeof options.failFast !== "boolean") {
    throw new ConfigurationError(`failFast must be a boolean, got ${typeof options.failFast}`);
  }
  return {
    source: options.source,
    policy: resolveRefreshPolicy(options.policy ?? {}),
    startupTimeout: duration("startupTimeout", options.startupTimeout, 10_000, false),
    readTimeout: duration("readTimeout", options.readTimeout, 5_000, true),
    fetchTimeout: duration("fetchTimeout", options.fetchTimeout, 10_000, false),
    failFast: options.failFast ?? false,
    signal,
    logger,
    onEvent: optionalFunction("onEvent", options.onEvent),
    now: optionalFunction("now", options.now) ?? (() => Date.now()),
    random: optionalFunction("random", options.random) ?? Math.random,
    name: options.name,
  };
}
