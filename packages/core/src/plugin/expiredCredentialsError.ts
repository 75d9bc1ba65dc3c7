/**
 * The error codes with which AWS says the session token itself has expired, as each service
 * spells it: the answer to these is fresh credentials. Other auth errors are deliberately left
 * out: `InvalidClientTokenId`/`UnrecognizedClientException` usually mean a wrong partition or a
 * deleted role, where a refresh per failing request would only hammer STS, and clock-skew codes
 * (`RequestExpired`, `SignatureDoesNotMatch`) are handled by the SDK's skew correction.
 */
export const EXPIRED_CREDENTIALS_CODES: ReadonlySet<string> = new Set(["ExpiredToken", "ExpiredTokenException"]);

/**
 * `true` when a service rejected a request because its credentials expired.
 *
 * @example
 * ```ts
 * isExpiredCredentialsError({ name: "ExpiredTokenException" }); // true
 * ```
 */
export function isExpiredCredentialsError(error: unknown): boolean {
  const e = error as { name?: unknown; Code?: unknown; code?: unknown } | undefined;
  return [e?.name, e?.Code, e?.code].some((code) => typeof code === "string" && EXPIRED_CREDENTIALS_CODES.has(code));
}
