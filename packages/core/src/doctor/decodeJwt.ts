import type { DoctorJwtClaims, DoctorNotJwt } from "./doctorReport.js";

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function decodePart(part: string): Record<string, unknown> | undefined {
  if (!BASE64URL.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const seconds = (value: unknown): string | undefined => (typeof value === "number" && Number.isFinite(value) ? new Date(value * 1000).toISOString() : undefined);
const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

function audience(value: unknown): string | readonly string[] | undefined {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
  return undefined;
}

/**
 * The claims an operator checks in a service-account token (`exp`, `iat`, `nbf`, `aud`, `sub`,
 * `iss`, and the header's `alg`), decoded from a JWT without verifying it. Only those claims come
 * out, never the token or its signature; anything that is not three base64url parts with JSON
 * objects for header and payload is "not a JWT", with the reason.
 *
 * @example
 * ```ts
 * decodeJwt(readFileSync(tokenFile, "ascii"), Date.now()); // { isJwt: true, exp: "2025-…Z", expiresInMs: 80_000_000, aud: "sts.amazonaws.com", … }
 * decodeJwt("not-a-token", Date.now()); // { isJwt: false, reason: "1 part separated by '.', a JWT has 3" }
 * ```
 */
export function decodeJwt(token: string, now: number): DoctorJwtClaims | DoctorNotJwt {
  const trimmed = token.trim();
  if (trimmed === "") return { isJwt: false, reason: "the file is empty" };
  const parts = trimmed.split(".");
  if (parts.length !== 3) return { isJwt: false, reason: `${parts.length} part${parts.length === 1 ? "" : "s"} separated by '.', a JWT has 3` };
  const [headerPart, payloadPart] = parts as [string, string, string];
  const header = decodePart(headerPart);
  if (header === undefined) return { isJwt: false, reason: "its header is not base64url-encoded JSON" };
  const payload = decodePart(payloadPart);
  if (payload === undefined) return { isJwt: false, reason: "its payload is not base64url-encoded JSON" };
  const exp = seconds(payload.exp);
  const claims: DoctorJwtClaims = {
    isJwt: true,
    alg: text(header.alg),
    exp,
    expiresInMs: exp === undefined ? undefined : Date.parse(exp) - now,
    iat: seconds(payload.iat),
    nbf: seconds(payload.nbf),
    aud: audience(payload.aud),
    sub: text(payload.sub),
    iss: text(payload.iss),
  };
  // Drop absent claims, so the JSON report shows only what the token has.
  return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined)) as unknown as DoctorJwtClaims;
}
