import type { CredentialSource } from "./credentialSlotOptions.js";

/**
 * What a source says it is, for `stats().source`, log lines and `awscreds doctor`: e.g.
 * "web identity arn:aws:iam::123456789012:role/orders via https://sts.eu-west-1.amazonaws.com".
 * A source may carry a `description` (a string, or a getter for one that is decided late).
 *
 * @internal
 * @example
 * ```ts
 * describeSource(fromWebIdentity()); // "web identity arn:aws:iam::…:role/orders"
 * ```
 */
export function describeSource(source: CredentialSource): string | undefined {
  try {
    const description = (source as { description?: unknown }).description;
    return typeof description === "string" ? description : undefined;
  } catch {
    return undefined;
  }
}
