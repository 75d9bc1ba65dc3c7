/**
 * Whether a request body can be sent a second time: absent, a string, bytes or a Blob. A stream
 * (Node `Readable`, web `ReadableStream`, any async iterable) was consumed by the first send.
 *
 * @internal
 * @example
 * ```ts
 * isReplayableBody("{}"); // true
 * isReplayableBody(createReadStream("big.bin")); // false
 * ```
 */
export function isReplayableBody(body: unknown): boolean {
  if (body === undefined || body === null || typeof body === "string") return true;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return true;
  return typeof Blob !== "undefined" && body instanceof Blob;
}
