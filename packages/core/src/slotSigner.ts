import { AwsSdkSigV4Signer } from "@aws-sdk/core/httpAuthSchemes";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, ChecksumConstructor, HashConstructor, HttpRequest, HttpResponse, HttpSigner, Logger } from "@smithy/types";
import type { CredentialSlot } from "./credentialSlotTypes.js";
import { isExpiredCredentialsError } from "./expiredCredentialsError.js";
import { awaitReplacement } from "./awaitReplacement.js";

/** The parts of a resolved SDK client config that signing reads. */
interface SigningConfig {
  sha256: ChecksumConstructor | HashConstructor;
  region: () => Promise<string>;
  signingName?: string;
  signingEscapePath?: boolean;
  applyChecksum?: boolean;
  systemClockOffset?: number;
  disableClockSkewCorrection?: () => Promise<boolean>;
}

/** `signingProperties` as the SDK's auth scheme resolution fills them, plus our own bookkeeping. */
type SigningProperties = Record<string | symbol, unknown> & {
  config?: SigningConfig;
  context?: { authSchemes?: Array<{ name?: string; signingName?: string; signingRegion?: string }> };
  signingName?: string;
  signingRegion?: string;
  name?: string;
  region?: string;
  disableDoubleEncoding?: boolean;
};

export interface SlotSignerOptions {
  /** Invalidate the key and retry once when AWS answers `ExpiredToken`. @default true */
  readonly refreshOnExpiredToken?: boolean;
  /** How long a retry after `ExpiredToken` waits for the replacement credentials, in ms. @default 5000 */
  readonly replacementTimeout?: number;
  readonly logger?: Logger;
}

// Derived SigV4 signers, per credentials object; a rotation makes the old entries collectable.
const signers = new WeakMap<AwsCredentialIdentity, Map<string, SignatureV4>>();

function signerFor(credentials: AwsCredentialIdentity, region: string, service: string, config: SigningConfig, uriEscapePath: boolean): SignatureV4 {
  let byScope = signers.get(credentials);
  if (!byScope) signers.set(credentials, (byScope = new Map()));
  const key = `${region}/${service}/${uriEscapePath}`;
  let signer = byScope.get(key);
  if (!signer) {
    signer = new SignatureV4({ credentials, region, service, sha256: config.sha256, uriEscapePath, applyChecksum: config.applyChecksum ?? true });
    byScope.set(key, signer);
  }
  return signer;
}

/**
 * Set on `signingProperties` to the access key id each attempt was signed with. A well-known
 * symbol, so `@awscreds/sign-trace` can tell slot-signed attempts apart without importing us.
 */
export const SIGNED_WITH_SLOT_KEY: unique symbol = Symbol.for("@awscreds/core.signedWithSlotKey");
const SIGNED_WITH = SIGNED_WITH_SLOT_KEY;
const INVALIDATED = Symbol("awscreds.invalidatedKey");

/**
 * A SigV4 `HttpSigner` that reads the slot on every attempt instead of the identity the SDK
 * resolved once per `send`. Signing name and region come from the selected auth scheme's
 * signing properties, as the SDK's own `AwsSdkSigV4Signer` takes them; clock-skew sampling and
 * correction are delegated to that signer, so skew handling is the SDK's, unchanged.
 */
export class SlotSigV4Signer implements HttpSigner {
  readonly #slot: CredentialSlot;
  readonly #sdk = new AwsSdkSigV4Signer();
  readonly #refreshOnExpiredToken: boolean;
  readonly #replacementTimeout: number;
  readonly #logger: Logger | undefined;

  constructor(slot: CredentialSlot, options: SlotSignerOptions = {}) {
    this.#slot = slot;
    this.#refreshOnExpiredToken = options.refreshOnExpiredToken ?? true;
    this.#replacementTimeout = options.replacementTimeout ?? 5000;
    this.#logger = options.logger;
  }

  async sign(request: HttpRequest, _identity: unknown, props: SigningProperties): Promise<HttpRequest> {
    const config = props.config;
    if (!config) throw new Error("awsCredsPlugin: signing properties carry no client config; is this an AWS SDK v3 client?");
    let { signingRegion: region, signingName: service } = props;
    // As the SDK does: with [sigv4a, sigv4] endpoint auth schemes, sigv4's scope wins.
    const [first, second] = props.context?.authSchemes ?? [];
    if (first?.name === "sigv4a" && second?.name === "sigv4") {
      region = second.signingRegion ?? region;
      service = second.signingName ?? service;
    }
    region ??= props.region ?? (await config.region());
    service ??= props.name ?? config.signingName;
    if (!service) throw new Error("awsCredsPlugin: no signing name in the auth scheme or the client config");

    // A retry after ExpiredToken waits (bounded) for the replacement; otherwise this never waits.
    const stale = props[INVALIDATED] as string | undefined;
    const credentials = stale === undefined ? (this.#slot.current() ?? (await this.#slot.get())) : await awaitReplacement(this.#slot, stale, this.#replacementTimeout);
    props[SIGNED_WITH] = credentials.accessKeyId;

    // The SDK's skew bookkeeping, read back by its errorHandler/successHandler.
    const noSkewCorrection = (await config.disableClockSkewCorrection?.()) === true;
    props._disableClockSkewCorrection = noSkewCorrection;
    props._skipClockSkewSampling = noSkewCorrection;
    if (!noSkewCorrection) {
      props._preRequestSystemClockOffset = config.systemClockOffset;
      props._requestSentAt = Date.now();
    }
    const uriEscapePath = props.disableDoubleEncoding !== true && config.signingEscapePath !== false;
    const signingDate = new Date(Date.now() + (noSkewCorrection ? 0 : (config.systemClockOffset ?? 0)));
    return signerFor(credentials, region, service, config, uriEscapePath).sign(request, { signingDate, signingRegion: region, signingService: service }) as Promise<HttpRequest>;
  }

  errorHandler(props: SigningProperties): (error: Error) => never {
    const correctSkew = this.#sdk.errorHandler(props);
    return (error) => {
      const key = props[SIGNED_WITH] as string | undefined;
      if (this.#refreshOnExpiredToken && key !== undefined && isExpiredCredentialsError(error) && props[INVALIDATED] === undefined) {
        // Once per request, and the slot ignores a second invalidation of the same key: no storm.
        props[INVALIDATED] = key;
        const invalidated = this.#slot.invalidate(key);
        this.#logger?.warn(`[awscreds] AWS answered ${error.name} for ${key}; ${invalidated ? "refreshing and retrying once" : "a refresh is already under way; retrying once"}`);
        // A modeled retryable trait makes the SDK's retry strategy try again.
        (error as Error & { $retryable?: { throttling?: boolean } }).$retryable ??= { throttling: false };
      }
      return correctSkew(error);
    };
  }

  successHandler(response: HttpResponse | unknown, props: SigningProperties): void {
    this.#sdk.successHandler(response as HttpResponse, props);
  }
}
