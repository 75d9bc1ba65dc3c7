import type { AwsCredentialIdentity } from "@smithy/types";
import type { CredentialSource } from "../slot/index.js";
import { ConfigurationError } from "../errors.js";

/**
 * Keys from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optionally `AWS_SESSION_TOKEN` and
 * `AWS_CREDENTIAL_EXPIRATION`, read once: nothing to call, so the slot simply holds them (and
 * re-reads the variables on its hourly no-expiration refresh, all in memory).
 *
 * @throws `ConfigurationError` when the key id or the secret is missing.
 * @example
 * ```ts
 * const slot = createCredentialSlot({ source: fromEnvironmentKeys() });
 * ```
 */
export function fromEnvironmentKeys(): CredentialSource & { readonly description: string } {
  const read = (): AwsCredentialIdentity => {
    const env = process.env;
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) throw new ConfigurationError("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must both be set for environment keys");
    const expiration = env.AWS_CREDENTIAL_EXPIRATION ? new Date(env.AWS_CREDENTIAL_EXPIRATION) : undefined;
    return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN && { sessionToken: env.AWS_SESSION_TOKEN }), ...(expiration && { expiration }) };
  };
  const first = read();
  return Object.assign(async () => read(), { description: `environment keys ${first.accessKeyId} (AWS_ACCESS_KEY_ID)` });
}
