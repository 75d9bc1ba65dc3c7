import { SDK_CHAIN_LOOKS_FOR } from "../sources/index.js";
import type { DoctorReport, DoctorVerdict } from "./doctorReport.js";
import { duration, relative, seconds } from "./humanTime.js";

/** The report without its conclusion: what the verdict is drawn from. */
export type DoctorFindings = Omit<DoctorReport, "verdict" | "exitCode">;

/** A skew this large is worth fixing; SigV4 itself refuses requests 5 min off. */
const SKEW_WORTH_FIXING = 60_000;
const SIGV4_SKEW_LIMIT = 5 * 60_000;
/** A first fetch slower than this is what a cold first request waits. */
const SLOW_FETCH = 1_000;
/** kubelet rewrites projected tokens at 80 % of their lifetime, and at least every 24 h. */
const STALE_TOKEN_FILE = 24 * 60 * 60_000;

const isSet = (findings: DoctorFindings, name: string): boolean => findings.environment.some((v) => v.name === name && v.set && v.length !== 0);

function webIdentityClaims(findings: DoctorFindings): { sub?: string; aud?: string; iss?: string } {
  const file = findings.tokenFiles.find((f) => f.variable === "AWS_WEB_IDENTITY_TOKEN_FILE");
  if (file?.readable !== true || !file.token.isJwt) return {};
  const { sub, aud, iss } = file.token;
  return { ...(sub !== undefined && { sub }), ...(aud !== undefined && { aud: typeof aud === "string" ? aud : aud.join(",") }), ...(iss !== undefined && { iss }) };
}

