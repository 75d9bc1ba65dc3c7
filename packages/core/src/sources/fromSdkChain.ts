import { defaultProvider } from "@aws-sdk/credential-provider-node";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { CredentialSource } from "../slot/index.js";
import { CredentialSourceError, describeError } from "../errors.js";
import { raceAbort } from "../raceAbort.js";

/** What the SDK's default chain looks for, in its order, and what to set for each. */
export const SDK_CHAIN_LOOKS_FOR = [
  "environment keys (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)",
  "a profile in ~/.aws/config or ~/.aws/credentials (AWS_PROFILE, else [default]): keys, SSO (aws sso login), credential_process or role_arn",
  "web identity (AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, as EKS IRSA sets them)",
  "container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI or AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, as EKS Pod Identity and ECS set them)",
  "EC2 instance metadata (an instance profile; unless AWS_EC2_METADATA_DISABLED=true)",
] as const;

/** The chain's own words when every link declined. */
const NOTHING_FOUND = /Could not load credentials from any providers/i;

/**
 * The SDK's default Node credential chain (`@aws-sdk/credential-provider-node`), one instance
 * kept warm in the slot: called with `forceRefresh` ahead of expiry, so requests never run it.
 * When no link can give credentials, the failure is a non-retryable `CredentialSourceError`
 * that lists what was looked for and what to set (never a secret).
 *
 * @example
 * ```ts
 * const slot = createCredentialSlot({ source: fromSdkChain({ profile: "dev" }) });
 * ```
 */
export function fromSdkChain(init: { profile?: string } = {}): CredentialSource & { readonly description: string } {
  let chain: AwsCredentialIdentityProvider | undefined;
  const fetchOnce = async (signal: AbortSignal): Promise<AwsCredentialIdentity> => {
    chain ??= defaultProvider(init.profile === undefined ? {} : { profile: init.profile });
    const provider = chain;
    try {
      return await raceAbort(() => provider({ forceRefresh: true }), signal);
    } catch (error) {
      if (!NOTHING_FOUND.test(describeError(error).message)) throw error;
      throw new CredentialSourceError(
        "nonRetryable",
        `no AWS credentials found: the SDK's default chain looked for ${SDK_CHAIN_LOOKS_FOR.map((what, i) => `(${i + 1}) ${what}`).join("; ")}. Set one of them, or pass credentials or a slot to the client`,
        { cause: error },
      );
    }
  };
  const profile = init.profile ?? process.env.AWS_PROFILE;
  return Object.assign(fetchOnce, { description: `the SDK's default credential chain${profile ? ` (profile ${profile})` : ""}` });
}
