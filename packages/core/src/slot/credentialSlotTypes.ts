import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { CredentialSlotEventName, CredentialSlotListener } from "./slotEvents.js";

/**
 * The slot seen as an SDK credential provider. `memoized: true` tells the SDK (`@aws-sdk/core`
 * `resolveAwsSdkSigV4Config`) to use it as-is instead of wrapping it in its own memoizer, which
 * would block requests inside a 5-minute window and cache credentials without expiry forever.
 *
 * @example
 * ```ts
 * const s3 = new S3Client({ credentials: slot.provider });
 * ```
 */
export type SlotCredentialProvider = AwsCredentialIdentityProvider & { readonly memoized: true };

/**
 * Options of one `get()` call.
 *
 * @example
 * ```ts
 * // AWS rejected ASIAOLD: invalidate it and wait (at most 5 s) for the credentials replacing it.
 * slot.invalidate("ASIAOLD");
 * const fresh = await slot.get({ replacing: "ASIAOLD", timeout: 5_000, signal });
 * ```
 */
export interface GetCredentialsOptions {
  /** Stops waiting when aborted: the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /**
   * A key the caller must not be given (AWS rejected it): resolve only with other credentials,
   * waiting for the refresh that replaces it. Call `invalidate(key)` first to start that refresh.
   */
  readonly replacing?: string;
  /** Longest wait, in ms. @default the slot's `readTimeout` */
  readonly timeout?: number;
}

/**
 * A snapshot of a slot for metrics and health checks. Times are epoch ms. No secrets.
 *
 * @example
 * ```ts
 * const { expiresAt, consecutiveFailures } = slot.stats();
 * ```
 */
export interface CredentialSlotStats {
  /** The `name` option. */
  readonly name?: string;
  /** What the source is, when it says (e.g. "web identity arn:aws:iam::…:role/orders via regional STS"). */
  readonly source?: string;
  /** Access key id of the credentials held (usable or not). */
  readonly accessKeyId?: string;
  /** Expiration of the credentials held; absent when they have none. */
  readonly expiresAt?: number;
  /** Whether `current()` would return credentials now. */
  readonly usable: boolean;
  /** When the last successful fetch returned. */
  readonly lastRefreshAt?: number;
  /** When the next attempt (refresh or retry) is scheduled; absent while one is in flight. */
  readonly nextRefreshAt?: number;
  /** Successful fetches. */
  readonly refreshCount: number;
  /** Failed fetches, in total. */
  readonly failureCount: number;
  /** Failed fetches since the last success. */
  readonly consecutiveFailures: number;
  /** The last failure's underlying error (not cleared by a success, for post-mortems). */
  readonly lastError?: { readonly name: string; readonly message: string; readonly kind: string };
  /** Whether a fetch is in flight. */
  readonly inFlight: boolean;
  /** Callers waiting on the slot (`ready()`, reads, replacements); while any wait, the slot keeps the process alive. */
  readonly waiting: number;
  /** Whether the slot is closed. */
  readonly closed: boolean;
}

/**
 * AWS credentials held hot in memory, refreshed ahead of expiry by a background timer, so reads
 * never wait on the network in steady state. Create one with `createCredentialSlot`.
 *
 * @example
 * ```ts
 * await using slot = createCredentialSlot({ source: fromProvider(fromTokenFile()) });
 * await slot.ready();
 * const client = new STSClient({ credentials: slot.provider });
 * ```
 */
export interface CredentialSlot extends AsyncDisposable {
  /**
   * Resolves once credentials have arrived; rejects as the `failFast` option describes, or with
   * `SlotClosedError`. Safe to call and ignore: never an unhandled rejection.
   */
  ready(): Promise<void>;
  /**
   * The usable credentials now, or `undefined` (never expired ones). Synchronous, no I/O. A read
   * that finds the refresh due starts it in the background and does not wait for it.
   * @throws `SlotClosedError` after `close()`.
   */
  current(): AwsCredentialIdentity | undefined;
  /**
   * The usable credentials, at once when there are some. Otherwise waits for the one fetch in
   * flight or the next scheduled attempt (never starts its own), at most `timeout` (the
   * `readTimeout` option by default), then rejects with `CredentialsUnavailableError` (`cause`:
   * the last fetch error). Rejects at once when the next attempt is scheduled after that deadline.
   * While it waits, the slot keeps the process alive; `signal` ends the wait early.
   */
  get(options?: GetCredentialsOptions): Promise<AwsCredentialIdentity>;
  /** An SDK credential provider reading this slot; `forceRefresh` invalidates the current key. */
  readonly provider: SlotCredentialProvider;
  /**
   * Forces a refresh if `accessKeyId` is the current key (e.g. the service rejected it). Keeps an
   * ongoing backoff, keeps serving the current credentials meanwhile, and is a no-op for an
   * unknown key or a key already invalidated. Returns whether the call had an effect.
   */
  invalidate(accessKeyId: string): boolean;
  /** A snapshot for metrics; no secrets. */
  stats(): CredentialSlotStats;
  /** Same as `stats()`, so `JSON.stringify(slot)` is safe to log. */
  toJSON(): CredentialSlotStats;
  /** Adds a listener; see `CredentialSlotEvents`. */
  on<E extends CredentialSlotEventName>(event: E, listener: CredentialSlotListener<E>): this;
  /** Removes a listener added with `on`. */
  off<E extends CredentialSlotEventName>(event: E, listener: CredentialSlotListener<E>): this;
  /**
   * Stops everything: clears timers, aborts the fetch in flight, rejects waiting readers with
   * `SlotClosedError`. Idempotent; resolves when the fetch in flight has let go.
   */
  close(): Promise<void>;
}
