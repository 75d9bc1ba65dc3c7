import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { startEmulator } from "@awscreds/emulator";
import { isolatedEnv } from "../bench/children/isolatedEnv.js";
import { REPO_ROOT } from "../bench/children/runChild.js";
import { EmulatorTally } from "./emulatorTally.js";
import { lifetimeSecondsFor, MIN_PERIOD_MS, rotationPeriodMs } from "./pacing.js";
import type { ClientMessage, ClientPlan, ClientSample, ClientSummary, ParentMessage } from "./soakProtocol.js";

export const SOAK_REGION = "eu-west-1";
export const SOAK_ROLE_ARN = "arn:aws:iam::123456789012:role/awscreds-soak";
const TABLE = "soak-orders";
const BUCKET = "soak-objects";
const CLIENT_SCRIPT = fileURLToPath(new URL("./client/soakClient.ts", import.meta.url));

/** No message from the client for this long (not even progress) and it is killed: it hung. */
const STALL_MS = 120_000;
/** After its last message the client must exit by itself within this, or it is killed. */
const EXIT_GRACE_MS = 15_000;
const TICK_MS = 1_000;
const STDERR_KEPT = 8_000;

export interface SoakPlan {
  readonly requests: number;
  readonly rotations: number;
  readonly concurrency: number;
  readonly sampleEvery: number;
  readonly warmupRequests: number;
}

/** One look at the emulator's process (the soak's parent) after forced GC, at a client sample. */
export interface EmulatorSample {
  readonly requests: number;
  readonly heapUsedBytes: number;
  readonly activeResources: Readonly<Record<string, number>>;
  /** Request records the emulator held right after the soak drained them (0: nothing accumulates). */
  readonly requestRecordsHeld: number;
  /** STS call records it holds: one per credential call, kept on purpose. */
  readonly stsRecordsHeld: number;
}

export interface SoakProgress {
  readonly requests: number;
  readonly failed: number;
  readonly rotations: number;
  /** Requests per second so far. */
  readonly rate: number;
  readonly lastHeapBytes: number | undefined;
}

/** One STS credential call, as the emulator saw it. */
export interface StsCallFigure {
  /** ms since the first request of the run (negative: before it, the start-up fetch). */
  readonly atMs: number;
  readonly durationMs: number | undefined;
  readonly outcome: string;
  /** Lifetime of the credentials it issued, ms. */
  readonly lifetimeMs: number | undefined;
}

export interface SoakRun {
  readonly plan: SoakPlan;
  readonly startedAt: string;
  /** Whole run: emulator start to the child's exit. */
  readonly wallMs: number;
  /** From the first request to the last. */
  readonly loadMs: number;
  readonly clientSamples: readonly ClientSample[];
  readonly emulatorSamples: readonly EmulatorSample[];
  readonly summary: ClientSummary | undefined;
  readonly emulator: {
    readonly signedRequests: number;
    readonly byOperation: Readonly<Record<string, number>>;
    readonly signatureFailures: number;
    readonly expiredKeyUses: number;
    readonly errorAnswers: Readonly<Record<string, number>>;
    readonly requestsWithUnknownKey: number;
    readonly signedStsActions: number;
    readonly keysIssued: number;
    readonly keysUsed: number;
    /** Smallest time between a key's last request (arrival) and its expiration, ms. */
    readonly closestUseToExpiryMs: number | null;
    readonly recordsDrained: number;
  };
  readonly stsCalls: readonly StsCallFigure[];
  /** Lifetimes the pacing gave the emulator's STS, seconds. */
  readonly lifetimeSeconds: { readonly min: number; readonly max: number };
  readonly child: {
    readonly exitCode: number | null;
    readonly signal: string | null;
    /** It exited by itself after its last message (not killed). */
    readonly exitedBySelf: boolean;
    readonly exitAfterDoneMs: number | null;
    /** Why the run stopped early, if it did. */
    readonly problem: string | undefined;
    readonly stderrTail: string;
  };
}

export interface SoakHooks {
  readonly onReady?: () => void;
  readonly onProgress?: (progress: SoakProgress) => void;
  /** Ends the run early (Ctrl-C): the client is killed, everything closed. */
  readonly signal?: AbortSignal;
}

