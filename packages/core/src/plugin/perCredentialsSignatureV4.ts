import { SignatureV4, type SignatureV4CryptoInit, type SignatureV4Init } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, DateInput } from "@smithy/types";

type SigningKeyOf = (credentials: AwsCredentialIdentity, region: string, shortDate: string, service?: string) => Promise<Uint8Array>;
type FormattedDate = { longDate: string; shortDate: string };

/**
 * @smithy/signature-v4's `SignatureV4`, made for one credentials object (a slot's, until they
 * rotate), so that what depends only on those credentials and the date is worked out once:
 *
 * - the derived signing key, once per day, region and service (`SignatureV4` otherwise computes an
 *   HMAC of the access key on every signature, just to look its key up in a module-wide cache);
 * - the formatted date, once per second.
 *
 * Canonicalizing, hashing and signing each request stay `SignatureV4`'s own. Credentials other
 * than its own (an event stream's) go through `SignatureV4` unchanged.
 *
 * @internal
 * @example
 * ```ts
 * const signer = new PerCredentialsSignatureV4({ credentials: slot.current()!, region: "eu-west-1", service: "dynamodb", sha256: Sha256 });
 * await signer.sign(request, { signingDate: new Date() });
 * ```
 */
export class PerCredentialsSignatureV4 extends SignatureV4 {
  // Private, so inspecting the signer never shows the secrets (SignatureV4 keeps them in a closure).
  readonly #credentials: AwsCredentialIdentity;
  #key: { region: string; shortDate: string; service: string | undefined; key: Promise<Uint8Array> } | undefined;
  #date: { second: number; formatted: FormattedDate } | undefined;

  constructor(init: SignatureV4Init & SignatureV4CryptoInit & { credentials: AwsCredentialIdentity }) {
    super(init);
    this.#credentials = init.credentials;
  }

  protected override formatDate(now: DateInput): FormattedDate {
    const time = now instanceof Date ? now.getTime() : NaN;
    if (!Number.isFinite(time)) return super.formatDate(now);
    const second = Math.floor(time / 1000);
    if (this.#date?.second !== second) this.#date = { second, formatted: Object.freeze(super.formatDate(now)) };
    return this.#date.formatted;
  }

  static {
    // `getSigningKey` is private in SignatureV4's types only (the SDK's own SignatureV4S3Express
    // reaches its private members the same way), hence the casts. Should a later version rename
    // it, this override is never called and every signature derives its key as before.
    const derive = (SignatureV4.prototype as unknown as { getSigningKey: SigningKeyOf }).getSigningKey;
    (PerCredentialsSignatureV4.prototype as unknown as { getSigningKey: SigningKeyOf }).getSigningKey = function (
      this: PerCredentialsSignatureV4,
      credentials,
      region,
      shortDate,
      service,
    ) {
      if (credentials !== this.#credentials) return derive.call(this, credentials, region, shortDate, service);
      const last = this.#key;
      if (last !== undefined && last.shortDate === shortDate && last.region === region && last.service === service) return last.key;
      const key = derive.call(this, credentials, region, shortDate, service);
      this.#key = { region, shortDate, service, key };
      // A failed derivation is not kept: the next signature tries again.
      key.catch(() => {
        if (this.#key?.key === key) this.#key = undefined;
      });
      return key;
    };
  }
}
