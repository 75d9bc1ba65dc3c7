import type { AwsCredentialIdentity } from "@smithy/types";
import { classifyError } from "../policy/index.js";
import type { CredentialSlotStats } from "./credentialSlotTypes.js";
import { CredentialSourceError, describeError, failureShown, wrapSourceFailure } from "../errors.js";
import { decide, isUsable, planRefresh, planRetry, planRetryOnDemand } from "../policy/index.js";
import type { RefreshPolicyOptions } from "../policy/index.js";
import { slotMessages as msg } from "./slotMessages.js";
import { validateCredentials } from "../policy/index.js";

/**
 * What `SlotState.fail()` decided.
 *
 * @internal
 * @example
 * ```ts
 * const { error, attempt, next }: FailureOutcome = state.fail(err, Date.now(), Math.random());
 * ```
 */
export interface FailureOutcome {
  readonly error: CredentialSourceError;
  /** Consecutive failures, this one included. */
  readonly attempt: number;
  /** Instant of the next attempt. */
  readonly next: number;
}

/**
 * The credential slot's state and its transitions, with no timers, no I/O and no events: the
 * clock reading and the random draw are passed in. The slot is the shell that calls these on
 * fetch results, reads and timer wake-ups, then arms its timer at `wakeAt()`.
 *
 * @internal
 * @example
 * ```ts
 * const state = new SlotState(DEFAULT_REFRESH_POLICY);
 * state.succeed(await source(signal), Date.now(), Math.random());
 * state.usable(Date.now()); // the read-only credentials
 * ```
 */
export class SlotState {
  readonly #policy: RefreshPolicyOptions;
  readonly #fetchTimeout: number;
  #creds: AwsCredentialIdentity | undefined;
  #lastRefreshAt: number | undefined;
  #lastFailureAt: number | undefined;
  #refreshAt: number | undefined;
  #refreshCount = 0;
  #failureCount = 0;
  #consecutiveFailures = 0;
  #lastError: CredentialSourceError | undefined;
  #expiryReported = false;
  #invalidated = false;

  /** `fetchTimeout`: the longest one fetch may take, so that attempts are planned to end before expiry. */
  constructor(policy: RefreshPolicyOptions, fetchTimeout = 0) {
    this.#policy = policy;
    this.#fetchTimeout = fetchTimeout;
  }

  /** Instant of the next attempt; `undefined` means "now" (nothing obtained or planned yet). */
  get refreshAt(): number | undefined {
    return this.#refreshAt;
  }

  get lastError(): CredentialSourceError | undefined {
    return this.#lastError;
  }

  get consecutiveFailures(): number {
    return this.#consecutiveFailures;
  }

