import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isolatedEnv } from "../children/isolatedEnv.js";
import type { MemoryChildLine, RequestPlan, ResourceSample } from "../children/memory/memoryLine.js";
import { runChild } from "../children/runChild.js";
import type { Figure, FigureOptions, FigureResult } from "../figure.js";
import { alternateRounds, spread } from "../rounds.js";

/** 1,000,000 requests, a rotation before every 10,000 (100 rotations), sampled at 10,000 and every 100,000. */
const FULL_PLAN: RequestPlan = { requests: 1_000_000, batchSize: 10_000, firstSampleAt: 10_000, sampleEvery: 100_000 };
/** A smoke run: 20,000 requests, 4 rotations, a sample after each batch. */
const QUICK_PLAN: RequestPlan = { requests: 8_000, batchSize: 2_000, firstSampleAt: 2_000, sampleEvery: 2_000 };
/** A round is 2 × 1,000,000 requests, ~25 min here (the SDK spends ~0.7 ms of CPU per request): 2 rounds, one in each order. */
const FULL_ROUNDS = 2;
const QUICK_ROUNDS = 1;
const MB = 1_000_000;
/** Heap growth allowed from the first sample to the last. */
const GROWTH_BUDGET_BYTES = 1 * MB;

/**
 * A child that does not finish in this time is killed: a minute to start, and 4 ms per request,
 * ≈ 6× what one takes on an idle core, because a machine running other benchmarks gives a child
 * half a core or less; a hung child is caught either way.
 */
function childTimeoutMs(plan: RequestPlan): number {
  return 60_000 + plan.requests * 4;
}

const SETUPS = {
  awscreds: { label: "awscreds, a fresh key per rotation", script: "memory/awscredsRotating.ts" },
  stock: { label: "stock SDK, static keys (baseline)", script: "memory/stockStaticKeys.ts" },
} as const;
type SetupName = keyof typeof SETUPS;

/** What the figure keeps in its JSON: every child's line, by set-up, in round order. */
export interface MemoryRaw {
  readonly plan: RequestPlan;
  readonly rounds: number;
  readonly runs: Readonly<Record<SetupName, readonly MemoryChildLine[]>>;
}

const first = (line: MemoryChildLine): ResourceSample => line.samples[0]!;
const last = (line: MemoryChildLine): ResourceSample => line.samples[line.samples.length - 1]!;
const growthBytes = (line: MemoryChildLine): number => last(line).heapUsedBytes - first(line).heapUsedBytes;
const mb = (bytes: number): string => `${bytes >= 0 ? "+" : "−"}${(Math.abs(bytes) / MB).toFixed(3)} MB`;
const handles = (sample: ResourceSample): string =>
  Object.entries(sample.activeResources)
    .map(([type, count]) => `${type}×${count}`)
    .join(", ") || "none";

/** Resource types whose count at the last sample exceeds the first sample's. */
function grownResources(line: MemoryChildLine): string[] {
  const before = first(line).activeResources;
  return Object.entries(last(line).activeResources)
    .filter(([type, count]) => count > (before[type] ?? 0))
    .map(([type, count]) => `${type} ${before[type] ?? 0} → ${count}`);
}

/**
 * Asserts the child measured what it claims: as many samples as planned, and the last request of
 * every batch signed with the key that batch was meant to carry (for awscreds, a new key per
 * batch, each different). Otherwise the heap numbers would describe some other workload.
 */
function assertMeasuredAsPlanned(name: SetupName, line: MemoryChildLine, plan: RequestPlan): void {
  const batches = Math.ceil(plan.requests / plan.batchSize);
  if (line.batches.length !== batches || line.samples.length < 2 || last(line).requests !== plan.requests) {
    throw new Error(`memory: the ${name} child ran ${line.batches.length}/${batches} batches and ${line.samples.length} samples, ending at ${last(line)?.requests} requests`);
  }
  const wrong = line.batches.find((batch) => batch.signedKey !== batch.expectedKey);
  if (wrong !== undefined) {
    throw new Error(`memory: batch ${wrong.batch} of ${name} was signed by ${wrong.signedKey ?? "no key"}, not by ${wrong.expectedKey}`);
  }
  if (name === "awscreds" && new Set(line.batches.map((batch) => batch.expectedKey)).size !== batches) {
    throw new Error("memory: awscreds batches did not each get a new key: a rotation did not happen");
  }
}

function sampleRows(round: number, name: SetupName, line: MemoryChildLine): Array<Record<string, string | number>> {
  const baseline = first(line).heapUsedBytes;
  return line.samples.map((sample) => ({
    round: round + 1,
    "set-up": SETUPS[name].label,
    requests: sample.requests,
    "heap used (MB)": sample.heapUsedBytes / MB,
    "Δ heap since first sample (MB)": (sample.heapUsedBytes - baseline) / MB,
    "live timers": sample.liveTimers,
    "active handles": handles(sample),
    "slot listeners": sample.slotListeners ?? "—",
    "process listeners": sample.processListeners,
  }));
}

