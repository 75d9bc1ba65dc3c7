/**
 * Log lines and error messages of the credential slot, as pure functions of non-secret fields.
 * Taking only ids, times and errors (never a credentials object) is what keeps secrets out.
 */
import { describeError, failureShown, type CredentialSourceError } from "../errors.js";

const iso = (ms: number | undefined): string => (ms === undefined ? "never" : new Date(ms).toISOString());

/**
 * `name: message` of the error behind a fetch failure.
 *
 * @internal
 * @example
 * ```ts
 * errorSummary(refreshFailedEvent.error); // "Throttling: Rate exceeded"
 * ```
 */
export function errorSummary(error: CredentialSourceError | undefined): string {
  if (error === undefined) return "none";
  const { name, message } = describeError(failureShown(error));
  return `${name}: ${message}`;
}

/**
 * Builders of every log line and error message of the slot.
 *
 * @internal
 * @example
 * ```ts
 * logger.debug(slotMessages.fetching(1)); // "fetching credentials (attempt 1)"
 * ```
 */
export const slotMessages = {
  fetching: (attempt: number, source?: string) => `fetching credentials (attempt ${attempt})${source === undefined ? "" : ` from ${source}`}`,

  refreshed: (accessKeyId: string, expiration: number | undefined, next: number, source?: string) =>
    `refreshed credentials ${accessKeyId}${source === undefined ? "" : ` from ${source}`}, ${expiration === undefined ? "no expiration" : `expiring ${iso(expiration)}`}; next refresh at ${iso(next)}`,

  failed: (error: CredentialSourceError, attempt: number, next: number, servingUntil: number | undefined, hasUsable: boolean) =>
    `refresh attempt ${attempt} failed (${error.kind}): ${errorSummary(error)}; ` +
    (hasUsable ? `still serving credentials valid until ${iso(servingUntil)}` : "no usable credentials to serve") +
    `; next attempt at ${iso(next)}` +
    (error.kind === "nonRetryable" ? "; this will not fix itself: check the IAM role, its trust policy and the configuration" : ""),

  expired: (accessKeyId: string, expiration: number, error: CredentialSourceError | undefined) =>
    `credentials ${accessKeyId} expired at ${iso(expiration)} before a refresh succeeded (last error: ${errorSummary(error)}); ` +
    "reads fail until the source recovers",

  unavailable: (waitedMs: number | undefined, error: CredentialSourceError | undefined, next: number | undefined, replacing?: string) =>
    (replacing === undefined ? "no usable AWS credentials" : `no credentials to replace ${replacing}, which AWS rejected,`) +
    (waitedMs === undefined ? ` and the next attempt is not before ${iso(next)}` : ` after waiting ${waitedMs} ms (readTimeout)`) +
    (error === undefined ? "; the first fetch is still in flight" : `; last fetch error: ${errorSummary(error)}`) +
    "; check the credential source (stats() and the refreshFailed event say more)",

  startupTimeout: (timeoutMs: number, error: CredentialSourceError | undefined, next: number | undefined) =>
    `no AWS credentials within startupTimeout (${timeoutMs} ms)` +
    (next === undefined ? "" : `; next attempt at ${iso(next)}`) +
    (error === undefined ? "; the first fetch did not answer" : `; last fetch error: ${errorSummary(error)}`) +
    "; check the credential source, or raise startupTimeout",

  sourceFailed: (kind: string, err: unknown) => {
    const { name, message } = describeError(err);
    return `credential source failed (${kind}): ${name}: ${message}`;
  },

  fetchTimeout: (ms: number) => `the credential source did not answer within fetchTimeout (${ms} ms); the attempt was aborted`,

  failFastClosed: (error: Error) => `the credential slot was closed because start-up failed (failFast): ${error.message}; fix the cause and create a new one`,

  listenerThrew: (event: string, err: unknown) => {
    const { name, message } = describeError(err);
    return `a "${event}" listener threw ${name}: ${message}; the slot carries on`;
  },
};
