#!/usr/bin/env node
/**
 * `awscreds`: the command line of @awscreds/core. One command for now:
 *
 *   awscreds doctor [--json]   why a first request might be slow or failing, on one screen
 *
 * Exit codes: 0 credentials were obtained, 1 none could be had, 2 usage error.
 */
import { formatText } from "./doctor/index.js";
import { runDoctor } from "./doctor/index.js";

const USAGE = `usage: awscreds doctor [--json] [--help]

  doctor    show which credential source the default slot picks and why, the relevant
            environment, the token file, one real fetch (endpoint, latency, clock skew),
            the credentials obtained and their refresh window, and what to fix
  --json    print the report as JSON instead of text
  --help    print this help

Exit codes: 0 credentials obtained, 1 no credentials, 2 usage error.
Secrets (secret key, session token, authorization token, the token itself) are never printed.
`;

/** The one fetch's limit: the slot's default fetchTimeout. */
const FETCH_TIMEOUT_MS = 10_000;
const WATCHDOG_MS = 30_000;

/** What the command line asks for. */
export type Command = { readonly kind: "help" } | { readonly kind: "doctor"; readonly json: boolean } | { readonly kind: "usageError"; readonly message: string };

/**
 * Parses `awscreds <command> [options]` (the arguments after the script).
 *
 * @example
 * ```ts
 * parseCommandLine(["doctor", "--json"]); // { kind: "doctor", json: true }
 * ```
 */
export function parseCommandLine(args: readonly string[]): Command {
  const [command, ...rest] = args;
  if (command === undefined) return { kind: "usageError", message: "awscreds: no command given" };
  if (command === "--help" || command === "-h" || command === "help") return { kind: "help" };
  if (command !== "doctor") return { kind: "usageError", message: `awscreds: unknown command '${command}'` };
  let json = false;
  for (const arg of rest) {
    if (arg === "--json") json = true;
    else if (arg === "--help" || arg === "-h") return { kind: "help" };
    else return { kind: "usageError", message: `awscreds doctor: unknown option '${arg}'` };
  }
  return { kind: "doctor", json };
}

/** Writes, then exits once the stream has flushed (pipes are asynchronous on some platforms). */
function finish(stream: NodeJS.WriteStream, text: string, code: number): void {
  stream.write(text, () => process.exit(code));
}

async function main(): Promise<void> {
  const command = parseCommandLine(process.argv.slice(2));
  switch (command.kind) {
    case "help":
      return finish(process.stdout, USAGE, 0);
    case "usageError":
      return finish(process.stderr, `${command.message}\n\n${USAGE}`, 2);
    case "doctor": {
      // The fetch's AbortSignal.timeout timer is unref'd, as Node makes it: this ref'd one keeps
      // the process alive until the report is out, and ends a doctor that would hang past it.
      const watchdog = setTimeout(() => finish(process.stderr, `awscreds doctor: no report within ${WATCHDOG_MS / 1000} s; this is a bug\n`, 1), WATCHDOG_MS);
      const { report, redact } = await runDoctor({ fetchTimeout: FETCH_TIMEOUT_MS });
      clearTimeout(watchdog);
      const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
      const text = command.json ? `${JSON.stringify(report, null, 2)}\n` : formatText(report, { color, width: Math.max(80, Math.min(process.stdout.columns ?? 100, 120)) });
      return finish(process.stdout, redact(text), report.exitCode);
    }
  }
}

main().catch((error: unknown) => {
  // runDoctor never throws; this is a bug, reported without the error's other fields.
  const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
  finish(process.stderr, `awscreds: internal error: ${name}: ${message}\n`, 1);
});
