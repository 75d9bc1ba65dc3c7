import type { HttpRequest } from "@smithy/types";

/**
 * Set on an attempt's `signingProperties` to the access key id it was signed with, when that key
 * came from a slot. A well-known symbol, so `@awscreds/sign-trace` can tell slot-signed attempts
 * apart without importing us.
 */
export const SIGNED_WITH_SLOT_KEY: unique symbol = Symbol.for("@awscreds/core.signedWithSlotKey");

const CREDENTIAL = /Credential=([^/,\s]+)\//;

/**
 * The access key id a signed request carries (SigV4 and SigV4a `authorization` headers), or
 * `undefined` for an unsigned request or another scheme. Read from the request the signer
 * produced, so it names the key actually used, whoever signed.
 *
 * @internal
 * @example
 * ```ts
 * signedKeyId(request); // "ASIA…" from "AWS4-HMAC-SHA256 Credential=ASIA…/20260101/…"
 * ```
 */
export function signedKeyId(request: HttpRequest): string | undefined {
  const authorization = request.headers.authorization ?? request.headers.Authorization;
  return typeof authorization === "string" ? CREDENTIAL.exec(authorization)?.[1] : undefined;
}
