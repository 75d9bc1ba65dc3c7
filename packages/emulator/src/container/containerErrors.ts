import { AwsError } from "../awsError.js";
import type { ContainerMode } from "../options.js";
import type { Reply } from "../reply.js";

/** The error each failing container mode answers; `undefined` for the modes that answer 200 or hang. */
export function containerModeError(mode: ContainerMode): AwsError | undefined {
  switch (mode) {
    case "error5xx":
      return new AwsError("InternalServerException", "The credentials endpoint could not retrieve credentials. Please try again later.", 500);
    case "accessDenied":
      return new AwsError("AccessDeniedException", "The pod or task is not authorized to assume its role.", 403);
    default:
      return undefined;
  }
}

/** Checks the `Authorization` header against the expected token, never echoing either in the message. */
export function authorizationError(header: string | undefined, expected: string | undefined): AwsError | undefined {
  if (expected === undefined || header === expected) return undefined;
  const problem =
    header === undefined
      ? "The request has no Authorization header; this endpoint expects the container authorization token (AWS_CONTAINER_AUTHORIZATION_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)."
      : "The Authorization header does not match the expected container authorization token.";
  return new AwsError("AccessDeniedException", problem, 403);
}

/** Every method but GET: the endpoints serve credentials only. */
export function methodNotAllowed(method: string): AwsError {
  return new AwsError("MethodNotAllowed", `The container credentials endpoint answers GET only, not ${method}.`, 405);
}

/** The JSON error shape the SDK's `fromHttp` copies onto its error (`Code`, `Message`) for 4xx answers. */
export function containerErrorReply(error: AwsError): Reply {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (error.status === 405) headers["allow"] = "GET";
  return { status: error.status, headers, body: JSON.stringify({ Code: error.code, Message: error.message }) };
}
