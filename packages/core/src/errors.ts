/**
 * Typed errors of `@awscreds/core`. Every message says what to fix, and none ever contains a
 * secret access key or a session token: only access key ids, times and error names.
 */

/**
 * How a failed fetch is retried; see `classifyError`.
 *
 * @example
 * ```ts
 * const kind: ErrorKind = classifyError(err); // "retryable" | "throttling" | "nonRetryable"
 * ```
 */
export type ErrorKind = "retryable" | "throttling" | "nonRetryable";

/**
 * Base class of every error this package throws, so callers can catch them all at once.
 *
 * @example
 * ```ts
 * try { await slot.get(); } catch (err) { if (err instanceof AwsCredsError) metrics.count(err.name); }
 * ```
 */
export class AwsCredsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // Set explicitly (not from new.target.name) so the name survives minifiers.
    this.name = "AwsCredsError";
  }
}

/**
 * No usable credentials: a reader waited past its bound (`readTimeout`), or the source is down
 * and the last credentials expired. `cause` is the last fetch error (a {@link CredentialSourceError}),
 * when there was one.
 *
 * @example
 * ```ts
 * slot.get().catch((err) => { if (err instanceof CredentialsUnavailableError) log(err.cause); });
 * ```
 */
export class CredentialsUnavailableError extends AwsCredsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CredentialsUnavailableError";
  }
}

/**
 * The slot was closed (by `close()`, its `signal`, `await using`, or a `failFast` start-up
 * failure, then `cause` says which). A closed slot never comes back: create a new one.
 *
 * @example
 * ```ts
 * await slot.close();
 * await slot.get().catch((err) => err instanceof SlotClosedError); // true
 * ```
 */
export class SlotClosedError extends AwsCredsError {
  constructor(message = "the credential slot was closed; create a new one", options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SlotClosedError";
  }
}

/**
 * `ready()` gave up: no credentials arrived within `startupTimeout`, or the next attempt is
 * scheduled after that deadline so waiting could not help. `cause` is the last fetch error.
 *
 * @example
 * ```ts
 * await slot.ready().catch((err) => { if (err instanceof StartupTimeoutError) process.exitCode = 1; });
 * ```
 */
export class StartupTimeoutError extends AwsCredsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StartupTimeoutError";
  }
}

/**
 * Invalid options or environment (a negative duration, a missing env var). Thrown eagerly at
 * construction; the message names the option or variable to fix. Never retried quickly.
 *
 * @example
 * ```ts
 * createCredentialSlot({ source, policy: { refreshBeforeExpiry: -1 } }); // throws ConfigurationError
 * ```
 */
export class ConfigurationError extends AwsCredsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConfigurationError";
  }
}

/**
 * One fetch from the credential source failed. `kind` says how it is retried and `cause` is
 * the original error (an SDK `ServiceException`, a network error, a timeout...).
 *
 * @example
 * ```ts
 * slot.on("refreshFailed", ({ error }) => metrics.count(`refresh_failed_${error.kind}`));
 * ```
 */
export class CredentialSourceError extends AwsCredsError {
  /** How the slot retries after this failure. */
  readonly kind: ErrorKind;

  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CredentialSourceError";
    this.kind = kind;
  }
}

/**
 * The source answered, but with unusable credentials: no access key id or secret, an invalid
 * `expiration`, or credentials that are already expired (check the host clock). The slot keeps
 * the previous credentials and retries.
 *
 * @example
 * ```ts
 * slot.on("refreshFailed", ({ error }) => error.cause instanceof InvalidCredentialsError && alert());
 * ```
 */
export class InvalidCredentialsError extends AwsCredsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidCredentialsError";
  }
}

const WRAPPED = Symbol("@awscreds/core.wrappedFailure");

/**
 * Wraps what a source threw (an SDK error, a network error) in a `CredentialSourceError`; marked,
 * so that logs show the underlying error, while an error a source made itself (a
 * `CredentialSourceError` whose message says what to fix) is shown as it is.
 *
 * @internal
 * @example
 * ```ts
 * const error = wrapSourceFailure("retryable", "credential source failed: …", err);
 * ```
 */
export function wrapSourceFailure(kind: ErrorKind, message: string, cause: unknown): CredentialSourceError {
  return Object.defineProperty(new CredentialSourceError(kind, message, { cause }), WRAPPED, { value: true });
}

/**
 * The error worth showing for a fetch failure: the underlying error when the slot wrapped it,
 * else the source's own `CredentialSourceError`.
 *
 * @internal
 * @example
 * ```ts
 * describeError(failureShown(stats.lastError)); // { name: "Throttling", message: "Rate exceeded" }
 * ```
 */
export function failureShown(error: CredentialSourceError): unknown {
  return (error as { [WRAPPED]?: boolean })[WRAPPED] === true ? error.cause : error;
}

/**
 * `name` and `message` of any thrown value, for logs and stats; never reads other fields, so
 * nothing else an error carries (request ids, headers) can leak into a log line.
 *
 * @internal
 * @example
 * ```ts
 * describeError(new Error("socket hang up")); // { name: "Error", message: "socket hang up" }
 * ```
 */
export function describeError(err: unknown): { name: string; message: string } {
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: typeof err, message: String(err) };
}
