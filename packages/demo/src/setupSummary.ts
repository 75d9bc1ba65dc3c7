import type { Emulator } from "@awscreds/emulator";
import { percentile } from "./percentile.js";
import type { Setup, SetupName } from "./setups.js";
import type { RequestSample } from "./workload.js";

/** A request slower than this counts as slow: far above signing and loopback, well below STS. */
export const SLOW_REQUEST_MS = 100;

/** One row of the demo's table. */
export interface SetupSummary {
  readonly setup: SetupName;
  readonly requests: number;
  readonly failed: number;
  /** Failed requests by error name. */
  readonly errors: Readonly<Record<string, number>>;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly slowerThan100Ms: number;
  /** Credential calls to STS made by this set-up during the run (its own role's). */
  readonly stsCalls: number;
  /** Requests the emulator rejected: bad signature, or a key used after its expiry. */
  readonly signatureFailures: number;
  /**
   * Key rotations: its STS calls grouped into bursts (a stock set-up's DynamoDB and S3 clients
   * each fetch their own credentials, so one stock rotation is one call per client).
   */
  readonly rotations: number;
  /** When each of its STS credential calls started, ms since the workload began (the chart's marks). */
  readonly rotationsAt: readonly number[];
}

/**
 * Sums up each set-up from what its clients saw (latency) and what the emulator saw (its STS
 * calls, by role; its signature failures, by the keys those calls issued).
 * `workloadBeganAt` is the epoch ms at which the workload started, to place STS calls on its time line.
 */
export function summarizeSetups(setups: readonly Setup[], samples: readonly RequestSample[], emulator: Emulator, staticKeyId: string, workloadBeganAt: number): SetupSummary[] {
  const owner = new Map<string, SetupName>([[staticKeyId, "static keys"]]);
  const calls = emulator.records.credentialCalls();
  for (const call of calls) {
    const setup = setups.find((candidate) => candidate.roleArn !== undefined && candidate.roleArn === call.roleArn);
    if (setup !== undefined && call.accessKeyId !== undefined) owner.set(call.accessKeyId, setup.name);
  }
  return setups.map((setup) => {
    const mine = samples.filter((sample) => sample.setup === setup.name);
    const latencies = mine.map((sample) => sample.latencyMs).sort((a, b) => a - b);
    const stsCalls = calls.filter((call) => setup.roleArn !== undefined && call.roleArn === setup.roleArn);
    const rejected = emulator.records.requests.filter(
      (request) => request.accessKeyId !== undefined && owner.get(request.accessKeyId) === setup.name && (!request.signatureValid || request.keyExpired),
    );
    return {
      setup: setup.name,
      requests: mine.length,
      failed: mine.filter((sample) => sample.error !== undefined).length,
      errors: countBy(mine.flatMap((sample) => (sample.error === undefined ? [] : [sample.error]))),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies[latencies.length - 1] ?? Number.NaN,
      slowerThan100Ms: latencies.filter((latency) => latency > SLOW_REQUEST_MS).length,
      stsCalls: stsCalls.length,
      signatureFailures: rejected.length,
      rotations: countBursts(stsCalls.map((call) => call.at)),
      rotationsAt: stsCalls.map((call) => call.at - workloadBeganAt),
    };
  });
}

function countBy(names: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

// Calls closer together than this belong to one rotation: far below any rotation period the
// demo allows, far above the spread between two clients' calls for the same expiry.
const BURST_GAP_MS = 2_000;

/** How many bursts `instants` (epoch ms) form, a burst being calls less than BURST_GAP_MS apart. */
export function countBursts(instants: readonly number[]): number {
  const sorted = [...instants].sort((a, b) => a - b);
  return sorted.filter((at, i) => i === 0 || at - sorted[i - 1]! >= BURST_GAP_MS).length;
}
