import type { DoctorClockSkew, DoctorCredentials, DoctorEnvVar, DoctorError, DoctorReport, DoctorTokenFile } from "./doctorReport.js";
import { duration, instant, relative, seconds } from "./humanTime.js";

/** Options of {@link formatText}. */
export interface TextOptions {
  /** Colour the verdict (for a TTY). @default false */
  color?: boolean;
  /** Lines are wrapped to this many columns. @default 100 */
  width?: number;
}

const LABEL = 13;
/** Error messages are cut to this in the text (the JSON has them whole; the verdict says what to fix). */
const MAX_MESSAGE = 100;
const PAIRS = [
  ["AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_(FULL|RELATIVE)_URI"],
  ["AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)"],
  ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL(_STS)"],
] as const;
const COLORS = { ok: "\u001b[32m", warn: "\u001b[33m", fail: "\u001b[31m" } as const;
const RESET = "\u001b[0m";

/** Greedy word wrap; a word longer than the width stays whole on its own line. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines;
}

class Screen {
  readonly lines: string[] = [];
  constructor(readonly width: number) {}

  /** A labelled block: the first line carries the label, wrapped lines are indented under the text. */
  row(label: string, text: string, hang = ""): void {
    const [first = "", ...rest] = wrap(text, this.width - LABEL - hang.length);
    this.lines.push(`${label.padEnd(LABEL)}${first}`);
    for (const line of rest) this.lines.push(`${" ".repeat(LABEL)}${hang}${line}`);
  }
}

function shortMessage(message: string, max: number): string {
  const oneLine = message.replace(/\s+/g, " ").trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, Math.max(0, max - 1))}…`;
}

/** `name code (HTTP status): message`, the message cut so the whole fits in `max` characters. */
function errorText(error: DoctorError, max = MAX_MESSAGE): string {
  const status = error.httpStatus === undefined ? "" : ` (HTTP ${error.httpStatus})`;
  const code = error.code === undefined ? "" : ` ${error.code}`;
  const head = `${error.name}${code}${status}: `;
  return `${head}${shortMessage(error.message, Math.max(20, max - head.length))}`;
}

function envValue(v: DoctorEnvVar): string {
  if (v.length === 0) return '"" (empty: counts as not set)';
  return v.secret ? `set (${v.length} chars)` : (v.value ?? "");
}

function environment(screen: Screen, vars: readonly DoctorEnvVar[]): void {
  const set = vars.filter((v) => v.set);
  const width = Math.max(0, ...set.map((v) => v.name.length)) + 2;
  let label = "environment";
  for (const v of set) {
    // Never wrapped: a path or URL cut in two is harder to read than one that runs long.
    screen.lines.push(`${label.padEnd(LABEL)}${v.name.padEnd(width)}${envValue(v)}`);
    label = "";
  }
  const unset = vars.filter((v) => !v.set).map((v) => v.name);
  // Pairs both unset take one name, in the notation of the SDK's docs: AWS_ENDPOINT_URL(_STS).
  for (const [a, b, both] of PAIRS) {
    const i = unset.indexOf(a);
    const j = unset.indexOf(b);
    if (i < 0 || j < 0) continue;
    unset[i] = both;
    unset.splice(j, 1);
  }
  if (unset.length > 0) screen.row("not set", unset.join(" "));
}

/** Instants on the header's (UTC) day are shown as times only; others in full. */
type At = (iso: string) => string;

function tokenFile(screen: Screen, file: DoctorTokenFile, at: At): void {
  // The path is on the variable's row above.
  if (!file.readable) {
    screen.row("token file", `${file.variable}: cannot read it: ${errorText(file.error)}`);
    return;
  }
  const whitespace = file.trailingWhitespace ? ", ends with whitespace" : "";
  screen.row("token file", `${file.variable}: ${file.sizeBytes} bytes, written ${at(file.modifiedAt)} (${relative(-file.ageMs)})${whitespace}`);
  const token = file.token;
  if (!token.isJwt) {
    screen.row("", `not a JWT: ${token.reason}`);
    return;
  }
  const expired = token.expiresInMs !== undefined && token.expiresInMs <= 0 ? "EXPIRED " : "";
  const exp = token.exp === undefined ? "no exp" : `exp ${at(token.exp)} (${expired}${relative(token.expiresInMs ?? 0)})`;
  screen.row("", `JWT${token.alg === undefined ? "" : ` ${token.alg}`}, ${exp}${token.iat === undefined ? "" : `, iat ${at(token.iat)}`}`);
  const aud = token.aud === undefined ? "no aud" : `aud ${typeof token.aud === "string" ? token.aud : token.aud.join(",")}`;
  screen.row("", `${aud}, sub ${token.sub ?? "(none)"}`);
  screen.row("", `iss ${token.iss ?? "(none)"}`);
}

function skewText(skew: DoctorClockSkew, at: At): string {
  if (!skew.measured) return `not measured (${skew.reason})`;
  if (Math.abs(skew.skewMs) <= skew.resolutionMs) return "none (within the Date header's 1 s resolution)";
  const side = skew.skewMs > 0 ? "behind" : "ahead of";
  return `${skew.skewMs > 0 ? "+" : "-"}${seconds(skew.skewMs)}: this host's clock is ${side} STS (its Date header: ${at(skew.serverDate)})`;
}

