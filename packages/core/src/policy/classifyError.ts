import { CredentialSourceError, type ErrorKind } from "../errors.js";

// Error codes that mean "slow down". STS answers `Throttling`; the others come from other
// credential sources (SSO, IMDS, S3-style endpoints) that a wrapped provider may call.
const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "SlowDown",
]);

// Errors that retrying within minutes will not fix: a person has to change IAM, the request or
// the configuration. `ExpiredTokenException` and `InvalidIdentityToken` are deliberately absent:
// kubelet rotates the projected token file, so the next attempt (which re-reads it) may succeed.
const NON_RETRYABLE = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "ValidationError",
  "MalformedPolicyDocument",
  "PackedPolicyTooLarge",
  "RegionDisabledException",
  "ConfigurationError",
]);

/**
 * Decides how a failed credential fetch is retried, from the SDK error's `name`, `Code`,
 * `$metadata.httpStatusCode` and `$retryable`. Pure; never throws, whatever it is given.
 *
 * - `"throttling"`: Throttling, ThrottlingException, TooManyRequestsException,
 *   RequestLimitExceeded, SlowDown, HTTP 429, or `$retryable.throttling`.
 * - `"nonRetryable"`: AccessDenied(Exception), ValidationError, MalformedPolicyDocument,
 *   PackedPolicyTooLarge, RegionDisabledException, ConfigurationError.
 * - `"retryable"`: everything else (5xx, network errors, timeouts, InvalidIdentityToken,
 *   IDPCommunicationError, ExpiredTokenException, an unreadable token file, garbage responses),
 *   because a background loop that gives up is worse than one that retries with backoff.
 *
 * A {@link CredentialSourceError} keeps the `kind` it already carries.
 *
 * @example
 * ```ts
 * classifyError({ name: "Throttling", $metadata: { httpStatusCode: 400 } }); // "throttling"
 * classifyError(new Error("socket hang up")); // "retryable"
 * ```
 */
export function classifyError(err: unknown): ErrorKind {
  if (err instanceof CredentialSourceError) return err.kind;
  if (typeof err !== "object" || err === null) return "retryable";
  try {
    return classifyFields(err);
  } catch {
    // A hostile getter or proxy: unknown errors are retried, never fatal.
    return "retryable";
  }
}

function classifyFields(err: object): ErrorKind {
  const e = err as {
    name?: unknown;
    Code?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: unknown };
    $retryable?: { throttling?: unknown };
  };
  const codes = [e.name, e.Code, e.code].filter((c): c is string => typeof c === "string");
  if (codes.some((c) => THROTTLING.has(c))) return "throttling";
  if (e.$metadata?.httpStatusCode === 429 || e.$retryable?.throttling === true) return "throttling";
  if (codes.some((c) => NON_RETRYABLE.has(c))) return "nonRetryable";
  return "retryable";
}
