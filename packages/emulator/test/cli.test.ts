// The `awscreds-emulator` command, run as a child process the way `npx awscreds-emulator` runs it
// (from its source, through tsx): flags become options, bad ones are refused with exit code 2.
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, expect, test } from "vitest";
import { REGION } from "./support.js";

const REPOSITORY = fileURLToPath(new URL("../../../", import.meta.url));
const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const KEY = { accessKeyId: "AKIDCLITEST", secretAccessKey: "cli/test/secret" };

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

function cli(args: readonly string[]): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: REPOSITORY, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  return child;
}

/** Runs the command to its end: exit code and what it printed. */
async function run(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = cli(args);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout, stderr };
}

/** Starts the emulator and resolves with its URL once it listens. */
async function started(args: readonly string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = cli(args);
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /emulator listening on (http:\/\/\S+)/.exec(stdout);
      if (match !== null) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`exited with ${String(code)} before listening: ${stderr}`)));
  });
  return { child, url };
}

test("--function creates Lambda functions that ListFunctions and Invoke see", async () => {
  const { child, url } = await started(["--static-key", `${KEY.accessKeyId}:${KEY.secretAccessKey}`, "--function", "orders-worker", "--function", "billing"]);
  const lambda = new LambdaClient({ endpoint: url, region: REGION, credentials: KEY });
  const { Functions } = await lambda.send(new ListFunctionsCommand({}));
  expect(Functions?.map((fn) => fn.FunctionName)).toEqual(["billing", "orders-worker"]);
  const { Payload, StatusCode } = await lambda.send(new InvokeCommand({ FunctionName: "orders-worker", Payload: new TextEncoder().encode('{"order":1}') }));
  expect(StatusCode).toBe(200);
  expect(new TextDecoder().decode(Payload)).toBe('{"order":1}');
  await expect(lambda.send(new InvokeCommand({ FunctionName: "missing" }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });

  child.kill("SIGTERM");
  const [code] = (await once(child, "exit")) as [number | null];
  expect(code).toBe(0);
});

test("flags become the emulator's settings: latency ranges, clock offset, tables with their keys", async () => {
  const { child, url } = await started([
    "--static-key=AKIDCLITEST:cli/test/secret",
    "--sts-latency",
    "200-800",
    "--service-latency",
    "5",
    "--clock-offset=-5000",
    "--lifetime",
    "900",
    "--max-session-duration",
    "3600",
    "--web-identity-token",
    "expected-token",
    "--container-mode",
    "error5xx",
    "--container-token",
    "pod-token",
    "--table",
    "orders:id:sk",
    "--for",
    "30",
  ]);
  const settings = (await (await fetch(`${url}/__emulator/settings`)).json()) as Record<string, unknown>;
  expect(settings).toMatchObject({
    clockOffsetMs: -5000,
    sts: { latencyMs: { min: 200, max: 800 }, credentialLifetimeSeconds: 900, maxSessionDurationSeconds: 3600, expectedWebIdentityToken: "expected-token" },
    container: { mode: "error5xx", credentialLifetimeSeconds: 900, expectedAuthorizationToken: "pod-token" },
    service: { latencyMs: 5 },
  });
  const dynamodb = new DynamoDBClient({ endpoint: url, region: REGION, credentials: KEY });
  const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: "orders" }));
  expect(Table?.KeySchema).toEqual([
    { AttributeName: "id", KeyType: "HASH" },
    { AttributeName: "sk", KeyType: "RANGE" },
  ]);
  child.kill("SIGTERM");
  await once(child, "exit");
});

test("--for stops it by itself, with exit code 0", async () => {
  const started = Date.now();
  const { code, stdout } = await run(["--for", "0.5"]);
  expect(code).toBe(0);
  expect(stdout).toMatch(/^emulator listening on http:\/\/127\.0\.0\.1:\d+$/m);
  expect(Date.now() - started).toBeLessThan(15_000);
});

test("--help lists every flag the command takes, and checks the other arguments first", async () => {
  const help = await run(["--help"]);
  expect(help.code).toBe(0);
  const flags = [...help.stdout.matchAll(/^ {2}(--[a-z-]+)/gm)].map((match) => match[1]);
  expect(flags).toEqual(expect.arrayContaining(["--port", "--sts-mode", "--sts-latency", "--table", "--bucket", "--function", "--for", "--help"]));
  // Every flag in the help text is accepted (with a valid value), then --help exits before starting anything.
  const values: Record<string, string> = { "--sts-mode": "throttle", "--container-mode": "hang", "--static-key": "ID:SECRET", "--table": "t", "--host": "127.0.0.1" };
  const all = flags.filter((flag) => flag !== "--help").flatMap((flag) => [flag, values[flag!] ?? "1"]) as string[];
  const checked = await run([...all, "--help"]);
  expect(checked.stderr).toBe("");
  expect(checked.code).toBe(0);
});

test.for([
  [["--port", "http"], "--port takes an integer from 0 to 65535, got 'http'"],
  [["--sts-mode", "slow"], "--sts-mode takes one of ok, error5xx"],
  [["--sts-latency", "800-200"], "--sts-latency takes MS or MIN-MAX with MIN ≤ MAX"],
  [["--static-key", "AKIDONLY"], "--static-key takes ID:SECRET"],
  [["--table", "a:b:c:d"], "--table takes NAME[:PK[:SK]]"],
  [["--lambda", "f"], "Unknown option '--lambda'"],
  [["orders"], "Unexpected argument 'orders'"],
] as const)("%j is refused with exit code 2, before --help: %s", async ([args, message]) => {
  const { code, stderr } = await run([...args, "--help"]);
  expect(code).toBe(2);
  expect(stderr).toContain(message);
});

test("a host that is not loopback is refused when starting, with exit code 2", async () => {
  const { code, stderr } = await run(["--host", "0.0.0.0"]);
  expect(code).toBe(2);
  expect(stderr).toContain("binds loopback only");
});
