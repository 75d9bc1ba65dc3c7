import type { AwsCredentialIdentity } from "@smithy/types";
import { InvalidCredentialsError } from "../errors.js";
import { isUsable } from "./refreshPolicy.js";
import type { RefreshPolicyOptions } from "./resolveRefreshPolicy.js";

const nonEmpty = (v: unknown): v is string => typeof v === "string" && v.length > 0;

/**
 * Checks what a credential source returned and makes the read-only copy the slot hands out, so
 * credentials are replaced as a whole and nobody can mutate them piecemeal. Keeps `accountId`
 * and `credentialScope` when present. Messages name the access key id at most, never a secret.
 *
 * @throws {@link InvalidCredentialsError} when the key id or secret is missing, `expiration` is
 *   not a valid Date, or the credentials are not usable at `now` (expired or inside `expiryMargin`).
 * @internal
 * @example
 * ```ts
 * const creds = validateCredentials(await source(signal), Date.now(), DEFAULT_REFRESH_POLICY);
 * ```
 */
export function validateCredentials(raw: unknown, now: number, policy: RefreshPolicyOptions): AwsCredentialIdentity {
  if (typeof raw !== "object" || raw === null) {
    throw new InvalidCredentialsError(`the credential source returned ${raw === null ? "null" : typeof raw}, not credentials; it must resolve to { accessKeyId, secretAccessKey, ... }`);
  }
  const c = raw as Partial<Record<keyof AwsCredentialIdentity, unknown>>;
  if (!nonEmpty(c.accessKeyId)) {
    throw new InvalidCredentialsError("the credential source returned credentials without an accessKeyId");
  }
  const id = c.accessKeyId;
  if (!nonEmpty(c.secretAccessKey)) {
    throw new InvalidCredentialsError(`the credential source returned credentials ${id} without a secretAccessKey`);
  }
  if (c.sessionToken !== undefined && typeof c.sessionToken !== "string") {
    throw new InvalidCredentialsError(`the credential source returned credentials ${id} with a sessionToken that is not a string`);
  }
  let expiration: Date | undefined;
  if (c.expiration !== undefined) {
    if (!(c.expiration instanceof Date) || !Number.isFinite(c.expiration.getTime())) {
      throw new InvalidCredentialsError(`the credential source returned credentials ${id} whose expiration is not a valid Date`);
    }
    expiration = new Date(c.expiration.getTime());
  }
  if (!isUsable({ expiration }, now, policy)) {
    throw new InvalidCredentialsError(
      `the credential source returned credentials ${id} that expire at ${expiration?.toISOString()}, ` +
        `already past (or within expiryMargin ${policy.expiryMargin} ms of) now ${new Date(now).toISOString()}; check the host clock and the source`,
    );
  }
  return readOnly({
    accessKeyId: id,
    secretAccessKey: c.secretAccessKey,
    ...(c.sessionToken !== undefined && { sessionToken: c.sessionToken }),
    ...(expiration !== undefined && { expiration }),
    ...(typeof c.accountId === "string" && { accountId: c.accountId }),
    ...(typeof c.credentialScope === "string" && { credentialScope: c.credentialScope }),
  });
}

/**
 * Makes every field read-only (credentials are replaced as a whole, never piecemeal) but keeps
 * the object extensible, not frozen: the SDK tags credentials it is given with a `$source`
 * property, so a frozen object passed as a client's static `credentials` would crash it.
 */
function readOnly(credentials: AwsCredentialIdentity): AwsCredentialIdentity {
  for (const key of Object.keys(credentials)) Object.defineProperty(credentials, key, { writable: false, configurable: false });
  return credentials;
}
