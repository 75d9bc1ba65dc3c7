import { createHash } from "node:crypto";
import type { IncomingRequest } from "../incomingRequest.js";

// The server side of SigV4, written from the published specification so that it checks the
// SDK's signer independently rather than re-running the same code.

/** RFC 3986 encoding as SigV4 wants it: encodeURIComponent plus `!'()*`. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * S3 signs the path as sent. Every other service normalizes it (drops empty, `.` and `..`
 * segments) and encodes it a second time.
 */
export function canonicalUri(rawPath: string, service: string): string {
  if (service === "s3") return rawPath;
  const segments: string[] = [];
  for (const segment of rawPath.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && rawPath.endsWith("/") ? "/" : "";
  const normalized = `${rawPath.startsWith("/") ? "/" : ""}${segments.join("/")}${trailing}`;
  return uriEncode(normalized).replace(/%2F/g, "/");
}

/** Sorted, encoded `key=value` pairs; the presigned signature itself is not part of it. */
export function canonicalQuery(query: ReadonlyArray<readonly [string, string]>): string {
  return query
    .filter(([key]) => key !== "X-Amz-Signature")
    .map(([key, value]) => [uriEncode(key), uriEncode(value)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
}

/** `name:value\n` for each signed header, values trimmed with inner runs of spaces folded. */
export function canonicalHeaders(headers: Readonly<Record<string, string>>, signedHeaders: readonly string[]): string {
  return signedHeaders
    .map((name) => `${name}:${(headers[name] ?? "").replace(/[\r\n]/g, " ").replace(/[ \t]+/g, " ").trim()}\n`)
    .join("");
}

export function canonicalRequest(
  request: IncomingRequest,
  service: string,
  signedHeaders: readonly string[],
  payloadHash: string,
): string {
  return [
    request.method,
    canonicalUri(request.rawPath, service),
    canonicalQuery(request.query),
    canonicalHeaders(request.headers, signedHeaders),
    signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
}
