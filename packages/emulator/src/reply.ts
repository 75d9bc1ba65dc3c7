import { randomBytes } from "node:crypto";
import type { AwsError, ServiceName } from "./awsError.js";
import { escapeXml, xmlFields } from "./xml.js";

/** What a service handler answers; the router adds request ids and the `Date` header. */
export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

export const STS_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";

export function newRequestId(): string {
  const hex = randomBytes(16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The request-id headers each protocol's deserializer reads into `$metadata.requestId`. */
export function requestIdHeaders(service: ServiceName, requestId: string): Record<string, string> {
  if (service === "s3") return { "x-amz-request-id": requestId, "x-amz-id-2": Buffer.from(requestId).toString("base64") };
  return { "x-amzn-requestid": requestId };
}

export function jsonReply(body: unknown, status = 200): Reply {
  return { status, headers: { "content-type": "application/x-amz-json-1.0" }, body: JSON.stringify(body) };
}

export function xmlReply(body: string, status = 200): Reply {
  return { status, headers: { "content-type": "text/xml" }, body };
}

/** Renders an error in the wire format the service's SDK client parses. */
export function errorReply(service: ServiceName, error: AwsError, requestId: string, method: string): Reply {
  if (service === "dynamodb") {
    return jsonReply({ __type: `${error.jsonNamespace}#${error.code}`, message: error.message }, error.status);
  }
  if (service === "lambda") {
    // REST-JSON: the code travels in x-amzn-ErrorType.
    const body = JSON.stringify({ Type: error.senderFault ? "User" : "Service", message: error.message });
    return { status: error.status, headers: { "content-type": "application/json", "x-amzn-errortype": error.code }, body };
  }
  if (service === "s3") {
    if (method === "HEAD") return { status: error.status };
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error>` +
      xmlFields({ Code: error.code, Message: error.message, ...error.fields, RequestId: requestId }) +
      `</Error>`;
    return { status: error.status, headers: { "content-type": "application/xml" }, body };
  }
  return xmlReply(
    `<ErrorResponse xmlns="${STS_XMLNS}"><Error><Type>${error.senderFault ? "Sender" : "Receiver"}</Type>` +
      `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`,
    error.status,
  );
}