async function run({ quick, log }: FigureOptions): Promise<FigureResult> {
  const plan = quick ? QUICK_PLAN : FULL_PLAN;
  const rounds = quick ? QUICK_ROUNDS : FULL_ROUNDS;
  const rotations = Math.ceil(plan.requests / plan.batchSize);
  const home = mkdtempSync(join(tmpdir(), "awscreds-bench-memory-"));
  try {
    const runs: Record<SetupName, MemoryChildLine[]> = { awscreds: [], stock: [] };
    const runSetup = (name: SetupName) => async (): Promise<number> => {
      log(`memory: ${name}, ${plan.requests.toLocaleString("en-US")} requests…`);
      const line = await runChild<MemoryChildLine>({
        script: SETUPS[name].script,
        args: [JSON.stringify(plan)],
        env: isolatedEnv(home),
        nodeFlags: ["--expose-gc"], // heap samples are taken after a forced full GC
        timeoutMs: childTimeoutMs(plan),
      });
      assertMeasuredAsPlanned(name, line, plan);
      runs[name].push(line);
      return growthBytes(line);
    };
    const growth = await alternateRounds(rounds, { awscreds: runSetup("awscreds"), stock: runSetup("stock") }, (round, name, value) =>
      log(`memory round ${round + 1}/${rounds}: ${name} heap ${mb(value)} from ${plan.firstSampleAt.toLocaleString("en-US")} to ${plan.requests.toLocaleString("en-US")} requests`),
    );

    const awscredsGrowth = spread(growth.awscreds);
    const stockGrowth = spread(growth.stock);
    const versusStock = spread(growth.awscreds.map((bytes, i) => bytes - growth.stock[i]!));
    const grown = runs.awscreds.flatMap(grownResources);
    const timerCounts = runs.awscreds.map((line) => `${first(line).liveTimers} → ${last(line).liveTimers}`);
    const listenerCounts = runs.awscreds.map((line) => `slot ${first(line).slotListeners} → ${last(line).slotListeners}, process ${first(line).processListeners} → ${last(line).processListeners}`);
    const listenersGrew = runs.awscreds.some(
      (line) => (last(line).slotListeners ?? 0) > (first(line).slotListeners ?? 0) || last(line).processListeners > first(line).processListeners,
    );
    const timersAfterClose = [...runs.awscreds, ...runs.stock].map((line) => line.liveTimersAfterClose);
    const span = `from ${plan.firstSampleAt.toLocaleString("en-US")} to ${plan.requests.toLocaleString("en-US")} requests`;
    const overRounds = (s: ReturnType<typeof spread>) => `median ${mb(s.median)} (min ${mb(s.min)}, max ${mb(s.max)}) over ${rounds} round(s)`;

    return {
      id: memoryFigure.id,
      title: "Memory: heap and handles over a million signed requests and a hundred rotations",
      method:
        `Per round, two fresh \`node --expose-gc\` processes, alternating order across ${rounds} round(s), each sending ${plan.requests.toLocaleString("en-US")} ` +
        `DynamoDB GetItem requests one after another to an in-process handler that answers at once: awscreds on a slot whose source issues a new key on every fetch, ` +
        `rotated (invalidate, then wait for the replacement) before each of ${rotations} batches of ${plan.batchSize.toLocaleString("en-US")}; and the stock SDK with static keys, no rotations. ` +
        `Samples after a forced full GC at ${plan.firstSampleAt.toLocaleString("en-US")} requests, then every ${plan.sampleEvery.toLocaleString("en-US")}. MB = 10^6 bytes.`,
      table: (Object.keys(runs) as SetupName[]).flatMap((name) => runs[name].flatMap((line, round) => sampleRows(round, name, line))),
      goals: [
        {
          claim: `awscreds does not grow the heap across ${rotations} rotations`,
          measured: `awscreds heap ${span}: ${overRounds(awscredsGrowth)}; stock SDK: ${overRounds(stockGrowth)}`,
          goal: `≤ ${mb(GROWTH_BUDGET_BYTES)} in every round`,
          met: awscredsGrowth.max <= GROWTH_BUDGET_BYTES,
        },
        {
          claim: "awscreds grows the heap no more than the stock SDK with static keys does",
          measured: `awscreds growth − stock growth, per round: ${overRounds(versusStock)}`,
          goal: `median ≤ ${mb(GROWTH_BUDGET_BYTES)}`,
          met: versusStock.median <= GROWTH_BUDGET_BYTES,
        },
        {
          claim: "No growth in active handles",
          measured: grown.length === 0 ? `awscreds: ${runs.awscreds.map((line) => `${handles(first(line))} → ${handles(last(line))}`).join("; ")}` : `grew: ${grown.join("; ")}`,
          goal: "no handle type more numerous at the last sample than at the first",
          met: grown.length === 0,
        },
        {
          claim: "No growth in timers (ref'd or not)",
          measured: `awscreds live timers, first → last sample: ${timerCounts.join("; ")}`,
          goal: "last ≤ first",
          met: runs.awscreds.every((line) => last(line).liveTimers <= first(line).liveTimers),
        },
        {
          claim: "No growth in listeners",
          measured: `awscreds, first → last sample: ${listenerCounts.join("; ")}`,
          goal: "last ≤ first",
          met: !listenersGrew,
        },
        {
          claim: "Every rotation took effect: requests were signed by the new keys",
          measured: `${runs.awscreds.map((line) => `${line.batches.length}/${rotations} batches' last request signed by that batch's new key (${line.keysIssued} keys issued)`).join("; ")}`,
          goal: "every batch, from its Authorization header",
          met: runs.awscreds.every((line) => line.batches.every((batch) => batch.signedKey === batch.expectedKey)),
        },
        {
          claim: "Closing the client (and the slot) leaves no timer behind",
          measured: `live timers after close: ${timersAfterClose.join(", ")}`,
          goal: "0 in every process",
          met: timersAfterClose.every((count) => count === 0),
        },
      ],
      raw: { plan, rounds, runs } satisfies MemoryRaw,
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Figure (long): heap, handles, timers and listeners after a million signed requests, awscreds with rotations vs the stock SDK. */
export const memoryFigure: Figure = { id: "memory", long: true, run };
