import type { IncomingMessage, ServerResponse } from "node:http";
import { AwsError, type ServiceName } from "./awsError.js";
import { dynamoDbOperation } from "./dynamodb/index.js";
import type { EmulatorState } from "./emulatorState.js";
import { readIncomingRequest, type IncomingRequest } from "./incomingRequest.js";
import { drawLatency } from "./options.js";
import type { ContainerCallRecord, ServiceRequestRecord, StsCallRecord } from "./records.js";
import { errorReply, newRequestId, requestIdHeaders, type Reply } from "./reply.js";
import { lambdaOperation } from "./lambda/index.js";
import { s3Operation } from "./s3/index.js";
import { serviceFaultError } from "./serviceFaultError.js";
import { verifySigV4, type AuthOutcome } from "./sigv4/index.js";
import { CREDENTIAL_ACTIONS, handleSts } from "./sts/index.js";
import { isStsRequest, stsParams } from "./sts/index.js";
import { handleControl } from "./controlApi.js";
import { containerEndpoint, type ContainerEndpoint } from "./container/index.js";
import { handleContainer } from "./container/index.js";

function send(state: EmulatorState, res: ServerResponse, service: ServiceName, requestId: string, reply: Reply): void {
  if (res.destroyed) return;
  const body = reply.body ?? "";
  res.writeHead(reply.status, {
    ...requestIdHeaders(service, requestId),
    // The SDK corrects clock skew from this header, so it must come from the emulator's clock.
    date: new Date(state.now()).toUTCString(),
    "content-length": String(Buffer.byteLength(body)),
    ...reply.headers,
  });
  res.end(body);
}

function asReply(service: ServiceName, error: unknown, requestId: string, method: string): { reply: Reply; code: string } {
  const aws = error instanceof AwsError ? error : new AwsError("InternalError", `Emulator bug: ${String(error)}`, 500);
  return { reply: errorReply(service, aws, requestId, method), code: aws.code };
}

/** The fields of a request record that signature verification decides. */
function authFields({ accessKeyId, signatureValid, keyExpired, presigned, signingRegion }: AuthOutcome) {
  return { accessKeyId, signatureValid, keyExpired, presigned, signingRegion };
}

function serviceOf(request: IncomingRequest): ServiceName {
  if (dynamoDbOperation(request.headers["x-amz-target"])) return "dynamodb";
  if (lambdaOperation(request)) return "lambda";
  return isStsRequest(request) ? "sts" : "s3";
}

async function routeSts(state: EmulatorState, request: IncomingRequest, res: ServerResponse, requestId: string): Promise<void> {
  const params = stsParams(request);
  const action = params.get("Action") ?? "";
  const isCredentialCall = CREDENTIAL_ACTIONS.has(action);
  const durationSeconds = params.get("DurationSeconds");
  const record: StsCallRecord = {
    at: state.now(),
    durationMs: undefined,
    action,
    outcome: "pending",
    roleArn: params.get("RoleArn") ?? undefined,
    roleSessionName: params.get("RoleSessionName") ?? undefined,
    durationSeconds: durationSeconds === null ? undefined : Number(durationSeconds),
    webIdentityToken: params.get("WebIdentityToken") ?? undefined,
  };
  state.records.stsCalls.push(record);
  const started = performance.now();
  const mode = isCredentialCall ? (state.stsFaults.shift() ?? state.settings.sts.mode) : "ok";
  const latencyMs = drawLatency(isCredentialCall ? state.settings.sts.latencyMs : state.settings.service.latencyMs);
  await state.sleep(latencyMs);

  let auth: AuthOutcome | undefined;
  const authenticate = () => (auth ??= verifySigV4(request, { service: "sts", keys: state.keys, now: state.now(), region: state.settings.region }));

  const answer = (modeNow: typeof mode) => {
    let reply: Reply;
    try {
      // Injected service faults hit signed STS calls (GetCallerIdentity) once they authenticate.
      const fault = !isCredentialCall && !authenticate().error ? state.takeServiceFault("sts") : undefined;
      if (fault) throw serviceFaultError(fault, "sts");
      const result = handleSts(action, params, { now: state.now(), settings: state.settings, keys: state.keys, requestId, mode: modeNow, authenticate });
      if ("hang" in result) {
        record.outcome = "hung";
        state.hold(res, () => answer(state.settings.sts.mode));
        return;
      }
      Object.assign(record, result.record);
      record.outcome = result.record.outcome ?? "ok";
      reply = result.reply;
    } catch (error) {
      const failed = asReply("sts", error, requestId, request.method);
      record.outcome = failed.code;
      reply = failed.reply;
    }
    send(state, res, "sts", requestId, reply);
    record.durationMs = performance.now() - started;
    if (auth) {
      state.records.requests.push({
        at: record.at,
        durationMs: record.durationMs,
        service: "sts",
        operation: action,
        ...authFields(auth),
        latencyMs,
        status: reply.status,
        errorCode: record.outcome === "ok" ? undefined : record.outcome,
      });
    }
  };
  answer(mode);
}

