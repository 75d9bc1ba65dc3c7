// Every command in the ```sh blocks of README.md and docs/*.md, checked against the repository:
// - `npm ci`, `npm test`: the script exists; `npm install NAME…`: each is a workspace package or
//   a dependency of one;
// - `npm start -- …`, `npm run X -- …`: the script exists and, when it runs one file with tsx,
//   that file is run with the page's arguments plus `--help`: its own parser checks every flag
//   and value, then it prints its help and exits 0 without doing the work;
// - `npx BIN …`: a workspace package's bin is run the same way from its source; another bin
//   must be installed (`vitest run FILE`: the file must exist);
// - `curl … $AWS_ENDPOINT_URL/__emulator/…`: sent to a fresh emulator, which must answer 2xx;
// - `export VAR=value` is allowed; anything else fails until this test learns to check it.
import { startEmulator } from "@awscreds/emulator";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { commands, installable, scripts, workspaceBins, type Command } from "./docs/commands.js";
import { codeBlocks, docPages, REPOSITORY, tables } from "./docs/markdown.js";

const all = docPages()
  .flatMap((page) => codeBlocks(page))
  .filter((block) => block.lang === "sh")
  .flatMap((block) => commands(block));
const SCRIPTS = scripts();
const BINS = workspaceBins();
const PACKAGES = installable();

/** Runs `node --import tsx FILE ARGS --help`; resolves with its exit code and output. */
function help(file: string, args: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", file, ...args, "--help"], {
      cwd: REPOSITORY,
      env: { ...process.env, INIT_CWD: REPOSITORY },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

/** The same program and arguments are checked once, however many pages show them. */
const checked = new Map<string, Promise<string | undefined>>();
function checkWithHelp(file: string, args: readonly string[]): Promise<string | undefined> {
  const key = JSON.stringify([file, args]);
  let result = checked.get(key);
  if (result === undefined) {
    result = help(file, args).then(({ code, output }) => (code === 0 ? undefined : `\`${[file, ...args, "--help"].join(" ")}\` exited with ${String(code)}:\n${output.slice(0, 2_000)}`));
    checked.set(key, result);
  }
  return result;
}

/** What is wrong with a command, or `undefined` when it checks out. */
async function problem({ words }: Command): Promise<string | undefined> {
  const [program, ...rest] = words;
  if (program === "export") return rest.every((word) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) ? undefined : "export takes VAR=value";
  if (program === "npm") {
    const [sub, ...after] = rest;
    if (sub === "ci") return after.length === 0 ? undefined : "npm ci takes no arguments here";
    if (sub === "install" || sub === "i") {
      const unknown = after.filter((arg) => !arg.startsWith("-") && !PACKAGES.has(arg.replace(/(.)@[^@/]*$/, "$1")));
      return unknown.length === 0 ? undefined : `npm install ${unknown.join(" ")}: neither a workspace package nor a dependency of one`;
    }
    const script = sub === "run" ? after.shift() : sub;
    if (script === undefined || !(script in SCRIPTS)) return `no npm script "${String(script)}" in package.json (scripts: ${Object.keys(SCRIPTS).join(", ")})`;
    const args = after[0] === "--" ? after.slice(1) : after;
    if (after.length > 0 && after[0] !== "--") return `npm passes arguments to a script only after --: npm ${sub === "run" ? `run ${script}` : script} -- ${after.join(" ")}`;
    const tsxEntry = /^tsx (\S+\.ts)$/.exec(SCRIPTS[script]!)?.[1];
    if (tsxEntry === undefined) return args.length === 0 ? undefined : `the script "${script}" is not one tsx file; cannot check its arguments`;
    return checkWithHelp(tsxEntry, args);
  }
  if (program === "npx") {
    const [bin, ...args] = rest;
    const source = BINS.get(bin ?? "");
    if (source !== undefined) return checkWithHelp(source, args);
    if (bin === undefined || !existsSync(join(REPOSITORY, "node_modules", ".bin", bin))) return `npx ${String(bin)}: no workspace bin and not installed`;
    if (bin === "vitest" && args[0] === "run") {
      const missing = args.slice(1).filter((arg) => !arg.startsWith("-") && !existsSync(join(REPOSITORY, arg)));
      return missing.length === 0 ? undefined : `no such test file: ${missing.join(", ")}`;
    }
    return undefined;
  }
  if (program === "curl") {
    const target = rest.find((word) => /^\$\{?AWS_ENDPOINT_URL\}?\//.test(word));
    if (target === undefined) return "curl: point it at $AWS_ENDPOINT_URL (what the emulator's CLI tells you to export)";
    const method = rest[rest.indexOf("-X") + 1] ?? "GET";
    const data = rest.includes("-d") ? rest[rest.indexOf("-d") + 1] : undefined;
    await using aws = await startEmulator();
    const response = await fetch(target.replace(/^\$\{?AWS_ENDPOINT_URL\}?/, aws.url), { method: rest.includes("-X") ? method : data === undefined ? "GET" : "POST", body: data });
    return response.ok ? undefined : `the emulator answered ${response.status}: ${await response.text()}`;
  }
  return `docsCommands.test.ts does not know how to check \`${String(program)}\``;
}

test("the docs show commands", () => {
  expect(all.length).toBeGreaterThan(5);
});

test.concurrent.for(all.map((command) => [`${command.block.page}:${command.line}`, command.text, command] as const))("%s: %s", { timeout: 90_000 }, async ([, , command]) => {
  expect(await problem(command)).toBeUndefined();
});

test("docs/emulator.md's flag table lists exactly the flags of `awscreds-emulator --help`", { timeout: 60_000 }, async () => {
  const { code, output } = await help(BINS.get("awscreds-emulator")!, []);
  expect(code).toBe(0);
  const flags = [...output.matchAll(/^ {2}(--[a-z][a-z-]*)/gm)].map((match) => match[1]);
  const table = tables("docs/emulator.md").find((candidate) => candidate.header[0] === "flag");
  expect(table, "a table whose first column is `flag`").toBeDefined();
  const documented = table!.rows.map((row) => /`(--[a-z][a-z-]*)/.exec(row.cells[0] ?? "")?.[1]);
  expect(documented).toEqual(flags);
});
