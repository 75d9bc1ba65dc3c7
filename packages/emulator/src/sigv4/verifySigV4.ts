import { createHmac, timingSafeEqual } from "node:crypto";
import { parseAmzDate } from "../amzDate.js";
import { AwsError, authErrors, type ServiceName } from "../awsError.js";
import type { IncomingRequest } from "../incomingRequest.js";
import { queryParam } from "../incomingRequest.js";
import type { EmulatorKey, KeyStore } from "../keyStore.js";
import { canonicalRequest, sha256Hex } from "./canonicalRequest.js";
import { parseSignature, type ClaimedSignature } from "./parseSignature.js";

/** AWS rejects header-signed requests whose `x-amz-date` is more than 15 minutes off. */
export const MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/** What the service side concluded about one request's signature. */
export interface AuthOutcome {
  readonly key?: EmulatorKey;
  readonly accessKeyId?: string;
  /** The signature matched the one computed from the key's secret. */
  readonly signatureValid: boolean;
  /** The key exists and its expiration has passed on the emulator's clock. */
  readonly keyExpired: boolean;
  readonly signingRegion?: string;
  readonly presigned: boolean;
  /** Set when the request must be rejected. */
  readonly error?: AwsError;
  /** The canonical request the server computed, to debug a mismatch. */
  readonly canonicalRequest?: string;
}

export interface VerifyContext {
  readonly service: ServiceName;
  readonly keys: KeyStore;
  readonly now: number;
  /** When set, a signature scoped to another region is rejected. */
  readonly region?: string;
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

function signatureFor(key: EmulatorKey, claim: ClaimedSignature, canonical: string): string {
  const scope = `${claim.scopeDate}/${claim.region}/${claim.service}/${claim.terminator}`;
  const stringToSign = ["AWS4-HMAC-SHA256", claim.amzDate, scope, sha256Hex(canonical)].join("\n");
  let signingKey = hmac(`AWS4${key.secretAccessKey}`, claim.scopeDate);
  for (const part of [claim.region, claim.service, claim.terminator]) signingKey = hmac(signingKey, part);
  return hmac(signingKey, stringToSign).toString("hex");
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * The payload hash to sign with. Other services hash the body they received (a declared
 * `x-amz-content-sha256` is just another signed header); S3 signs the declared value and
 * rejects a hex one that does not match the body.
 */
function payloadHash(request: IncomingRequest, claim: ClaimedSignature, service: ServiceName): string | AwsError {
  const actual = sha256Hex(request.body);
  if (service !== "s3") return actual;
  const declared = claim.presigned
    ? (queryParam(request, "X-Amz-Content-Sha256") ?? "UNSIGNED-PAYLOAD")
    : request.headers["x-amz-content-sha256"];
  if (declared === undefined) return new AwsError("InvalidRequest", "Missing required header for this request: x-amz-content-sha256", 400);
  if (declared === "UNSIGNED-PAYLOAD" || declared.startsWith("STREAMING-")) return declared;
  if (!/^[0-9a-f]{64}$/.test(declared)) return new AwsError("InvalidArgument", `x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-* or the payload's hex SHA-256, not '${declared}'.`, 400);
  return declared === actual
    ? declared
    : new AwsError("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", 400);
}

/** Checks the claim's shape, scope and time; returns the first fault, as AWS would report it. */
function claimFault(claim: ClaimedSignature, context: VerifyContext): AwsError | undefined {
  const { service, now } = context;
  if (claim.algorithm !== "AWS4-HMAC-SHA256") {
    return authErrors.malformed(service, `Unsupported signing algorithm '${claim.algorithm}'; the emulator verifies AWS4-HMAC-SHA256.`);
  }
  if (claim.terminator !== "aws4_request") return authErrors.malformed(service, "Credential should be scoped with a valid terminator: 'aws4_request'.");
  if (claim.service !== service) return authErrors.malformed(service, `Credential should be scoped to correct service: '${service}'.`);
  if (context.region !== undefined && claim.region !== context.region) {
    return authErrors.malformed(service, `Credential should be scoped to a valid region, not '${claim.region}'. Expected '${context.region}'.`);
  }
  if (!claim.signedHeaders.includes("host")) return authErrors.malformed(service, "'Host' must be a signed header.");
  const signedAt = parseAmzDate(claim.amzDate);
  if (signedAt === undefined) return authErrors.malformed(service, `X-Amz-Date '${claim.amzDate}' is not in the ISO-8601 basic format.`);
  if (claim.scopeDate !== claim.amzDate.slice(0, 8)) {
    return authErrors.malformed(service, `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${claim.scopeDate}' != '${claim.amzDate.slice(0, 8)}'.`);
  }
  if (claim.presigned) {
    const expiresIn = claim.expiresIn ?? 0;
    if (expiresIn < 1 || expiresIn > MAX_PRESIGN_SECONDS) {
      return new AwsError("AuthorizationQueryParametersError", "X-Amz-Expires must be between 1 and 604800 seconds.", 400);
    }
    if (now > signedAt + expiresIn * 1000) return new AwsError("AccessDenied", "Request has expired", 403);
    if (signedAt > now + MAX_SKEW_MS) return new AwsError("AccessDenied", "Request is not yet valid", 403);
  } else if (Math.abs(now - signedAt) > MAX_SKEW_MS) {
    return authErrors.skewed(service, claim.amzDate, now, signedAt > now);
  }
  return undefined;
}

/**
 * Verifies a request's SigV4 signature as the service would: canonical request from the
 * signed headers, payload hash, credential scope, session token, clock skew and key expiry.
 */
export function verifySigV4(request: IncomingRequest, context: VerifyContext): AuthOutcome {
  const { service, now } = context;
  const parsed = parseSignature(request);
  if (parsed.kind === "unsigned") return { signatureValid: false, keyExpired: false, presigned: false, error: authErrors.missingAuthentication(service) };
  if (parsed.kind === "malformed") return { signatureValid: false, keyExpired: false, presigned: false, error: authErrors.malformed(service, parsed.reason) };

  const { claim } = parsed;
  const key = context.keys.get(claim.accessKeyId);
  const hash = payloadHash(request, claim, service);
  const canonical = typeof hash === "string" ? canonicalRequest(request, claim.service, claim.signedHeaders, hash) : undefined;
  const signatureValid = key !== undefined && canonical !== undefined && sameHex(signatureFor(key, claim, canonical), claim.signature);
  const keyExpired = key?.expiration !== undefined && now >= key.expiration;
  const outcome = {
    key,
    accessKeyId: claim.accessKeyId,
    signatureValid,
    keyExpired,
    signingRegion: claim.region,
    presigned: claim.presigned,
    canonicalRequest: canonical,
  };

  const error =
    claimFault(claim, context) ??
    (key === undefined ? authErrors.unknownKey(service) : undefined) ??
    (key !== undefined && key.sessionToken !== claim.sessionToken ? authErrors.invalidToken(service) : undefined) ??
    (keyExpired ? authErrors.expiredToken(service) : undefined) ??
    (typeof hash !== "string" ? hash : undefined) ??
    (signatureValid ? undefined : authErrors.signatureMismatch(service, canonical ? { CanonicalRequest: canonical } : {}));
  return error ? { ...outcome, error } : outcome;
}
