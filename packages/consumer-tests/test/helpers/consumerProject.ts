import { execFile } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of a command run as a user would run it: without the `npm_*` variables of the
 * `npm test` that runs us (they would point npm at this repository), and without AWS settings
 * from this machine.
 */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^(npm_|AWS_)/i.test(key)) env[key] = value;
  return { ...env, ...extra };
}

/** Bytes of every file under `dir` (what `du --apparent-size -b` says), symlinks not followed. */
export function installedBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += installedBytes(path);
    else total += lstatSync(path).size;
  }
  return total;
}

/** A fresh npm project in a temporary folder, as a new user of the packages has. */
export class ConsumerProject {
  readonly dir: string;

  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), `awscreds-${prefix}-`));
    writeFileSync(join(this.dir, "package.json"), JSON.stringify({ name: "awscreds-consumer", version: "1.0.0", private: true }, null, 2));
  }

  /** `npm install`s these specs (versions, or tarball paths). Cached packages are used first. */
  async install(specs: readonly string[]): Promise<void> {
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", ...specs], { cwd: this.dir, env: cleanEnv({}), maxBuffer: 16 * 1024 * 1024 });
  }

  write(file: string, text: string): string {
    const path = join(this.dir, file);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
    return path;
  }

  /** Runs `node <file>` in the project, with `env` added; rejects with its output on a non-zero exit. */
  async node(file: string, env: Record<string, string> = {}, timeoutMs = 60_000): Promise<CommandResult> {
    return this.exec(process.execPath, [file], env, timeoutMs);
  }

  async exec(command: string, args: readonly string[], env: Record<string, string> = {}, timeoutMs = 120_000, cwd = this.dir): Promise<CommandResult> {
    try {
      return await run(command, [...args], { cwd, env: cleanEnv(env), timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
      throw new Error(`${command} ${args.join(" ")} failed: ${(error as Error).message}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`, { cause: error });
    }
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
