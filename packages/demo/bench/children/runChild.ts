import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root: children run there so tsx finds tsconfig.json and its `paths` to the workspace sources. */
export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

export interface ChildRun {
  /** A script under packages/demo/bench/children/, relative to that folder (e.g. `coldStart/staticKeys.ts`). */
  readonly script: string;
  readonly args?: readonly string[];
  /** The child's whole environment: nothing of the parent's leaks in. */
  readonly env: Readonly<Record<string, string>>;
  /** Extra `node` flags, e.g. `--expose-gc`. */
  readonly nodeFlags?: readonly string[];
  /** Then the child is killed and the run fails. */
  readonly timeoutMs: number;
  /** Called with each line the child writes to stderr, as it comes (progress lines); stderr is still kept for the error. */
  readonly onStderrLine?: (line: string) => void;
}

/**
 * Runs a benchmark child as a user runs TypeScript (`node --import tsx <script>`), waits for it to
 * exit by itself, and returns the one JSON line it printed. Fails with the child's stderr when it
 * exits non-zero, prints anything but one JSON line, or outlives `timeoutMs` (then it is killed, so
 * a child that hangs, or a handle that keeps it alive, fails the figure instead of blocking it).
 */
export function runChild<Result>(run: ChildRun): Promise<Result> {
  const file = fileURLToPath(new URL(run.script, import.meta.url));
  const argv = [...(run.nodeFlags ?? []), "--import", "tsx", file, ...(run.args ?? [])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: REPO_ROOT, env: run.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    let pending = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      if (run.onStderrLine === undefined) return;
      const lines = (pending + chunk).split("\n");
      pending = lines.pop()!;
      for (const line of lines) run.onStderrLine(line);
    });
    let timedOut = false;
    const killer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, run.timeoutMs);
    const fail = (why: string) => reject(new Error(`benchmark child ${run.script} ${why}${stderr.trim() === "" ? "" : `; its stderr:\n${stderr.trim()}`}`));
    child.on("error", (error) => {
      clearTimeout(killer);
      fail(`could not start: ${error.message}`);
    });
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      if (timedOut) return fail(`did not exit within ${run.timeoutMs} ms and was killed (it hung, or something kept the process alive)`);
      if (code !== 0) return fail(`exited with ${code === null ? `signal ${signal}` : `code ${code}`}`);
      const lines = stdout.trim().split("\n").filter((line) => line !== "");
      if (lines.length !== 1) return fail(`printed ${lines.length} lines instead of one JSON line: ${JSON.stringify(stdout.slice(0, 500))}`);
      try {
        resolve(JSON.parse(lines[0]!) as Result);
      } catch {
        fail(`printed a line that is not JSON: ${lines[0]!.slice(0, 500)}`);
      }
    });
  });
}
