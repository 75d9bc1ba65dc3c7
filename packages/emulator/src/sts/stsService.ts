import { toIsoSeconds } from "../amzDate.js";
import { AwsError } from "../awsError.js";
import type { EmulatorKey, KeyStore } from "../keyStore.js";
import { randomKeyId } from "../keyStore.js";
import type { EmulatorSettings, StsMode } from "../options.js";
import type { StsCallRecord } from "../records.js";
import { STS_XMLNS, xmlReply, type Reply } from "../reply.js";
import type { AuthOutcome } from "../sigv4/index.js";
import { xmlFields } from "../xml.js";
import { stsModeError } from "./stsFaults.js";
import { tokenClaims } from "./stsParams.js";

export interface StsContext {
  readonly now: number;
  readonly settings: EmulatorSettings;
  readonly keys: KeyStore;
  readonly requestId: string;
  /** The mode for this call: an injected one-off fault, or the configured mode. */
  readonly mode: StsMode;
  /** Verifies the request's signature; only the signed actions call it. */
  readonly authenticate: () => AuthOutcome;
}

export type StsResult = { readonly hang: true } | { readonly reply: Reply; readonly record: Partial<StsCallRecord> };

/** The actions whose STS mode and latency settings apply: those that issue credentials. */
export const CREDENTIAL_ACTIONS = new Set(["AssumeRoleWithWebIdentity", "AssumeRole"]);

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

function validation(message: string): AwsError {
  return new AwsError("ValidationError", message, 400);
}

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (!value) {
    throw validation(`1 validation error detected: Value null at '${name[0]?.toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

function parseRole(roleArn: string): { accountId: string; roleName: string } {
  const match = ROLE_ARN.exec(roleArn);
  if (!match) throw validation(`Request ARN is invalid: '${roleArn}' is not an IAM role ARN such as arn:aws:iam::123456789012:role/my-role`);
  return { accountId: match[1] as string, roleName: match[2] as string };
}

function parseDuration(params: URLSearchParams, settings: EmulatorSettings): number | undefined {
  const raw = params.get("DurationSeconds");
  if (raw === null) return undefined;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 900) {
    throw validation(`1 validation error detected: Value '${raw}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`);
  }
  if (seconds > settings.sts.maxSessionDurationSeconds) {
    throw validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }
  return seconds;
}

function credentialsXml(key: EmulatorKey, mode: StsMode): string {
  const expiration = mode === "noExpiration" || key.expiration === undefined ? undefined : toIsoSeconds(key.expiration);
  return `<Credentials>${xmlFields({
    AccessKeyId: key.accessKeyId,
    SecretAccessKey: key.secretAccessKey,
    SessionToken: key.sessionToken,
    Expiration: expiration,
  })}</Credentials>`;
}

/** Issues a session for the role, on the emulator's clock, honouring the STS mode's special cases. */
function issueSession(params: URLSearchParams, context: StsContext, durationSeconds: number | undefined) {
  const roleArn = required(params, "RoleArn");
  const sessionName = required(params, "RoleSessionName");
  const { accountId, roleName } = parseRole(roleArn);
  if (!SESSION_NAME.test(sessionName)) {
    throw validation(`Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
  }
  const lifetimeMs = (durationSeconds ?? context.settings.sts.credentialLifetimeSeconds) * 1000;
  const roleId = randomKeyId("AROA");
  const key = context.keys.issue({
    expiration: context.mode === "expiredCredentials" ? context.now - 60_000 : context.now + lifetimeMs,
    accountId,
    arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
    userId: `${roleId}:${sessionName}`,
  });
  const assumedRoleUser = `<AssumedRoleUser>${xmlFields({ AssumedRoleId: key.userId, Arn: key.arn })}</AssumedRoleUser>`;
  return { key, roleArn, sessionName, assumedRoleUser };
}

function resultXml(action: string, requestId: string, inner: string): string {
  return (
    `<${action}Response xmlns="${STS_XMLNS}"><${action}Result>${inner}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

function requireSignature(context: StsContext): EmulatorKey {
  const auth = context.authenticate();
  if (auth.error) throw auth.error;
  return auth.key as EmulatorKey;
}

function applyMode(context: StsContext, action: string): StsResult | undefined {
  if (context.mode === "hang") return { hang: true };
  const error = stsModeError(context.mode, action);
  if (error) throw error;
  if (context.mode === "garbage") {
    return { reply: { status: 200, headers: { "content-type": "text/xml" }, body: "<<<this is not the XML you are looking for" }, record: { outcome: "garbage" } };
  }
  return undefined;
}

/** Answers one STS Query-protocol call. Throws {@link AwsError} for error responses. */
export function handleSts(action: string, params: URLSearchParams, context: StsContext): StsResult {
  if (params.get("Version") !== "2011-06-15") {
    throw new AwsError("InvalidParameterValue", `Version '${params.get("Version") ?? ""}' is not supported; STS speaks 2011-06-15.`, 400);
  }
  switch (action) {
    case "AssumeRoleWithWebIdentity": {
      const token = required(params, "WebIdentityToken");
      const durationSeconds = parseDuration(params, context.settings);
      const early = applyMode(context, action);
      if (early) return early;
      const expected = context.settings.sts.expectedWebIdentityToken;
      if (expected !== undefined && token !== expected) throw stsModeError("invalidIdentityToken", action) as AwsError;
      const { key, roleArn, sessionName, assumedRoleUser } = issueSession(params, context, durationSeconds);
      const claims = tokenClaims(token);
      const inner =
        credentialsXml(key, context.mode) +
        xmlFields({ SubjectFromWebIdentityToken: claims.sub ?? "system:serviceaccount:default:emulator" }) +
        assumedRoleUser +
        xmlFields({ Provider: claims.iss ?? "emulator.local", Audience: claims.aud ?? "sts.amazonaws.com" });
      return {
        reply: xmlReply(resultXml(action, context.requestId, inner)),
        record: { roleArn, roleSessionName: sessionName, durationSeconds, webIdentityToken: token, accessKeyId: key.accessKeyId, expiration: key.expiration },
      };
    }
    case "AssumeRole": {
      requireSignature(context);
      const durationSeconds = parseDuration(params, context.settings);
      const early = applyMode(context, action);
      if (early) return early;
      const { key, roleArn, sessionName, assumedRoleUser } = issueSession(params, context, durationSeconds);
      return {
        reply: xmlReply(resultXml(action, context.requestId, credentialsXml(key, context.mode) + assumedRoleUser)),
        record: { roleArn, roleSessionName: sessionName, durationSeconds, accessKeyId: key.accessKeyId, expiration: key.expiration },
      };
    }
    case "GetCallerIdentity": {
      const key = requireSignature(context);
      const inner = xmlFields({ UserId: key.userId, Account: key.accountId, Arn: key.arn });
      return { reply: xmlReply(resultXml(action, context.requestId, inner)), record: {} };
    }
    default:
      throw new AwsError("InvalidAction", `Could not find operation ${action} for version 2011-06-15`, 400);
  }
}
