import { SignatureV4 } from "@smithy/signature-v4";

/** What the SDK's default `config.signer` builds its SignatureV4 from (`@aws-sdk/core`'s resolveAwsSdkSigV4Config). */
export interface SignerConfig {
  signer?: unknown;
  signerConstructor?: unknown;
  credentials?: unknown;
  sha256?: unknown;
  signingEscapePath?: unknown;
  signingRegion?: unknown;
  signingName?: unknown;
}

/** SignatureV4's settings, as its instances hold them (protected fields, read-only here). */
interface SignatureV4Settings {
  readonly constructor: unknown;
  readonly credentialProvider?: unknown;
  readonly regionProvider?: unknown;
  readonly service?: unknown;
  readonly sha256?: unknown;
  readonly uriEscapePath?: unknown;
  readonly applyChecksum?: unknown;
}

const isPlainSignatureV4 = (signer: SignatureV4Settings): boolean =>
  signer.constructor === SignatureV4 || (typeof signer.constructor === "function" && signer.constructor.name === "SignatureV4");

/**
 * Whether two signers that `config.signer` returned, one call after the other, are the SDK's
 * default: a new plain SignatureV4 on every call (the SDK copies the whole client config into
 * each), reading `config.credentials`, for the client's signing region and name, with its `sha256`
 * and path escaping. A SignatureV4 built once with those same settings then signs exactly as they
 * would. Anything else is the client's own choice and is left alone: a custom `signer` (one
 * object, or credentials of its own), a `signerConstructor` (S3's multi-region signer, SigV4a,
 * S3 Express), or a SignatureV4 whose settings are not the client's. Settings it cannot read (a
 * later SignatureV4 that renames them) make it answer no.
 *
 * @internal
 * @example
 * ```ts
 * await isSdkDefaultSigner(await config.signer(), await config.signer(), config); // true for a stock DynamoDB client
 * ```
 */
export async function isSdkDefaultSigner(first: unknown, second: unknown, config: SignerConfig): Promise<boolean> {
  if (typeof first !== "object" || first === null || typeof second !== "object" || second === null || first === second) return false;
  const a = first as SignatureV4Settings;
  const b = second as SignatureV4Settings;
  if (config.signerConstructor !== undefined || a.constructor !== b.constructor || !isPlainSignatureV4(a)) return false;
  const sameSettings =
    a.credentialProvider === config.credentials &&
    a.sha256 === config.sha256 &&
    a.uriEscapePath === config.signingEscapePath &&
    a.applyChecksum === true &&
    typeof config.signingName === "string" &&
    a.service === config.signingName;
  if (!sameSettings || typeof a.regionProvider !== "function" || typeof config.signingRegion !== "string") return false;
  return (await (a.regionProvider as () => Promise<unknown>)()) === config.signingRegion;
}
