import type { AwsCredentialIdentity, HttpRequest, HttpResponse } from "@smithy/types";
import type { DefaultSourceKind } from "../defaults/index.js";
import type { CredentialSource } from "../slot/index.js";
import { describeError } from "../errors.js";
import { sourceForDecision } from "../defaults/index.js";
import type { WebIdentitySource } from "../sources/index.js";
import { DEFAULT_REFRESH_POLICY } from "../policy/index.js";
import { validateCredentials } from "../policy/index.js";
import type { DoctorClockSkew, DoctorEndpoint, DoctorError, DoctorFetch } from "./doctorReport.js";

/** What one real fetch from the default slot's source showed. */
export interface ProbeOutcome {
  /** The source's `description`; absent when creating it failed. */
  readonly description?: string;
  readonly endpoint: DoctorEndpoint;
  readonly fetch: DoctorFetch;
  readonly clockSkew: DoctorClockSkew;
  /** With their secrets: the caller must only report what is safe, and redact the rest. */
  readonly credentials?: AwsCredentialIdentity;
  /** This host's clock when the fetch returned. */
  readonly obtainedAt?: number;
}

type DescribedSource = CredentialSource & { readonly description: string };

/** What the response of an STS call showed, read by a middleware on the source's client. */
interface StsObservation {
  url?: string;
  date?: string;
  receivedAt?: number;
}

/**
 * The name, message, service code and HTTP status of an error, and nothing else it carries
 * (request ids, headers, a response body).
 *
 * @example
 * ```ts
 * doctorError(accessDenied); // { name: "AccessDenied", message: "Not authorized…", httpStatus: 403 }
 * ```
 */
export function doctorError(error: unknown): DoctorError {
  const { name, message } = describeError(error);
  const e = error as { Code?: unknown; $metadata?: { httpStatusCode?: unknown } } | undefined;
  const code = typeof e?.Code === "string" && e.Code !== name ? e.Code : undefined;
  const status = e?.$metadata?.httpStatusCode;
  return { name, message, ...(code !== undefined && { code }), ...(typeof status === "number" && { httpStatus: status }) };
}

function requestUrl(request: HttpRequest): string {
  const port = request.port === undefined || request.port === 0 ? "" : `:${request.port}`;
  const path = request.path === "/" ? "" : request.path;
  return `${request.protocol}//${request.hostname}${port}${path}`;
}

/**
 * Reads the URL of each STS request and the `Date` of its answer. Innermost in the deserialize
 * step (priority low), so it sees the raw answer before the deserializer parses it, and an error
 * answer (AccessDenied) as well as a success.
 */
function observeSts(source: WebIdentitySource): StsObservation {
  const seen: StsObservation = {};
  source.stsClient.middlewareStack.add(
    (next) => async (args) => {
      seen.url = requestUrl(args.request as HttpRequest);
      const out = await next(args);
      seen.receivedAt = Date.now();
      const headers = (out.response as HttpResponse | undefined)?.headers ?? {};
      seen.date = headers.date ?? headers.Date;
      return out;
    },
    { step: "deserialize", name: "awscredsDoctorDate", priority: "low" },
  );
  return seen;
}

/** Where a web identity source will call STS, before it does; the same precedence as `fromWebIdentity`. */
async function stsEndpoint(source: WebIdentitySource, env: NodeJS.ProcessEnv): Promise<DoctorEndpoint> {
  const region = await source.stsClient.config.region().catch(() => undefined);
  const inRegion = region === undefined ? {} : { region };
  if (env.AWS_ENDPOINT_URL_STS !== undefined) return { kind: "sts", url: env.AWS_ENDPOINT_URL_STS, via: "AWS_ENDPOINT_URL_STS", ...inRegion };
  if (env.AWS_ENDPOINT_URL !== undefined) return { kind: "sts", url: env.AWS_ENDPOINT_URL, via: "AWS_ENDPOINT_URL", ...inRegion };
  if (region === undefined) return { kind: "sts", via: "regional STS, but no region is set" };
  const from = env.AWS_REGION !== undefined ? "AWS_REGION" : env.AWS_DEFAULT_REGION !== undefined ? "AWS_DEFAULT_REGION" : "the profile's region";
  return { kind: "sts", url: `https://sts.${region}.amazonaws.com`, via: `regional STS, region from ${from}`, region };
}

