import type { AwsCredentialIdentity, ChecksumConstructor, HashConstructor } from "@smithy/types";
import type { CredentialSlot } from "../slot/index.js";
import { PerCredentialsSignatureV4 } from "./perCredentialsSignatureV4.js";
import { isSdkDefaultSigner, type SignerConfig } from "./sdkDefaultSigner.js";

type SignerProvider = (authScheme?: unknown) => Promise<unknown>;

/** On our `config.signer`: the one it stands in for, so attaching again wraps the SDK's, not ours. */
const SDK_SIGNER = Symbol("@awscreds/core.sdkSigner");

function usableCredentials(slot: () => CredentialSlot): AwsCredentialIdentity | undefined {
  try {
    return slot().current();
  } catch {
    return undefined; // closed: the SDK's signer reports it
  }
}

/**
 * Has a client that signs with the SDK's default signer sign with one SignatureV4 per slot
 * credentials instead: the SDK builds a new SignatureV4 for every signature (copying the whole
 * client config into it), which reads `config.credentials` again and hashes the access key again
 * to find its signing key. The slot already holds the credentials, read-only and replaced as a
 * whole, so one `PerCredentialsSignatureV4` per credentials, with the client's own region,
 * service, `sha256` and path escaping, signs identically with none of that.
 *
 * Whether `config.signer` is the SDK's default is decided on the first signature, from what it
 * returns ({@link isSdkDefaultSigner}); that signature, any custom signer, a `signerConstructor`
 * (S3), a moment with nothing usable in the slot, and a `config.credentials` assigned since,
 * all go to the client's own `config.signer`, as before.
 *
 * @internal
 * @example
 * ```ts
 * config.credentials = slot.provider;
 * useSlotSigner(config, () => slot);
 * ```
 */
export function useSlotSigner(config: SignerConfig, slot: () => CredentialSlot): void {
  const current = config.signer as (SignerProvider & { [SDK_SIGNER]?: SignerProvider }) | undefined;
  if (typeof current !== "function") return;
  const sdkSigner = current[SDK_SIGNER] ?? current;
  // What config.credentials reads now, the slot: another assignment hands signing back to the SDK.
  const slotCredentials = config.credentials;
  let isDefault: boolean | "deciding" | undefined;
  let last: { credentials: AwsCredentialIdentity; region: string; service: string; signer: Promise<PerCredentialsSignatureV4> } | undefined;

  const decide = async (authScheme: unknown): Promise<unknown> => {
    isDefault = "deciding";
    try {
      const first = await sdkSigner(authScheme);
      isDefault = await isSdkDefaultSigner(first, await sdkSigner(authScheme), config);
      return first;
    } catch (error) {
      isDefault = undefined; // decide on a later signature
      throw error;
    }
  };

  const signer = (authScheme?: unknown): Promise<unknown> => {
    if (isDefault !== true || config.credentials !== slotCredentials) return isDefault === undefined ? decide(authScheme) : sdkSigner(authScheme);
    const credentials = usableCredentials(slot);
    if (credentials === undefined) {
      last = undefined; // no secrets kept for a slot that holds none
      // Nothing usable: the SDK's signer waits on the slot, or fails with its error.
      return sdkSigner(authScheme);
    }
    // The SDK's default signs for config.signingRegion/signingName (set on its first call), whatever the auth scheme.
    const { signingRegion: region, signingName: service } = config;
    if (typeof region !== "string" || typeof service !== "string") return sdkSigner(authScheme); // unset since: the SDK works them out again
    if (last?.credentials !== credentials || last.region !== region || last.service !== service) {
      const signer = new PerCredentialsSignatureV4({
        credentials,
        region,
        service,
        sha256: config.sha256 as ChecksumConstructor | HashConstructor,
        uriEscapePath: config.signingEscapePath as boolean,
      });
      last = { credentials, region, service, signer: Promise.resolve(signer) };
    }
    return last.signer;
  };
  config.signer = Object.assign(signer, { [SDK_SIGNER]: sdkSigner });
}
