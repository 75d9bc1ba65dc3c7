// Every code block of README.md and docs/*.md, extracted from the Markdown (never copied here):
// ts and js blocks are type-checked in one program, json blocks parsed, and the blocks marked
// `run` are run against a fresh emulator. The info-string conventions are in ./docs/snippets.ts;
// sh blocks are checked by docsCommands.test.ts and mermaid blocks by docsMermaid.test.ts.
import { closeDefaultSlot } from "@awscreds/core";
import { startEmulator } from "@awscreds/emulator";
import { mkdirSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, expect, test, vi } from "vitest";
import { codeBlocks, docPages, type CodeBlock } from "./docs/markdown.js";
import { pendingTests } from "./docs/snippetContext.js";
import { compileSnippets, placeholdersUsed, runnableModule, SNIPPET_DIRECTORY, snippetFileName, type SnippetDiagnostic } from "./docs/snippets.js";

const blocks = docPages().flatMap((page) => codeBlocks(page));
const CHECKED = new Set(["ts", "js", "json", "sh", "mermaid", "text"]);
const typeChecked = blocks.filter((block) => block.lang === "ts" || block.lang === "js" || (block.lang === "json" && block.attributes.has("satisfies")));
const runnable = blocks.filter((block) => block.attributes.has("run"));

test("every code block says what it is, in a language the docs tests check", () => {
  const unchecked = blocks.filter((block) => !CHECKED.has(block.lang)).map((block) => `${block.where}: \`\`\`${block.lang}`);
  expect(unchecked, "use ts, js, json, sh, mermaid, or text for output and pseudo-code").toEqual([]);
  const misplaced = blocks.filter((block) => block.attributes.has("run") && block.lang !== "ts" && block.lang !== "js").map((block) => block.where);
  expect(misplaced, "`run` is for ts and js blocks").toEqual([]);
});

let diagnostics: Map<CodeBlock, SnippetDiagnostic[]>;
beforeAll(() => {
  diagnostics = compileSnippets(typeChecked);
}, 180_000);

test.for(typeChecked.map((block) => [block.where, block] as const))("%s type-checks", ([, block]) => {
  expect(diagnostics.get(block)?.map((diagnostic) => diagnostic.message)).toEqual([]);
});

test.for(blocks.filter((block) => block.lang === "json").map((block) => [block.where, block] as const))("%s is JSON", ([, block]) => {
  expect(() => JSON.parse(block.code)).not.toThrow();
});

// Running: each `run` block is a module of its own, imported once, with the IRSA environment
// pointing every client (STS included) at a fresh emulator that has an "orders" table and
// bucket. A block's `test(...)` calls run right after it; its SIGTERM handlers are called at the
// end (that is how the pages close their slots); then the default slot is closed.
const directory = join(SNIPPET_DIRECTORY, String(process.pid));
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
  try {
    rmdirSync(SNIPPET_DIRECTORY); // only when empty: another run may own a sibling
  } catch {
    // not empty, or already gone
  }
});
afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await closeDefaultSlot();
});

test("runnable blocks use no placeholder (a name with no value behind it)", () => {
  const offenders = runnable.flatMap((block) => placeholdersUsed(block).map((name) => `${block.where}: ${name}`));
  expect(offenders).toEqual([]);
});

test.for(runnable.map((block) => [block.where, block] as const))("%s runs", { timeout: 60_000 }, async ([, block]) => {
  await using aws = await startEmulator({ dynamodb: { tables: [{ name: "orders" }] }, s3: { buckets: ["orders"] } });
  mkdirSync(directory, { recursive: true });
  const tokenFile = join(directory, "irsa-token");
  writeFileSync(tokenFile, "docs-token");
  vi.stubEnv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/docs");
  vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile);
  vi.stubEnv("AWS_REGION", "eu-west-1");
  vi.stubEnv("AWS_ENDPOINT_URL", aws.url);
  const output: unknown[][] = [];
  for (const method of ["log", "warn", "info", "debug", "error"] as const) vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void output.push(args));
  const onSigterm: Array<() => unknown> = [];
  const once = process.once.bind(process);
  vi.spyOn(process, "once").mockImplementation(((event: string | symbol, listener: (...args: unknown[]) => void) => {
    if (event !== "SIGTERM") return once(event, listener);
    onSigterm.push(listener);
    return process;
  }) as typeof process.once);

  const file = join(directory, snippetFileName(block));
  writeFileSync(file, runnableModule(block, "../../snippetContext.js"));
  pendingTests.length = 0;
  await import(pathToFileURL(file).href);
  for (const { fn } of pendingTests.splice(0)) await fn();
  vi.useRealTimers(); // a block's test may have faked them
  for (const listener of onSigterm) await listener();

  const failed = aws.records.requests.filter((request) => !request.signatureValid).map((request) => `${request.service} ${request.operation}: ${request.errorCode}`);
  expect(failed, "every request the block sent to the shared emulator was signed validly").toEqual([]);
  expect(output.filter((args) => args.some((arg) => arg instanceof Error)), "nothing logged an error").toEqual([]);
});