/** The container endpoint's variable; its URL comes from the source itself. */
function containerEndpoint(env: NodeJS.ProcessEnv): DoctorEndpoint {
  return env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
    ? { kind: "container", via: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (ECS agent)" }
    : { kind: "container", via: "AWS_CONTAINER_CREDENTIALS_FULL_URI (EKS Pod Identity agent)" };
}

function predictedEndpoint(kind: DefaultSourceKind, env: NodeJS.ProcessEnv): DoctorEndpoint {
  switch (kind) {
    case "environment":
      return { kind: "none", via: "nothing to call: the keys are read from the environment" };
    case "container":
      return containerEndpoint(env);
    case "webIdentity":
      return { kind: "sts", via: "regional STS" };
    case "profile":
      return { kind: "chain", via: `the SDK chain (profile ${env.AWS_PROFILE ?? "default"})` };
    case "chain":
      return { kind: "chain", via: "the SDK chain (EC2 instance metadata last)" };
  }
}

/**
 * Creates the source the default slot would for `kind`, calls it once under
 * `AbortSignal.timeout(timeoutMs)`, and checks the result as the slot does. For web identity it
 * also reads the STS answer's `Date` header against this host's clock. Never throws.
 *
 * @example
 * ```ts
 * const outcome = await probe("webIdentity", process.env, 10_000);
 * outcome.fetch; // { ok: true, latencyMs: 312, timeoutMs: 10_000 }
 * ```
 */
export async function probe(kind: DefaultSourceKind, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ProbeOutcome> {
  let endpoint = predictedEndpoint(kind, env);
  const notMeasured: DoctorClockSkew = { measured: false, reason: kind === "webIdentity" ? "no answer from STS" : "only measured against STS, for web identity" };
  let source: DescribedSource;
  try {
    source = sourceForDecision(kind);
  } catch (error) {
    return { endpoint, fetch: { ok: false, latencyMs: 0, timeoutMs, error: doctorError(error) }, clockSkew: notMeasured };
  }
  const webIdentity = kind === "webIdentity" ? (source as WebIdentitySource) : undefined;
  const seen = webIdentity === undefined ? undefined : observeSts(webIdentity);
  if (webIdentity !== undefined) endpoint = await stsEndpoint(webIdentity, env);
  const containerUrl = (source as { url?: unknown }).url;
  if (typeof containerUrl === "string") endpoint = { ...endpoint, url: containerUrl };

  const started = performance.now();
  let fetch: DoctorFetch;
  let credentials: AwsCredentialIdentity | undefined;
  let obtainedAt: number | undefined;
  try {
    // A timer of our own: an AbortSignal.timeout signal may be garbage-collected before it fires.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: "TimeoutError" })), timeoutMs);
    const raw = await source(deadline.signal).finally(() => clearTimeout(timer));
    obtainedAt = Date.now();
    fetch = { ok: true, latencyMs: Math.round(performance.now() - started), timeoutMs };
    credentials = validateCredentials(raw, obtainedAt, DEFAULT_REFRESH_POLICY);
  } catch (error) {
    fetch = { ok: false, latencyMs: Math.round(performance.now() - started), timeoutMs, error: doctorError(error) };
    credentials = undefined;
  } finally {
    webIdentity?.destroy();
  }

  if (seen?.url !== undefined) endpoint = { ...endpoint, url: seen.url };
  const serverTime = seen?.date === undefined ? NaN : Date.parse(seen.date);
  const clockSkew: DoctorClockSkew =
    Number.isFinite(serverTime) && seen?.receivedAt !== undefined
      ? // The header's whole second was stamped at some instant of [date, date + 1 s): take the middle.
        { measured: true, skewMs: serverTime + 500 - seen.receivedAt, serverDate: new Date(serverTime).toISOString(), resolutionMs: 1000 }
      : seen?.receivedAt !== undefined
        ? { measured: false, reason: "the STS answer had no Date header" }
        : notMeasured;
  return {
    description: source.description,
    endpoint,
    fetch,
    clockSkew,
    ...(credentials !== undefined && { credentials, obtainedAt }),
  };
}