/** `global.gc` for this process: exposed at run time if node was started without `--expose-gc`. */
function gcFunction(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === "function") return exposed;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

function countByType(names: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/**
 * Runs the soak: the emulator here, on 127.0.0.1, with short credential lifetimes re-paced as
 * the run goes so it sees the rotations asked for; the client in a child process
 * (`node --expose-gc`), as an IRSA pod would be, pointed at a token file written for it. Drains
 * the emulator's request records every second into counters, and samples this process whenever
 * the client samples its own. Resolves once the child has exited and everything is closed.
 */
export async function runSoak(plan: SoakPlan, hooks: SoakHooks = {}): Promise<SoakRun> {
  const startedAt = new Date();
  const began = performance.now();
  const gc = gcFunction();
  const home = mkdtempSync(join(tmpdir(), "awscreds-soak-"));
  const tokenFile = join(home, "token");
  writeFileSync(tokenFile, "soak-projected-service-account-token");
  let lifetime = lifetimeSecondsFor(MIN_PERIOD_MS);
  const lifetimes = { min: lifetime, max: lifetime };
  const emulator = await startEmulator({
    host: "127.0.0.1",
    sts: { credentialLifetimeSeconds: lifetime },
    dynamodb: { tables: [{ name: TABLE, partitionKey: "pk" }] },
    s3: { buckets: [BUCKET] },
  }).catch((error: unknown) => {
    rmSync(home, { recursive: true, force: true });
    throw error;
  });
  const tally = new EmulatorTally();
  const clientSamples: ClientSample[] = [];
  const emulatorSamples: EmulatorSample[] = [];
  let summary: ClientSummary | undefined;
  let loadBegan: number | undefined;
  let loadBeganEpoch = Date.now();
  let doneAt: number | undefined;
  let closedAt = 0;
  let problem: string | undefined;
  let stderr = "";
  let exitedBySelf = true;
  let last = { requests: 0, failed: 0, rotations: 0 };

  const rotationsSoFar = () => Math.max(0, emulator.records.credentialCalls().filter((call) => call.outcome === "ok").length - 1);

  try {
    const clientPlan: ClientPlan = {
      requests: plan.requests,
      concurrency: plan.concurrency,
      warmupRequests: plan.warmupRequests,
      sampleEvery: plan.sampleEvery,
      progressEvery: Math.max(100, Math.min(5_000, Math.round(plan.requests / 500))),
      endpoint: emulator.url,
      region: SOAK_REGION,
      table: TABLE,
      bucket: BUCKET,
    };
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", CLIENT_SCRIPT, JSON.stringify(clientPlan)], {
      cwd: REPO_ROOT,
      env: {
        ...isolatedEnv(home),
        AWS_REGION: SOAK_REGION,
        AWS_ROLE_ARN: SOAK_ROLE_ARN,
        AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
        AWS_ENDPOINT_URL_STS: emulator.url,
        AWS_ROLE_SESSION_NAME: "awscreds-soak",
      },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const keep = (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_KEPT));
    child.stdout!.setEncoding("utf8").on("data", keep);
    child.stderr!.setEncoding("utf8").on("data", keep);
    let lastHeard = performance.now();
    let killer: NodeJS.Timeout | undefined;
    const kill = (why: string) => {
      problem ??= why;
      exitedBySelf = false;
      child.kill("SIGKILL");
    };
    const tell = (message: ParentMessage) => void child.send(message);

    const pace = () => {
      if (loadBegan === undefined) return;
      const rotations = rotationsSoFar();
      last = { ...last, rotations };
      const next = lifetimeSecondsFor(rotationPeriodMs({ requests: plan.requests, done: last.requests, elapsedMs: performance.now() - loadBegan, rotations, targetRotations: plan.rotations }));
      if (next !== lifetime) {
        lifetime = next;
        lifetimes.min = Math.min(lifetimes.min, lifetime);
        lifetimes.max = Math.max(lifetimes.max, lifetime);
        emulator.configure({ sts: { credentialLifetimeSeconds: lifetime } });
      }
    };
    const report = () => {
      if (loadBegan === undefined) return;
      const seconds = (performance.now() - loadBegan) / 1000;
      hooks.onProgress?.({ ...last, rate: seconds > 0 ? last.requests / seconds : 0, lastHeapBytes: clientSamples.at(-1)?.heapUsedBytes });
    };

    const sampleEmulator = async (requests: number) => {
      tally.drain(emulator.records);
      const held = emulator.records.requests.length;
      gc();
      await nextTurn();
      gc();
      emulatorSamples.push({
        requests,
        heapUsedBytes: process.memoryUsage().heapUsed,
        activeResources: countByType(process.getActiveResourcesInfo()),
        requestRecordsHeld: held,
        stsRecordsHeld: emulator.records.stsCalls.length,
      });
    };

    const onMessage = (message: ClientMessage) => {
      lastHeard = performance.now();
      switch (message.type) {
        case "ready":
          loadBegan = performance.now();
          loadBeganEpoch = Date.now();
          hooks.onReady?.();
          return;
        case "progress":
          last = { requests: message.requests, failed: message.failed, rotations: last.rotations };
          pace();
          report();
          return;
        case "sample":
          clientSamples.push(message.sample);
          last = { ...last, requests: message.sample.requests };
          sampleEmulator(message.sample.requests).then(
            () => {
              lastHeard = performance.now();
              tell({ type: "resume" });
              report();
            },
            (error: unknown) => kill(`sampling the emulator's process failed: ${String(error)}`),
          );
          return;
        case "done":
          summary = message.summary;
          doneAt = performance.now();
          last = { requests: summary.requests, failed: summary.failed, rotations: rotationsSoFar() };
          report();
          killer = setTimeout(() => kill(`the client did not exit within ${EXIT_GRACE_MS / 1000} s of its last message (something kept it alive)`), EXIT_GRACE_MS);
          return;
      }
    };
    child.on("message", onMessage);

    const ticker = setInterval(() => {
      tally.drain(emulator.records);
      if (doneAt === undefined && performance.now() - lastHeard > STALL_MS) kill(`no word from the client for ${STALL_MS / 1000} s: it hung`);
    }, TICK_MS);
    const onAbort = () => kill("interrupted");
    hooks.signal?.addEventListener("abort", onAbort, { once: true });

    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code, signal) => {
        closedAt = performance.now();
        resolve({ code, signal });
      });
    });
    clearInterval(ticker);
    clearTimeout(killer);
    hooks.signal?.removeEventListener("abort", onAbort);
    if (problem === undefined && summary === undefined) problem = `the client exited (${exit.signal ?? `code ${exit.code}`}) before it finished`;
    if (problem === undefined && exit.code !== 0) problem = `the client exited with code ${exit.code}`;

    tally.drain(emulator.records);
    const stsRecords = emulator.records.credentialCalls();
    const keys = tally.crossCheck(stsRecords);
    return {
      plan,
      startedAt: startedAt.toISOString().replace(/\.\d+Z$/, "Z"),
      wallMs: performance.now() - began,
      loadMs: summary?.elapsedMs ?? (loadBegan === undefined ? 0 : (doneAt ?? performance.now()) - loadBegan),
      clientSamples,
      emulatorSamples,
      summary,
      emulator: {
        signedRequests: tally.signedRequests,
        byOperation: tally.byOperation,
        signatureFailures: tally.signatureFailures,
        expiredKeyUses: tally.expiredKeyUses,
        errorAnswers: tally.errorAnswers,
        requestsWithUnknownKey: tally.requestsWithUnknownKey,
        signedStsActions: tally.signedStsActions,
        ...keys,
        recordsDrained: tally.drained,
      },
      stsCalls: stsRecords.map((call) => ({
        atMs: call.at - loadBeganEpoch,
        durationMs: call.durationMs,
        outcome: call.outcome,
        lifetimeMs: call.expiration === undefined ? undefined : call.expiration - call.at,
      })),
      lifetimeSeconds: lifetimes,
      child: {
        exitCode: exit.code,
        signal: exit.signal,
        exitedBySelf: exitedBySelf && summary !== undefined,
        exitAfterDoneMs: doneAt === undefined ? null : closedAt - doneAt,
        problem,
        stderrTail: stderr.trim(),
      },
    };
  } finally {
    await emulator.close();
    rmSync(home, { recursive: true, force: true });
  }
}
