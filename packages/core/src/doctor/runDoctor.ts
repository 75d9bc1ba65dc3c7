import { chooseDefaultSource, type DefaultSourceDecision } from "../defaults/index.js";
import { planRefresh } from "../policy/index.js";
import type { DoctorCredentials, DoctorReport, DoctorTokenFile } from "./doctorReport.js";
import { environmentSecrets, readEnvironment } from "./environment.js";
import { doctorError, probe, type ProbeOutcome } from "./probe.js";
import { redactor } from "./redact.js";
import { inspectTokenFile } from "./tokenFile.js";
import { verdictOf, type DoctorFindings } from "./verdict.js";

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  /** @default process.env (the sources read process.env themselves; this is what is reported) */
  env?: NodeJS.ProcessEnv;
  /** Limit of the one fetch, as the slot's fetchTimeout. @default 10_000 */
  fetchTimeout?: number;
}

/** The report, and a redactor for anything printed from it. */
export interface DoctorRun {
  readonly report: DoctorReport;
  /** Replaces every secret the run saw (environment, token files, fetched credentials) with `[redacted]`. */
  readonly redact: (text: string) => string;
}

function credentialsFacts({ credentials, obtainedAt }: ProbeOutcome, fetchTimeout: number, now: number): DoctorCredentials | undefined {
  if (credentials === undefined || obtainedAt === undefined) return undefined;
  const expiration = credentials.expiration?.getTime();
  const input = { expiration, obtainedAt, fetchTimeout };
  // random 1 is the earliest instant of the jitter window, random 0 the latest.
  const earliest = planRefresh(input, 1);
  const latest = planRefresh(input, 0);
  return {
    accessKeyId: credentials.accessKeyId,
    ...(credentials.accountId !== undefined && { accountId: credentials.accountId }),
    hasSessionToken: credentials.sessionToken !== undefined,
    obtainedAt: new Date(obtainedAt).toISOString(),
    ...(expiration !== undefined && { expiration: new Date(expiration).toISOString(), expiresInMs: expiration - now, lifetimeMs: expiration - obtainedAt }),
    refresh: { earliest: new Date(earliest).toISOString(), latest: new Date(latest).toISOString(), earliestInMs: earliest - now, latestInMs: latest - now },
  };
}

/**
 * Gathers what `awscreds doctor` reports: the default slot's choice of source and why, the
 * environment, the token files, one real fetch from that source (latency, endpoint, clock skew
 * against STS), the credentials it gave and the refresh window, and a verdict. Never throws.
 *
 * @example
 * ```ts
 * const { report, redact } = await runDoctor();
 * process.stdout.write(redact(formatText(report)));
 * ```
 */
export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorRun> {
  const env = options.env ?? process.env;
  const fetchTimeout = options.fetchTimeout ?? 10_000;
  const generatedAt = Date.now();
  const secrets: (string | undefined)[] = environmentSecrets(env);

  const tokenFiles: DoctorTokenFile[] = [];
  for (const variable of ["AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] as const) {
    const path = env[variable];
    if (!path) continue;
    const { report, content } = await inspectTokenFile(variable, path, generatedAt);
    tokenFiles.push(report);
    secrets.push(content);
  }

  let decision: DefaultSourceDecision | undefined;
  let outcome: ProbeOutcome;
  try {
    decision = await chooseDefaultSource(env);
    outcome = await probe(decision.kind, env, fetchTimeout);
  } catch (error) {
    outcome = { endpoint: { kind: "chain", via: "undecided" }, fetch: { ok: false, latencyMs: 0, timeoutMs: fetchTimeout, error: doctorError(error) }, clockSkew: { measured: false, reason: "no source" } };
  }
  secrets.push(outcome.credentials?.secretAccessKey, outcome.credentials?.sessionToken);

  const credentials = credentialsFacts(outcome, fetchTimeout, Date.now());
  const findings: DoctorFindings = {
    schemaVersion: 1,
    generatedAt: new Date(generatedAt).toISOString(),
    source: decision === undefined ? { kind: "undecided", reason: "reading the shared config files failed" } : { kind: decision.kind, reason: decision.reason, ...(outcome.description !== undefined && { description: outcome.description }) },
    environment: readEnvironment(env),
    tokenFiles,
    endpoint: outcome.endpoint,
    fetch: outcome.fetch,
    clockSkew: outcome.clockSkew,
    ...(credentials !== undefined && { credentials }),
  };
  const report: DoctorReport = { ...findings, verdict: verdictOf(findings), exitCode: credentials === undefined ? 1 : 0 };
  return { report, redact: redactor(secrets) };
}
