import type { IncomingRequest } from "../incomingRequest.js";

/** STS speaks the AWS Query protocol: parameters come form-encoded in the body, or in the query. */
export function stsParams(request: IncomingRequest): URLSearchParams {
  const params = new URLSearchParams(request.rawQuery);
  const contentType = request.headers["content-type"] ?? "";
  if (request.method === "POST" && contentType.startsWith("application/x-www-form-urlencoded")) {
    for (const [key, value] of new URLSearchParams(request.body.toString("utf8"))) params.append(key, value);
  }
  return params;
}

/** A request is for STS when it is a Query-protocol call with an `Action`. */
export function isStsRequest(request: IncomingRequest): boolean {
  if (request.rawPath !== "/") return false;
  if (request.headers["x-amz-target"]) return false;
  return stsParams(request).has("Action");
}

/** The claims the emulator reports back from a JWT web identity token (unverified, as a test double). */
export function tokenClaims(token: string): { sub?: string; aud?: string; iss?: string } {
  const payload = token.split(".")[1];
  if (!payload) return {};
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : undefined);
    return { sub: text(claims.sub), aud: text(claims.aud), iss: text(claims.iss) };
  } catch {
    return {};
  }
}