/** One call to the container credentials endpoint; only GETs take an injected fault and the latency. */
async function routeContainer(state: EmulatorState, endpoint: ContainerEndpoint, request: IncomingRequest, res: ServerResponse, requestId: string): Promise<void> {
  const record: ContainerCallRecord = {
    at: state.now(),
    durationMs: undefined,
    method: request.method,
    path: request.rawPath,
    authorization: request.headers["authorization"],
    outcome: "pending",
  };
  state.records.containerCalls.push(record);
  const started = performance.now();
  const isGet = request.method === "GET";
  const mode = isGet ? (state.containerFaults.shift() ?? state.settings.container.mode) : "ok";
  if (isGet) await state.sleep(drawLatency(state.settings.container.latencyMs));

  const answer = (modeNow: typeof mode) => {
    const settings = state.settings.container;
    const result = handleContainer(request, endpoint, { now: state.now(), settings, keys: state.keys, accountId: state.accountId, mode: modeNow });
    if ("hang" in result) {
      record.outcome = "hung";
      state.hold(res, () => answer(state.settings.container.mode));
      return;
    }
    Object.assign(record, result.record);
    send(state, res, "sts", requestId, result.reply);
    record.durationMs = performance.now() - started;
  };
  answer(mode);
}

type SignedService = Exclude<ServiceName, "sts">;

/** The operation name for records, and the handler that answers it. */
function signedHandler(state: EmulatorState, service: SignedService, request: IncomingRequest): { operation: string; handle: (now: number) => Reply } {
  switch (service) {
    case "dynamodb": {
      const operation = dynamoDbOperation(request.headers["x-amz-target"]) as string;
      return { operation, handle: (now) => state.dynamodb.handle(operation, request.body, now) };
    }
    case "lambda": {
      const operation = lambdaOperation(request) as string;
      return { operation, handle: () => state.lambda.handle(operation, request) };
    }
    case "s3":
      return { operation: s3Operation(request), handle: (now) => state.s3.handle(request, now) };
  }
}

async function routeSigned(state: EmulatorState, service: SignedService, request: IncomingRequest, res: ServerResponse, requestId: string): Promise<void> {
  const at = state.now();
  const started = performance.now();
  const { operation, handle } = signedHandler(state, service, request);
  const latencyMs = drawLatency(state.settings.service.latencyMs);
  await state.sleep(latencyMs);
  const now = state.now();
  const auth = verifySigV4(request, { service, keys: state.keys, now, region: state.settings.region });
  let reply: Reply;
  let errorCode: string | undefined;
  try {
    if (auth.error) throw auth.error;
    const fault = state.takeServiceFault(service);
    if (fault) throw serviceFaultError(fault, service);
    reply = handle(now);
  } catch (error) {
    const failed = asReply(service, error, requestId, request.method);
    reply = failed.reply;
    errorCode = failed.code;
  }
  send(state, res, service, requestId, reply);
  const record: ServiceRequestRecord = {
    at,
    durationMs: performance.now() - started,
    service,
    operation,
    ...authFields(auth),
    latencyMs,
    status: reply.status,
    errorCode,
  };
  state.records.requests.push(record);
}

/** Reads one HTTP request and hands it to the service it is for. Never throws. */
export async function route(state: EmulatorState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = newRequestId();
  let request: IncomingRequest;
  try {
    request = await readIncomingRequest(req);
  } catch (error) {
    send(state, res, "s3", requestId, asReply("s3", error, requestId, req.method ?? "GET").reply);
    return;
  }
  if (request.rawPath.startsWith("/__emulator/")) {
    send(state, res, "sts", requestId, handleControl(state, request));
    return;
  }
  // Before S3: path-style S3 would read GET /v1/credentials as bucket "v1", key "credentials".
  const container = containerEndpoint(request.rawPath);
  if (container) {
    await routeContainer(state, container, request, res, requestId);
    return;
  }
  const service = serviceOf(request);
  if (service === "sts") await routeSts(state, request, res, requestId);
  else await routeSigned(state, service, request, res, requestId);
}
