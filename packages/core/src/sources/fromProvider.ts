import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { CredentialSource } from "../slot/index.js";
import { ConfigurationError } from "../errors.js";
import { raceAbort } from "../raceAbort.js";

/**
 * Turns any SDK credential provider (`fromTokenFile()`, `fromContainerMetadata()`,
 * `fromNodeProviderChain()`...) into a slot's {@link CredentialSource}.
 *
 * Every fetch calls `provider({ forceRefresh: true })`: a memoized provider would otherwise hand
 * back its cached value and the slot would "refresh" to the same, soon-expired credentials (the
 * flaw of the Go seed's Refresher). Aborting the signal rejects the wait at once with
 * `signal.reason`, even if the provider itself cannot be cancelled.
 *
 * @example
 * ```ts
 * import { fromTokenFile } from "@aws-sdk/credential-provider-web-identity";
 * const slot = createCredentialSlot({ source: fromProvider(fromTokenFile()) });
 * ```
 */
export function fromProvider(provider: AwsCredentialIdentityProvider): CredentialSource {
  if (typeof provider !== "function") {
    throw new ConfigurationError("fromProvider needs an SDK credential provider function, e.g. fromTokenFile()");
  }
  return (signal) => raceAbort(() => provider({ forceRefresh: true }), signal);
}
