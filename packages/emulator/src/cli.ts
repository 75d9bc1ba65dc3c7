#!/usr/bin/env node
/**
 * `awscreds-emulator`: the emulator as a process, for a service under test that runs in another
 * one. Every flag sets a `startEmulator()` option; the usage text is built from the same table,
 * so the two cannot drift. Arguments are validated before `--help` is honoured, so
 * `awscreds-emulator <flags> --help` checks a command line without starting anything.
 *
 * Exit codes: 0 stopped (Ctrl-C, SIGTERM or `--for`), 2 usage error.
 */
import { parseArgs } from "node:util";
import { CONTAINER_MODES, STS_MODES, type ContainerMode, type EmulatorOptions, type Latency, type StsMode } from "./options.js";
import { startEmulator } from "./startEmulator.js";

interface Flag {
  readonly name: string;
  /** The value's placeholder in the usage text; none for a boolean flag. */
  readonly value?: string;
  readonly repeatable?: boolean;
  readonly help: string;
}

const FLAGS: readonly Flag[] = [
  { name: "port", value: "N", help: "TCP port (default: a free one)" },
  { name: "host", value: "ADDRESS", help: "loopback address to bind: 127.0.0.0/8, ::1 or localhost (default: 127.0.0.1)" },
  { name: "region", value: "R", help: "reject signatures scoped to other regions (default: accept any)" },
  { name: "account-id", value: "ID", help: "account of static keys, tables and issued roles (default: 123456789012)" },
  { name: "clock-offset", value: "MS", help: "shift the emulator's clock by MS; negative with =, --clock-offset=-5000 (default: 0)" },
  { name: "static-key", value: "ID:SECRET", repeatable: true, help: "accept this static key (repeatable)" },
  { name: "sts-mode", value: "M", help: `${STS_MODES.join(" | ")} (default: ok)` },
  { name: "sts-latency", value: "MS|MIN-MAX", help: "delay before STS answers credential calls (default: 0)" },
  { name: "lifetime", value: "SECONDS", help: "lifetime of issued credentials: STS without DurationSeconds, and the container endpoint (default: 3600)" },
  { name: "max-session-duration", value: "SECONDS", help: "the role's MaxSessionDuration; a larger DurationSeconds is a ValidationError (default: 43200)" },
  { name: "web-identity-token", value: "T", help: "AssumeRoleWithWebIdentity accepts only this token (default: any)" },
  { name: "container-mode", value: "M", help: `container credentials endpoint: ${CONTAINER_MODES.join(" | ")} (default: ok)` },
  { name: "container-latency", value: "MS|MIN-MAX", help: "delay before the container endpoint answers (default: 0)" },
  { name: "container-token", value: "T", help: "require this Authorization header at the container endpoint (default: any)" },
  { name: "service-latency", value: "MS|MIN-MAX", help: "delay before DynamoDB, S3, Lambda and signed STS calls answer (default: 0)" },
  { name: "table", value: "NAME[:PK[:SK]]", repeatable: true, help: 'create a DynamoDB table, partition key PK (default "pk"), optional sort key SK (repeatable)' },
  { name: "bucket", value: "NAME", repeatable: true, help: "create an S3 bucket (repeatable)" },
  { name: "function", value: "NAME", repeatable: true, help: "create a Lambda function; Invoke echoes its payload (repeatable)" },
  { name: "for", value: "SECONDS", help: "stop by itself after this long (default: run until Ctrl-C or SIGTERM)" },
  { name: "help", help: "print this help and exit (after checking the other arguments)" },
];

/** Words in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(" ")) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

const column = Math.max(...FLAGS.map((flag) => `--${flag.name} ${flag.value ?? ""}`.length)) + 2;

const USAGE = `usage: awscreds-emulator [options]

A loopback AWS emulator for credential tests: STS, the EKS Pod Identity and ECS container
credentials endpoint, and DynamoDB, S3 and Lambda that verify SigV4 signatures.

Options:
${FLAGS.map((flag) => `  ${`--${flag.name} ${flag.value ?? ""}`.padEnd(column)}${wrap(flag.help, 100 - column - 2).join(`\n${" ".repeat(column + 2)}`)}`).join("\n")}

Exit codes: 0 stopped, 2 usage error.`;

/** A command-line mistake; the message says which flag and what it takes. */
class UsageError extends Error {}

