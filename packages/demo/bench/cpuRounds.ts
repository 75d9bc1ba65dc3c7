// The CPU figures' harness: rounds of requests through several set-ups built in one process,
// the set-ups taking turns block by block, each round's requests shared out between processes
// measuring at once.
import { availableParallelism, tmpdir } from "node:os";
import { isolatedEnv } from "./children/isolatedEnv.js";
import { runChild } from "./children/runChild.js";

/** How much a CPU figure sends. Every count is per set-up. */
export interface CpuPlan {
  readonly rounds: number;
  /** Requests each set-up sends in a round, after warm-up, over all processes. */
  readonly requestsPerRound: number;
  /** A round is cut into blocks of this many requests; the set-ups take turns block by block. */
  readonly blockRequests: number;
  /** Requests each set-up sends before the first round, in each process, not measured. */
  readonly warmUpRequests: number;
  /** Processes measuring at once (at most the machine's cores), each sending its share of every round. */
  readonly processes: number;
}

/** The set-ups of one CPU figure, built in the process that measures them. */
export interface CpuSetups<Name extends string = string> {
  /** The start of the figure's progress lines, e.g. `cpu per request`. */
  readonly label: string;
  readonly names: readonly Name[];
  /** Sends `count` requests through set-up `name`, one after another. */
  send(name: Name, count: number): Promise<void>;
  /**
   * After the last round: throws unless every set-up handled `requests` requests as it claims
   * (signed with its key, seen by its sink…), releases the set-ups and returns what the figure keeps.
   */
  finish(requests: number): Promise<Readonly<Record<string, number>>>;
}

/** Which figure's set-ups a measuring process builds (see cpuBenches.ts). */
export type CpuBenchId = "cpu-per-request" | "sign-trace-overhead";

/**
 * One round: `requests` per set-up in blocks of `blockRequests`, the set-ups taking turns in
 * alternating order (A B C, C B A, …; `reversed` starts with the second), so whatever the machine
 * does meanwhile (another process, a GC of an earlier block's garbage) falls on all of them
 * alike. Returns each set-up's process CPU time (user + system) per request, in µs.
 */
export async function interleavedRound<Name extends string>(setups: CpuSetups<Name>, requests: number, blockRequests: number, reversed: boolean): Promise<Record<Name, number>> {
  const micros = Object.fromEntries(setups.names.map((name) => [name, 0])) as Record<Name, number>;
  const backwards = [...setups.names].reverse();
  for (let sent = 0, block = 0; sent < requests; sent += blockRequests, block++) {
    const count = Math.min(blockRequests, requests - sent);
    for (const name of (block % 2 === 1) !== reversed ? backwards : setups.names) {
      const before = process.cpuUsage();
      await setups.send(name, count);
      const used = process.cpuUsage(before);
      micros[name] += used.user + used.system;
    }
  }
  for (const name of setups.names) micros[name] /= requests;
  return micros;
}

/** What a measuring process is asked to do. */
export interface CpuChildTask {
  readonly bench: CpuBenchId;
  readonly plan: CpuPlan;
  /** Its share of each round: requests per set-up. */
  readonly requestsPerRound: number;
  /** 0 or 1: processes running at once take the set-ups in opposite orders. */
  readonly process: number;
}

/** What a measuring process prints: CPU µs per request of each set-up in each round, and its set-ups' facts. */
export interface CpuChildLine {
  readonly requestsPerRound: number;
  readonly cpuMicrosPerRequest: Readonly<Record<string, readonly number[]>>;
  readonly facts: Readonly<Record<string, number>>;
}

/** Runs a task in this process: warm-up, every round (its share of it), the set-ups' final check. `log` gets one line per round. */
export async function runCpuTask(setups: CpuSetups, task: CpuChildTask, log: (line: string) => void): Promise<CpuChildLine> {
  const { plan } = task;
  await interleavedRound(setups, plan.warmUpRequests, plan.blockRequests, task.process % 2 === 1);
  const cpu: Record<string, number[]> = Object.fromEntries(setups.names.map((name) => [name, []]));
  for (let round = 0; round < plan.rounds; round++) {
    const micros = await interleavedRound(setups, task.requestsPerRound, plan.blockRequests, (round + task.process) % 2 === 1);
    for (const name of setups.names) cpu[name]!.push(micros[name]!);
    const values = setups.names.map((name) => `${name} ${micros[name]!.toFixed(1)}`).join(", ");
    log(`${setups.label} round ${round + 1}/${plan.rounds}, process ${task.process + 1}: µs CPU per request: ${values}`);
  }
  const facts = await setups.finish(plan.warmUpRequests + plan.rounds * task.requestsPerRound);
  return { requestsPerRound: task.requestsPerRound, cpuMicrosPerRequest: cpu, facts };
}

/** What a CPU figure gets back: every set-up's CPU µs per request in round order, and each process's facts. */
export interface CpuMeasurement<Name extends string> {
  readonly cpuMicrosPerRequest: Record<Name, number[]>;
  readonly processes: number;
  /** Requests per set-up per round actually sent, over all processes (the plan's, rounded up to a multiple of the processes). */
  readonly requestsPerRound: number;
  readonly facts: ReadonlyArray<Readonly<Record<string, number>>>;
}

/** Generous: a child that hangs is killed then and the figure fails, instead of blocking the bench. */
const CHILD_TIMEOUT_MS = 30 * 60_000;

/**
 * Measures a CPU figure's set-ups in `plan.processes` fresh processes at once (capped at the
 * machine's cores). Each builds every set-up, warms them up, and sends its share of every round
 * with interleavedRound, the two processes taking the set-ups in opposite orders; a round's CPU
 * per request of a set-up is the mean over the processes (their shares are equal), so a round's
 * ratios compare set-ups measured side by side, at the same time, in the same processes.
 */
export async function measureCpu<Name extends string>(bench: CpuBenchId, names: readonly Name[], plan: CpuPlan, log: (line: string) => void): Promise<CpuMeasurement<Name>> {
  const processes = Math.max(1, Math.min(plan.processes, availableParallelism()));
  const share = Math.ceil(plan.requestsPerRound / processes);
  const tasks: CpuChildTask[] = Array.from({ length: processes }, (_, process) => ({ bench, plan, requestsPerRound: share, process }));
  const lines = await Promise.all(
    tasks.map((task) =>
      runChild<CpuChildLine>({ script: "cpuRounds.ts", args: [JSON.stringify(task)], env: isolatedEnv(tmpdir()), timeoutMs: CHILD_TIMEOUT_MS, onStderrLine: log }),
    ),
  );
  const cpu = Object.fromEntries(
    names.map((name) => {
      const perProcess = lines.map((line) => line.cpuMicrosPerRequest[name] ?? []);
      if (perProcess.some((values) => values.length !== plan.rounds)) throw new Error(`${bench}: a measuring process returned ${JSON.stringify(perProcess)} for ${name}, not ${plan.rounds} rounds`);
      const mean = Array.from({ length: plan.rounds }, (_, round) => perProcess.reduce((sum, values) => sum + values[round]!, 0) / processes);
      if (!mean.every((value) => value > 0)) throw new Error(`${bench}: ${name} has no positive CPU time in some round: ${JSON.stringify(mean)}`);
      return [name, mean];
    }),
  ) as Record<Name, number[]>;
  return { cpuMicrosPerRequest: cpu, processes, requestsPerRound: share * processes, facts: lines.map((line) => line.facts) };
}
