import { toIsoSeconds } from "../amzDate.js";
import { AwsError } from "../awsError.js";
import type { IncomingRequest } from "../incomingRequest.js";
import { randomKeyId, type EmulatorKey, type KeyStore } from "../keyStore.js";
import type { ContainerMode, EmulatorSettings } from "../options.js";
import type { ContainerCallRecord } from "../records.js";
import type { Reply } from "../reply.js";
import type { ContainerEndpoint } from "./containerEndpoint.js";
import { authorizationError, containerErrorReply, containerModeError, methodNotAllowed } from "./containerErrors.js";

export interface ContainerContext {
  readonly now: number;
  readonly settings: EmulatorSettings["container"];
  readonly keys: KeyStore;
  readonly accountId: string;
  /** The mode for this call: an injected one-off fault, or the configured mode. */
  readonly mode: ContainerMode;
}

export type ContainerResult =
  | { readonly hang: true }
  | { readonly reply: Reply; readonly record: Pick<ContainerCallRecord, "outcome" | "accessKeyId" | "expiration"> };

/** The role and session an endpoint's credentials belong to, as GetCallerIdentity reports them. */
function identity(endpoint: ContainerEndpoint): { roleName: string; sessionName: string } {
  if (endpoint.kind === "eksPodIdentity") return { roleName: "eks-pod-identity", sessionName: "eks-emulator-pod" };
  // ECS names the session after the task; keep the id within IAM's session-name alphabet.
  let id = endpoint.id;
  try {
    id = decodeURIComponent(id);
  } catch {
    // keep it encoded
  }
  const sessionName = id.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
  return { roleName: "ecs-task-role", sessionName: sessionName.length >= 2 ? sessionName : "ecs-task" };
}

function issue(endpoint: ContainerEndpoint, context: ContainerContext): EmulatorKey {
  const { roleName, sessionName } = identity(endpoint);
  return context.keys.issue({
    expiration: context.now + context.settings.credentialLifetimeSeconds * 1000,
    accountId: context.accountId,
    arn: `arn:aws:sts::${context.accountId}:assumed-role/${roleName}/${sessionName}`,
    userId: `${randomKeyId("AROA")}:${sessionName}`,
  });
}

/** The 200 answer `fromHttp` parses; `Expiration` is RFC 3339 to the second, left out in `noExpiration`. */
function credentialsReply(key: EmulatorKey, mode: ContainerMode): Reply {
  const body = {
    AccessKeyId: key.accessKeyId,
    SecretAccessKey: key.secretAccessKey,
    Token: key.sessionToken,
    AccountId: key.accountId,
    Expiration: mode === "noExpiration" || key.expiration === undefined ? undefined : toIsoSeconds(key.expiration),
  };
  return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

function answer(request: IncomingRequest, endpoint: ContainerEndpoint, context: ContainerContext): ContainerResult {
  if (request.method !== "GET") throw methodNotAllowed(request.method);
  if (context.mode === "hang") return { hang: true };
  const error = containerModeError(context.mode);
  if (error) throw error;
  if (context.mode === "garbage") {
    return { reply: { status: 200, headers: { "content-type": "application/json" }, body: "{{{this is not the JSON you are looking for" }, record: { outcome: "garbage" } };
  }
  const denied = authorizationError(request.headers["authorization"], context.settings.expectedAuthorizationToken);
  if (denied) throw denied;
  const key = issue(endpoint, context);
  return { reply: credentialsReply(key, context.mode), record: { outcome: "ok", accessKeyId: key.accessKeyId, expiration: key.expiration } };
}

/**
 * Answers one call to a container credentials endpoint: the configured (or injected) mode
 * first, then the authorization token, then fresh credentials in the KeyStore. Never throws:
 * errors become the JSON `{ Code, Message }` answers the SDK reads.
 */
export function handleContainer(request: IncomingRequest, endpoint: ContainerEndpoint, context: ContainerContext): ContainerResult {
  try {
    return answer(request, endpoint, context);
  } catch (error) {
    const aws = error instanceof AwsError ? error : new AwsError("InternalServerException", `Emulator bug: ${String(error)}`, 500);
    return { reply: containerErrorReply(aws), record: { outcome: aws.code } };
  }
}
