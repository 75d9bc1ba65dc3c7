/**
 * A slot never keeps an idle process alive, and never lets a process exit while someone waits on
 * it. Node keeps a process alive for ref'd handles, never for a pending promise: were every slot
 * timer unref()'d, a script awaiting `ready()`, a `send()` or an ExpiredToken replacement across
 * the slot's next retry would just exit, with code 13 under ESM top-level await, and with code 0
 * and its work silently undone under CommonJS.
 *
 * Each test runs the README quick start in a child process (ESM and CommonJS flavours, in
 * fixtures/processExit/) against the emulator, and lets it end by itself: no process.exit, no
 * closeDefaultSlot. The children load the library from its TypeScript source through tsx.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator, type Emulator } from "@awscreds/emulator";
import { afterAll, describe, test } from "vitest";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const FIXTURES = new URL("./fixtures/processExit/", import.meta.url);
/** A child that hangs is killed then, and fails its test instead of blocking the run. */
const CHILD_TIMEOUT = 20_000;
const TEST_TIMEOUT = CHILD_TIMEOUT + 10_000;
const OK_LINE = 'OK ["orders"]';

const scratch = mkdtempSync(join(tmpdir(), "awscreds-process-exit-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** From spawn to exit. */
  ms: number;
}

/** Runs a fixture as a user would (`node --import tsx <script>`), with only the IRSA environment. */
function runQuickStart(script: string, aws: Emulator, scenario: "ready" | "send"): Promise<ChildResult> {
  const home = mkdtempSync(join(scratch, "child-")); // also keeps any ~/.aws out of the child
  const tokenFile = join(home, "token");
  writeFileSync(tokenFile, "process-exit-token");
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: home,
    AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/orders-service",
    AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
    AWS_REGION: "eu-west-1",
    AWS_ENDPOINT_URL: aws.url, // the SDK and fromWebIdentity both honour it: STS and DynamoDB go to the emulator
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    SCENARIO: scenario,
  };
  const started = performance.now();
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL(script, FIXTURES))],
      { cwd: REPO_ROOT, env, timeout: CHILD_TIMEOUT, killSignal: "SIGKILL" },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, signal: child.signalCode, stdout, stderr, ms: Math.round(performance.now() - started) }),
    );
  });
}

interface Scenario {
  name: string;
  scenario: "ready" | "send";
  arrange(aws: Emulator): void;
  /** Outcomes of the credential calls, in order. */
  sts: string[];
  /** Error code (or `ok`) of each ListTables attempt, in order. */
  listTables: string[];
}

const waiting: Scenario[] = [
  {
    name: "ready() across one STS 503 at start-up",
    scenario: "ready",
    arrange: (aws) => aws.injectStsFaults("error5xx", 1),
    sts: ["ServiceUnavailable", "ok"],
    listTables: ["ok"],
  },
  {
    // Throttling backs off up to 5 s (throttleBackoffBase): within the child's timeout.
    name: "ready() across one STS throttle at start-up",
    scenario: "ready",
    arrange: (aws) => aws.injectStsFaults("throttle", 1),
    sts: ["Throttling", "ok"],
    listTables: ["ok"],
  },
  {
    // Today the STS socket in flight holds the process: this pins that it still ends on its own.
    name: "ready() while STS is slow, though faster than the fetch timeout",
    scenario: "ready",
    arrange: (aws) => aws.configure({ sts: { latencyMs: 1_500 } }),
    sts: ["ok"],
    listTables: ["ok"],
  },
  {
    name: "send() without ready() across one STS 503 at start-up",
    scenario: "send",
    arrange: (aws) => aws.injectStsFaults("error5xx", 1),
    sts: ["ServiceUnavailable", "ok"],
    listTables: ["ok"],
  },
  {
    name: "send() recovering from ExpiredToken right after start-up",
    scenario: "ready",
    arrange: (aws) => aws.injectServiceFaults("ExpiredToken", 1, "dynamodb"),
    sts: ["ok", "ok"],
    listTables: ["ExpiredTokenException", "ok"], // DynamoDB words it so
  },
];

const outcomes = (aws: Emulator) => ({
  sts: aws.records.credentialCalls().map((call) => call.outcome),
  listTables: aws.records.requests.filter((r) => r.operation === "ListTables").map((r) => r.errorCode ?? "ok"),
});

describe.for(["quickStart.mjs", "quickStart.cjs"])("%s: the process exits by itself", (script) => {
  test.concurrent.for(waiting)("after its work, never before: $name", { timeout: TEST_TIMEOUT }, async ({ scenario, arrange, sts, listTables }, { expect }) => {
    await using aws = await startEmulator({ dynamodb: { tables: [{ name: "orders" }] } });
    arrange(aws);

    const run = await runQuickStart(script, aws, scenario);

    // Broken, an ESM child exits 13 with no output, a CommonJS one exits 0 without the OK line.
    expect({ code: run.code, signal: run.signal, stdout: run.stdout }, run.stderr).toEqual({ code: 0, signal: null, stdout: `${OK_LINE}\n` });
    expect(outcomes(aws)).toEqual({ sts, listTables });
    const lastKey = aws.records.credentialCalls().at(-1)?.accessKeyId;
    expect(aws.records.requests.at(-1)).toMatchObject({ operation: "ListTables", status: 200, signatureValid: true, accessKeyId: lastKey });
  });

  test.concurrent("idle: a ready slot that served its request does not hold the process until its next refresh", { timeout: TEST_TIMEOUT }, async ({ expect }) => {
    await using aws = await startEmulator({ dynamodb: { tables: [{ name: "orders" }] } });

    const run = await runQuickStart(script, aws, "ready");

    expect({ code: run.code, signal: run.signal, stdout: run.stdout }, run.stderr).toEqual({ code: 0, signal: null, stdout: `${OK_LINE}\n` });
    expect(outcomes(aws)).toEqual({ sts: ["ok"], listTables: ["ok"] });
    // The credentials last an hour: a slot holding the process would keep it until the 20 s kill.
    expect(run.ms).toBeLessThan(10_000);
  });
});
