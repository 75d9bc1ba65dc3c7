import type { HttpRequest } from "@smithy/types";

/**
 * Set on an attempt's `signingProperties` to the access key id it was signed with, when that key
 * came from a slot. A well-known symbol, so `@awscreds/sign-trace` can tell slot-signed attempts
 * apart without importing us.
 */
export const SIGNED_WITH_SLOT_KEY: unique symbol = Symbol.for("@awscreds/core.signedWithSlotKey");

const CREDENTIAL = "Credential=";
const SLASH = 0x2f;

/**
 * Whether a signed request carries `accessKeyId` (SigV4 and SigV4a `authorization` headers:
 * `… Credential=<key id>/<scope>, …`). Read from the request the signer produced, so it tells the
 * key actually used, whoever signed; an unsigned request or another scheme carries none. Compares
 * in place, without parsing the header: it runs on every signature.
 *
 * @internal
 * @example
 * ```ts
 * isSignedWithKey(request, "ASIAEXAMPLE"); // true for "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20260101/…"
 * ```
 */
export function isSignedWithKey(request: HttpRequest, accessKeyId: string): boolean {
  const authorization = request.headers.authorization ?? request.headers.Authorization;
  if (typeof authorization !== "string") return false;
  const at = authorization.indexOf(CREDENTIAL);
  if (at < 0) return false;
  const start = at + CREDENTIAL.length;
  return authorization.startsWith(accessKeyId, start) && authorization.charCodeAt(start + accessKeyId.length) === SLASH;
}