/** What to do about the failed fetch, first the most likely fix. */
function failureFixes(findings: DoctorFindings): { summary: string; fixes: string[] } {
  const error = findings.fetch.error ?? { name: "Error", message: "unknown failure" };
  const { kind } = findings.source;
  const where = findings.endpoint.url ?? findings.endpoint.via;
  const { sub, aud, iss } = webIdentityClaims(findings);
  const code = error.code ?? error.name;
  if (error.name === "CredentialSourceError" && /no AWS credentials found/.test(error.message)) {
    return { summary: "no credentials: the SDK chain found none; set one of these (its order)", fixes: [...SDK_CHAIN_LOOKS_FOR] };
  }
  if (error.name === "ConfigurationError") {
    const fallback = /no region for STS/.test(error.message) ? " (awsCredsPlugin falls back to the first client's region; the doctor has none)" : "";
    return { summary: "no credentials: the configuration is incomplete", fixes: [`${error.message}${fallback}`] };
  }
  if (error.name === "TimeoutError" || error.name === "AbortError") {
    return { summary: `no credentials: no answer from ${where} within ${duration(findings.fetch.timeoutMs)}`, fixes: [`check that this host can reach ${where} (DNS, egress rules, proxy${kind === "webIdentity" ? ", an STS VPC endpoint" : ""})`] };
  }
  if (kind === "webIdentity" && /^AccessDenied/.test(code)) {
    return {
      summary: `no credentials: STS refused AssumeRoleWithWebIdentity (${code})`,
      fixes: [`check the role's trust policy: it must allow sts:AssumeRoleWithWebIdentity for ${sub === undefined ? "this token's sub" : `sub ${sub}`}${aud === undefined ? "" : ` and aud ${aud}`}${iss === undefined ? "" : ` from the OIDC provider ${iss}`}`],
    };
  }
  if (kind === "webIdentity" && /^InvalidIdentityToken/.test(code)) {
    return { summary: `no credentials: STS rejected the web identity token (${code})`, fixes: [`check that ${iss ?? "the token's issuer"} is an IAM OIDC identity provider of the account and lists ${aud ?? "the token's aud"} as a client id`] };
  }
  if (kind === "webIdentity" && /^ExpiredToken/.test(code)) {
    return { summary: `no credentials: STS says the web identity token has expired (${code})`, fixes: ["check that kubelet rotates the projected service-account token (the volume is mounted and the pod's clock is right)"] };
  }
  if (kind === "container" && (error.httpStatus === 403 || /AccessDenied/.test(code))) {
    return { summary: `no credentials: the container credentials endpoint refused (${code})`, fixes: ["check the EKS Pod Identity association (or the ECS task role) of this workload, and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] };
  }
  return { summary: `no credentials: ${error.name}${error.code === undefined ? "" : ` (${error.code})`}`, fixes: [error.message] };
}

/** Problems worth fixing even when credentials came: each says what to do. */
function warnings(findings: DoctorFindings): string[] {
  const out: string[] = [];
  const { clockSkew, fetch, credentials } = findings;
  if (clockSkew.measured && Math.abs(clockSkew.skewMs) >= SKEW_WORTH_FIXING) {
    const side = clockSkew.skewMs > 0 ? "behind" : "ahead of";
    const effect =
      Math.abs(clockSkew.skewMs) >= SIGV4_SKEW_LIMIT
        ? "SigV4 refuses requests 5 min off (SignatureDoesNotMatch, RequestTimeTooSkewed) until the SDK corrects its offset"
        : "refreshes are planned on this clock";
    out.push(`this host's clock is ${seconds(clockSkew.skewMs)} ${side} STS: fix its time sync (NTP); ${effect}`);
  }
  if (credentials !== undefined && fetch.latencyMs >= SLOW_FETCH) {
    out.push(`the fetch took ${duration(fetch.latencyMs)}: a first request waits that long on a cold slot; await defaultSlot().ready() at start-up, before taking traffic`);
  }
  for (const file of findings.tokenFiles) {
    if (!file.readable) {
      if (credentials !== undefined) out.push(`${file.variable} ${file.path} cannot be read (${file.error.code ?? file.error.name})`);
      continue;
    }
    if (!file.token.isJwt) out.push(`${file.variable} ${file.path} holds no JWT (${file.token.reason}): the service will reject it`);
    else if (file.token.expiresInMs !== undefined && file.token.expiresInMs <= 0) out.push(`the token in ${file.path} expired ${relative(file.token.expiresInMs)}: check that kubelet rotates it`);
    if (file.trailingWhitespace) out.push(`${file.path} ends with a line break or spaces, which are sent with the token: write the token alone`);
    if (file.ageMs > STALE_TOKEN_FILE) out.push(`${file.path} was last written ${relative(-file.ageMs)}: kubelet rewrites projected tokens at least daily; check the volume`);
  }
  if (isSet(findings, "AWS_PROFILE") && isSet(findings, "AWS_ACCESS_KEY_ID")) out.push("AWS_PROFILE and AWS_ACCESS_KEY_ID are both set: the profile wins; unset the one you do not mean");
  if (isSet(findings, "AWS_ACCESS_KEY_ID") !== isSet(findings, "AWS_SECRET_ACCESS_KEY")) out.push("only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set: environment keys need both");
  if (isSet(findings, "AWS_ROLE_ARN") !== isSet(findings, "AWS_WEB_IDENTITY_TOKEN_FILE")) out.push("only one of AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE is set: web identity needs both");
  if (isSet(findings, "AWS_CONTAINER_CREDENTIALS_FULL_URI") && isSet(findings, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) out.push("both container credentials URIs are set: the RELATIVE one wins; unset the other");
  return out;
}

/**
 * OK, warnings to fix, or what to fix to get any credentials at all.
 *
 * @example
 * ```ts
 * verdictOf(findings); // { status: "fail", summary: "no credentials: STS refused AssumeRoleWithWebIdentity (AccessDenied)", fixes: ["check the role's trust policy: …"] }
 * ```
 */
export function verdictOf(findings: DoctorFindings): DoctorVerdict {
  const notes = warnings(findings);
  const { credentials, fetch } = findings;
  if (credentials === undefined) {
    const { summary, fixes } = failureFixes(findings);
    return { status: "fail", summary, fixes: [...fixes, ...notes] };
  }
  const refresh = `next refresh ${relative(credentials.refresh.earliestInMs)} to ${duration(credentials.refresh.latestInMs)}`;
  const summary = `credentials from ${findings.source.kind} in ${duration(fetch.latencyMs)}; ${refresh}`;
  return notes.length === 0 ? { status: "ok", summary, fixes: [] } : { status: "warn", summary, fixes: notes };
}