  /** The credentials if they may be handed out at `now`, else `undefined`. */
  usable(now: number): AwsCredentialIdentity | undefined {
    return isUsable(this.#creds, now, this.#policy) ? this.#creds : undefined;
  }

  /** Whether a fetch should start now (see `decide`). */
  due(now: number, inFlight: boolean): boolean {
    return decide({ inFlight, refreshAt: this.#refreshAt }, now).kind === "refresh";
  }

  /**
   * Installs what the source returned, as a whole, and plans the next refresh.
   * @throws `InvalidCredentialsError` (state unchanged) when the result is unusable.
   */
  succeed(raw: unknown, now: number, random: number): AwsCredentialIdentity {
    const creds = validateCredentials(raw, now, this.#policy);
    this.#creds = creds;
    this.#lastRefreshAt = now;
    this.#refreshCount++;
    this.#consecutiveFailures = 0;
    this.#invalidated = false;
    this.#expiryReported = false;
    this.#refreshAt = planRefresh({ expiration: creds.expiration?.getTime(), obtainedAt: now, fetchTimeout: this.#fetchTimeout }, random, this.#policy);
    return creds;
  }

  /** Records a failed fetch (credentials kept) and plans the next attempt. */
  fail(err: unknown, now: number, random: number): FailureOutcome {
    const kind = classifyError(err);
    const error = err instanceof CredentialSourceError ? err : wrapSourceFailure(kind, msg.sourceFailed(kind, err), err);
    this.#failureCount++;
    const attempt = ++this.#consecutiveFailures;
    this.#lastError = error;
    this.#lastFailureAt = now;
    const next = planRetry({ failures: attempt, kind, expiration: this.#creds?.expiration?.getTime(), now, fetchTimeout: this.#fetchTimeout }, random, this.#policy);
    this.#refreshAt = next;
    return { error, attempt, next };
  }

  /**
   * Marks the current credentials as rejected. Outside a backoff the refresh becomes due now (not
   * sooner than `minRefreshInterval` after the last fetch, so a `forceRefresh` loop cannot storm
   * the source); during a backoff its time is kept. Returns whether the call had an effect.
   */
  invalidate(accessKeyId: string, now: number): boolean {
    if (this.#invalidated || this.#creds?.accessKeyId !== accessKeyId) return false;
    this.#invalidated = true;
    if (this.#consecutiveFailures > 0) return true;
    const earliest = (this.#lastRefreshAt ?? now) + this.#policy.minRefreshInterval;
    this.#refreshAt = Math.min(this.#refreshAt ?? Infinity, Math.max(now, earliest));
    return true;
  }

  /**
   * A reader found no usable credentials while the slot is failing: bring the next attempt in to
   * at most `unavailableRetryInterval` after the last one. Returns whether the schedule moved.
   */
  demand(now: number): boolean {
    if (this.#lastFailureAt === undefined || this.#refreshAt === undefined || this.#consecutiveFailures === 0) return false;
    if (isUsable(this.#creds, now, this.#policy)) return false;
    const next = planRetryOnDemand({ refreshAt: this.#refreshAt, lastAttemptAt: this.#lastFailureAt, now }, this.#policy);
    if (next === this.#refreshAt) return false;
    this.#refreshAt = next;
    return true;
  }

  /** The credentials that stopped being usable at `now` without a successful refresh; once per credentials. */
  takeExpired(now: number): AwsCredentialIdentity | undefined {
    const creds = this.#creds;
    if (this.#expiryReported || creds?.expiration === undefined || isUsable(creds, now, this.#policy)) return undefined;
    this.#expiryReported = true;
    return creds;
  }

  /** When the slot's timer should wake: the next attempt, or sooner to report expiry on time. */
  wakeAt(): number | undefined {
    const expiration = this.#creds?.expiration?.getTime();
    if (this.#refreshAt === undefined || this.#expiryReported || expiration === undefined) return this.#refreshAt;
    return Math.min(this.#refreshAt, expiration - this.#policy.expiryMargin);
  }

  stats(now: number, inFlight: boolean): Omit<CredentialSlotStats, "name" | "closed" | "waiting"> {
    const creds = this.#creds;
    const lastError = this.#lastError;
    return {
      ...(creds !== undefined && { accessKeyId: creds.accessKeyId }),
      ...(creds?.expiration !== undefined && { expiresAt: creds.expiration.getTime() }),
      usable: isUsable(creds, now, this.#policy),
      ...(this.#lastRefreshAt !== undefined && { lastRefreshAt: this.#lastRefreshAt }),
      ...(!inFlight && this.#refreshAt !== undefined && { nextRefreshAt: this.#refreshAt }),
      refreshCount: this.#refreshCount,
      failureCount: this.#failureCount,
      consecutiveFailures: this.#consecutiveFailures,
      ...(lastError !== undefined && { lastError: { ...describeError(failureShown(lastError)), kind: lastError.kind } }),
      inFlight,
    };
  }

  /** Forgets the credentials (the secrets) and the schedule; counters stay for stats. */
  clear(): void {
    this.#creds = undefined;
    this.#refreshAt = undefined;
  }
}
