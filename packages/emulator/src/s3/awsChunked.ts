import { AwsError } from "../awsError.js";

/**
 * Decodes an `aws-chunked` body with unsigned chunks (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`),
 * which the SDK sends for streamed uploads with a trailing checksum.
 */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf("\r\n", offset);
    if (lineEnd === -1) throw new AwsError("IncompleteBody", "The aws-chunked body ended before its final chunk.", 400);
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString("latin1").split(";")[0] ?? "", 16);
    if (!Number.isFinite(size)) throw new AwsError("InvalidRequest", "An aws-chunked chunk size is not hexadecimal.", 400);
    offset = lineEnd + 2;
    if (size === 0) return Buffer.concat(parts); // trailers (checksums) follow; the emulator ignores them
    parts.push(body.subarray(offset, offset + size));
    offset += size + 2;
  }
}
