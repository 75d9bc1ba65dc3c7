import type { IncomingRequest } from "../incomingRequest.js";
import { queryParam } from "../incomingRequest.js";

/** What a request claims about its SigV4 signature, from the header or a presigned URL. */
export interface ClaimedSignature {
  readonly algorithm: string;
  readonly accessKeyId: string;
  readonly scopeDate: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  /** `x-amz-date`, e.g. `20261124T023313Z`. */
  readonly amzDate: string;
  readonly sessionToken?: string;
  /** Presigned URLs only: seconds the URL stays valid. */
  readonly expiresIn?: number;
  readonly presigned: boolean;
}

export type ParseResult = { kind: "unsigned" } | { kind: "malformed"; reason: string } | { kind: "signed"; claim: ClaimedSignature };

function parseCredential(credential: string) {
  const parts = credential.split("/");
  if (parts.length !== 5) return undefined;
  const [accessKeyId, scopeDate, region, service, terminator] = parts as [string, string, string, string, string];
  return { accessKeyId, scopeDate, region, service, terminator };
}

function fromHeader(request: IncomingRequest, authorization: string): ParseResult {
  const space = authorization.indexOf(" ");
  if (space === -1) return { kind: "malformed", reason: "Authorization header requires an algorithm and its parameters." };
  const algorithm = authorization.slice(0, space);
  const params = new Map<string, string>();
  for (const part of authorization.slice(space + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq !== -1) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = parseCredential(params.get("Credential") ?? "");
  const signedHeaders = params.get("SignedHeaders");
  const signature = params.get("Signature");
  const amzDate = request.headers["x-amz-date"];
  if (!credential || !signedHeaders || !signature) {
    return {
      kind: "malformed",
      reason: "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.",
    };
  }
  if (!amzDate) return { kind: "malformed", reason: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." };
  return {
    kind: "signed",
    claim: {
      algorithm,
      ...credential,
      signedHeaders: signedHeaders.split(";"),
      signature,
      amzDate,
      sessionToken: request.headers["x-amz-security-token"],
      presigned: false,
    },
  };
}

function fromQuery(request: IncomingRequest, algorithm: string): ParseResult {
  const credential = parseCredential(queryParam(request, "X-Amz-Credential") ?? "");
  const signedHeaders = queryParam(request, "X-Amz-SignedHeaders");
  const signature = queryParam(request, "X-Amz-Signature");
  const amzDate = queryParam(request, "X-Amz-Date");
  const expires = Number(queryParam(request, "X-Amz-Expires"));
  if (!credential || !signedHeaders || !signature || !amzDate || !Number.isInteger(expires)) {
    return {
      kind: "malformed",
      reason: "Query-string authentication requires X-Amz-Credential, X-Amz-SignedHeaders, X-Amz-Signature, X-Amz-Date and X-Amz-Expires.",
    };
  }
  return {
    kind: "signed",
    claim: {
      algorithm,
      ...credential,
      signedHeaders: signedHeaders.split(";"),
      signature,
      amzDate,
      sessionToken: queryParam(request, "X-Amz-Security-Token"),
      expiresIn: expires,
      presigned: true,
    },
  };
}

/** Finds the signature a request carries, in its `Authorization` header or its query string. */
export function parseSignature(request: IncomingRequest): ParseResult {
  const authorization = request.headers["authorization"];
  if (authorization) return fromHeader(request, authorization);
  const algorithm = queryParam(request, "X-Amz-Algorithm");
  if (algorithm) return fromQuery(request, algorithm);
  return { kind: "unsigned" };
}
