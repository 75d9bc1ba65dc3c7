// @opentelemetry/api is an optional peer dependency: the package must load and trace without it,
// and only the OpenTelemetry sink may ever load it.
import { startEmulator } from "@awscreds/emulator";
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, test } from "vitest";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

test("no source file imports @opentelemetry at runtime; only the sink and its loader mention it, and only the loader requires it", () => {
  const lines = readdirSync(SRC, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") || file.endsWith(".cts"))
    .flatMap((file) => readFileSync(SRC + file, "utf8").split("\n").map((line) => ({ file, line: line.trim() })));
  const imports = lines.filter(({ line }) => /from "@opentelemetry\//.test(line)).map(({ file, line }) => `${file}: ${line}`);
  expect(imports.sort()).toEqual([
    'sinks/loadOpenTelemetryApi-cjs.cts: import type * as OpenTelemetryApi from "@opentelemetry/api";',
    'sinks/loadOpenTelemetryApi.ts: import type * as OpenTelemetryApi from "@opentelemetry/api";',
    'sinks/openTelemetrySink.ts: import type * as OpenTelemetryApi from "@opentelemetry/api";',
  ]);
  const requires = new Set(lines.filter(({ line }) => /require\("@opentelemetry\//.test(line) && !line.startsWith("*")).map(({ file }) => file));
  expect([...requires].sort()).toEqual(["sinks/loadOpenTelemetryApi-cjs.cts", "sinks/loadOpenTelemetryApi.ts"]);
});

// Run in a child process in which any attempt to resolve @opentelemetry/* fails, by require or import.
const CHILD = `
import Module, { register } from "node:module";
const blocked = (specifier) => typeof specifier === "string" && specifier.startsWith("@opentelemetry/");
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (blocked(request)) throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: "MODULE_NOT_FOUND" });
  return resolveFilename.call(this, request, ...rest);
};
register("data:text/javascript," + encodeURIComponent(
  'export async function resolve(s, c, next) { if (s.startsWith("@opentelemetry/")) throw Object.assign(new Error("Cannot find package " + s), { code: "ERR_MODULE_NOT_FOUND" }); return next(s, c); }'));
const { signTrace } = await import(process.env.SIGN_TRACE_INDEX);
const { DynamoDBClient, ListTablesCommand } = await import("@aws-sdk/client-dynamodb");
const client = new DynamoDBClient({ region: "eu-west-1", endpoint: process.env.EMULATOR_URL, credentials: { accessKeyId: "AKIDSIGNTRACE", secretAccessKey: "test-secret" } });
const trace = signTrace();
client.middlewareStack.use(trace);
await client.send(new ListTablesCommand({}));
let error;
try { signTrace({ openTelemetry: true }); } catch (e) { error = e; }
const esmBlocked = await import("@opentelemetry/api").then(() => false, () => true);
process.stdout.write(JSON.stringify({ esmBlocked, attempts: trace.snapshot().operations[0]?.attempts, name: error?.name, message: error?.message, cause: error?.cause?.code }));
`;

test("without @opentelemetry/api the plugin loads and traces; asking for the OpenTelemetry sink throws a clear SignTraceConfigurationError", async () => {
  await using aws = await startEmulator({ staticKeys: [{ accessKeyId: "AKIDSIGNTRACE", secretAccessKey: "test-secret" }] });
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", CHILD], {
    cwd: ROOT,
    env: { ...process.env, SIGN_TRACE_INDEX: SRC + "index.ts", EMULATOR_URL: aws.url },
  });
  expect(JSON.parse(stdout)).toEqual({
    esmBlocked: true, // the control: the child really cannot import it
    attempts: 1,
    name: "SignTraceConfigurationError",
    message: "signTrace({ openTelemetry }) needs the optional peer dependency @opentelemetry/api: install it, or leave openTelemetry off",
    cause: "MODULE_NOT_FOUND",
  });
});