function number(flag: string, text: string | undefined, { integer = false, min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${flag} takes ${integer ? "an integer" : "a number"} from ${min} to ${max}, got '${text}'`);
  }
  return value;
}

function latency(flag: string, text: string | undefined): Latency | undefined {
  if (text === undefined) return undefined;
  const range = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(text);
  if (range === null) return number(flag, text);
  const [min, max] = [Number(range[1]), Number(range[2])];
  if (max < min) throw new UsageError(`--${flag} takes MS or MIN-MAX with MIN ≤ MAX, got '${text}'`);
  return { min, max };
}

function oneOf<T extends string>(flag: string, text: string | undefined, allowed: readonly T[]): T | undefined {
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text)) throw new UsageError(`--${flag} takes one of ${allowed.join(", ")}, got '${text}'`);
  return text as T;
}

/** What the command line asks for: the emulator's options, how long to run, or the help text. */
function parseCommandLine(args: readonly string[]): { readonly help: boolean; readonly options: EmulatorOptions; readonly forSeconds: number | undefined } {
  // The flags are built from FLAGS, so parseArgs can only type the values loosely.
  let values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: Object.fromEntries(FLAGS.map((flag) => [flag.name, { type: flag.value === undefined ? "boolean" : "string", multiple: flag.repeatable === true }])),
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const text = (name: string) => values[name] as string | undefined;
  const list = (name: string) => (values[name] as string[] | undefined) ?? [];
  const lifetime = number("lifetime", text("lifetime"), { min: 1 });
  const options: EmulatorOptions = {
    port: number("port", text("port"), { integer: true, max: 65535 }),
    host: text("host"),
    region: text("region"),
    accountId: text("account-id"),
    clockOffsetMs: number("clock-offset", text("clock-offset"), { min: -Number.MAX_SAFE_INTEGER }),
    keepProcessAlive: true,
    staticKeys: list("static-key").map((pair) => {
      const separator = pair.indexOf(":");
      if (separator <= 0 || separator === pair.length - 1) throw new UsageError(`--static-key takes ID:SECRET, got '${pair}'`);
      return { accessKeyId: pair.slice(0, separator), secretAccessKey: pair.slice(separator + 1) };
    }),
    sts: {
      mode: oneOf<StsMode>("sts-mode", text("sts-mode"), STS_MODES),
      latencyMs: latency("sts-latency", text("sts-latency")),
      credentialLifetimeSeconds: lifetime,
      maxSessionDurationSeconds: number("max-session-duration", text("max-session-duration"), { integer: true, min: 1 }),
      expectedWebIdentityToken: text("web-identity-token"),
    },
    container: {
      mode: oneOf<ContainerMode>("container-mode", text("container-mode"), CONTAINER_MODES),
      latencyMs: latency("container-latency", text("container-latency")),
      credentialLifetimeSeconds: lifetime,
      expectedAuthorizationToken: text("container-token"),
    },
    service: { latencyMs: latency("service-latency", text("service-latency")) },
    dynamodb: {
      tables: list("table").map((spec) => {
        const [name = "", partitionKey, sortKey, ...rest] = spec.split(":");
        if (name === "" || partitionKey === "" || sortKey === "" || rest.length > 0) throw new UsageError(`--table takes NAME[:PK[:SK]], got '${spec}'`);
        return { name, ...(partitionKey !== undefined && { partitionKey }), ...(sortKey !== undefined && { sortKey }) };
      }),
    },
    s3: { buckets: list("bucket") },
    lambda: { functions: list("function") },
  };
  return { help: values.help === true, options, forSeconds: number("for", text("for"), { min: 0.001 }) };
}

async function main(): Promise<void> {
  let command: ReturnType<typeof parseCommandLine>;
  try {
    command = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`awscreds-emulator: ${error.message}\n\n${USAGE}\n`, () => process.exit(2));
    return;
  }
  if (command.help) {
    process.stdout.write(`${USAGE}\n`, () => process.exit(0));
    return;
  }
  let aws: Awaited<ReturnType<typeof startEmulator>>;
  try {
    aws = await startEmulator(command.options);
  } catch (error) {
    // Options the emulator itself refuses (a host that is not loopback, a port in use).
    process.stderr.write(`awscreds-emulator: ${(error as Error).message}\n`, () => process.exit(2));
    return;
  }
  const ready = aws;
  process.stdout.write(`emulator listening on ${ready.url}
Point your service at it:
  export AWS_ENDPOINT_URL=${ready.url}        # every service (S3 clients also need forcePathStyle)
  export AWS_ENDPOINT_URL_STS=${ready.url}    # only the web identity STS call
  export AWS_CONTAINER_CREDENTIALS_FULL_URI=${ready.url}/v1/credentials   # EKS Pod Identity (or /v2/credentials/<id>, ECS)
Control it: POST ${ready.url}/__emulator/configure  {"sts":{"mode":"throttle"}}
Records:    GET  ${ready.url}/__emulator/records
`);
  const stop = () => void ready.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  if (command.forSeconds !== undefined) setTimeout(stop, command.forSeconds * 1000).unref();
}

main().catch((error: unknown) => {
  process.stderr.write(`awscreds-emulator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`, () => process.exit(1));
});
