import type { IncomingMessage } from "node:http";
import { AwsError } from "./awsError.js";

/** An HTTP request as the emulator's services see it: raw path and query kept for SigV4. */
export interface IncomingRequest {
  readonly method: string;
  /** The path exactly as sent (still percent-encoded), which S3 signs as-is. */
  readonly rawPath: string;
  /** The query string exactly as sent, without the leading `?`. */
  readonly rawQuery: string;
  /** Decoded query parameters, in order. */
  readonly query: ReadonlyArray<readonly [string, string]>;
  /** Lower-case names; repeated headers joined with `, ` as SigV4 expects. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Decodes one query component; `+` stays literal because SigV4 clients encode spaces as `%20`. */
function decodeComponent(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function parseQuery(rawQuery: string): Array<[string, string]> {
  if (rawQuery === "") return [];
  return rawQuery.split("&").map((pair) => {
    const eq = pair.indexOf("=");
    return eq === -1 ? [decodeComponent(pair), ""] : [decodeComponent(pair.slice(0, eq)), decodeComponent(pair.slice(eq + 1))];
  });
}

export function queryParam(request: IncomingRequest, name: string): string | undefined {
  return request.query.find(([key]) => key === name)?.[1];
}

/** Reads the whole body of a Node request into an {@link IncomingRequest}. */
export async function readIncomingRequest(req: IncomingMessage): Promise<IncomingRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new AwsError("EntityTooLarge", "The emulator accepts bodies of at most 64 MiB.", 400);
    chunks.push(chunk as Buffer);
  }
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const rawPath = q === -1 ? url : url.slice(0, q);
  const rawQuery = q === -1 ? "" : url.slice(q + 1);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return { method: req.method ?? "GET", rawPath, rawQuery, query: parseQuery(rawQuery), headers, body: Buffer.concat(chunks) };
}