function credentialsRows(screen: Screen, credentials: DoctorCredentials | undefined, at: At): void {
  if (credentials === undefined) {
    screen.row("credentials", "none");
    return;
  }
  const account = credentials.accountId === undefined ? "" : `, account ${credentials.accountId}`;
  const expiry = credentials.expiration === undefined ? "no expiration (long-term keys)" : `expires ${at(credentials.expiration)} (${relative(credentials.expiresInMs ?? 0)})`;
  screen.row("credentials", `${credentials.accessKeyId}${account}, ${expiry}`);
  const { earliest, latest, earliestInMs, latestInMs } = credentials.refresh;
  const lifetime = credentials.lifetimeMs === undefined ? "re-read hourly" : `of a ${duration(credentials.lifetimeMs)} lifetime`;
  screen.row("refresh", `between ${at(earliest)} and ${at(latest)} (${relative(earliestInMs)} to ${duration(latestInMs)}, ${lifetime})`);
}

/**
 * The report as one screen of aligned plain text (about 25 lines): source and reason,
 * environment, token files, endpoint, fetch, clock skew, credentials, refresh window, verdict.
 *
 * @example
 * ```ts
 * process.stdout.write(formatText(report, { color: process.stdout.isTTY }));
 * ```
 */
export function formatText(report: DoctorReport, options: TextOptions = {}): string {
  const screen = new Screen(options.width ?? 100);
  const day = report.generatedAt.slice(0, 11); // "2025-06-01T"
  const at: At = (iso) => (iso.startsWith(day) ? instant(iso).slice(11) : instant(iso));
  screen.lines.push(`awscreds doctor, ${instant(report.generatedAt)} (this host's clock; times below are UTC)`);
  screen.row("source", `${report.source.kind}: ${report.source.reason}`);
  if (report.source.description !== undefined) screen.row("", report.source.description);
  environment(screen, report.environment);
  for (const file of report.tokenFiles) tokenFile(screen, file, at);

  const { endpoint, fetch } = report;
  screen.row("endpoint", endpoint.url === undefined ? endpoint.via : `${endpoint.url} (${endpoint.via})`);
  if (fetch.ok) screen.row("fetch", `ok in ${duration(fetch.latencyMs)} (timeout ${duration(fetch.timeoutMs)})`);
  else {
    // One line: the verdict below says what to fix, and --json has the whole message.
    const failed = `FAILED after ${duration(fetch.latencyMs)}: `;
    screen.row("fetch", `${failed}${errorText(fetch.error ?? { name: "Error", message: "unknown" }, screen.width - LABEL - failed.length)}`);
  }
  screen.row("clock skew", skewText(report.clockSkew, at));
  credentialsRows(screen, report.credentials, at);

  const { status, summary, fixes } = report.verdict;
  const word = status.toUpperCase();
  const shown = options.color === true ? `${COLORS[status]}${word}${RESET}` : word;
  // Wrap on the plain word, so colour codes never count towards the width.
  const [first = "", ...rest] = wrap(`${word}: ${summary}`, screen.width - LABEL);
  screen.lines.push(`${"verdict".padEnd(LABEL)}${shown}${first.slice(word.length)}`);
  for (const line of rest) screen.lines.push(`${" ".repeat(LABEL)}${line}`);
  for (const fix of fixes) screen.row("", `- ${fix}`, "  ");
  return `${screen.lines.join("\n")}\n`;
}
