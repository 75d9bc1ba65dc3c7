import type { Machine } from "../bench/machine.js";
import type { ClientSample } from "./soakProtocol.js";
import type { EmulatorSample, SoakRun } from "./runSoak.js";

const MB = 1_000_000;
/**
 * Heap growth allowed from the first sample (after the warm-up) to the last, in each process.
 * A leak of one byte per request, or of 10 kB per rotation, would exceed it over the full run;
 * a heap sampled after full GCs moves by a few hundred kB with nothing leaking (code optimized
 * late, inline caches, the string table), which it leaves room for. MB = 10^6 bytes.
 */
export const HEAP_GROWTH_BUDGET_BYTES = 1 * MB;
/** What the emulator keeps per rotation on purpose: the issued key (with its ~660-byte session token) and the STS call's record. */
export const EMULATOR_BYTES_PER_ROTATION = 2_000;

export interface SoakGoal {
  readonly id: string;
  readonly claim: string;
  readonly measured: string;
  readonly goal: string;
  readonly met: boolean;
}

/** The headline numbers, for the table and for docs/operations.md. */
export interface SoakFigures {
  readonly requests: number;
  readonly emulatorSignedRequests: number;
  readonly failedRequests: number;
  readonly rotations: number;
  readonly keysUsed: number;
  readonly stsCalls: number;
  readonly stsCallsFailed: number;
  /** The slot's failed refresh attempts (each retried), by error kind. */
  readonly slotRefreshFailures: Readonly<Record<string, number>>;
  readonly signatureFailures: number;
  readonly expiredKeyUses: number;
  readonly wallSeconds: number;
  readonly loadSeconds: number;
  readonly requestsPerSecond: number;
  readonly clientCpuMsPerRequest: number | null;
  /** Rotation period seen: time between consecutive STS calls, s. */
  readonly rotationPeriodSeconds: { readonly min: number; readonly median: number; readonly max: number } | null;
  readonly lifetimeSeconds: { readonly min: number; readonly max: number };
  readonly heap: HeapFigures;
  readonly emulatorHeap: HeapFigures;
  readonly closestSigningToExpirySeconds: number | null;
  readonly closestArrivalToExpirySeconds: number | null;
}

export interface HeapFigures {
  readonly firstBytes: number;
  readonly lastBytes: number;
  readonly growthBytes: number;
  readonly minBytes: number;
  readonly maxBytes: number;
}

export interface SoakReport {
  readonly command: string;
  readonly startedAt: string;
  readonly machine: Machine;
  readonly passed: boolean;
  readonly goals: readonly SoakGoal[];
  readonly figures: SoakFigures;
  readonly run: SoakRun;
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
export const mb = (bytes: number): string => `${(bytes / MB).toFixed(2)} MB`;
export const signedMb = (bytes: number): string => `${bytes >= 0 ? "+" : "−"}${(Math.abs(bytes) / MB).toFixed(3)} MB`;
const seconds = (ms: number | null) => (ms === null ? "—" : `${(ms / 1000).toFixed(1)} s`);

function heapFigures(samples: ReadonlyArray<{ readonly heapUsedBytes: number }>): HeapFigures {
  const heaps = samples.map((sample) => sample.heapUsedBytes);
  const first = heaps[0] ?? Number.NaN;
  const last = heaps[heaps.length - 1] ?? Number.NaN;
  return { firstBytes: first, lastBytes: last, growthBytes: last - first, minBytes: Math.min(...heaps), maxBytes: Math.max(...heaps) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const handles = (counts: Readonly<Record<string, number>>) =>
  Object.entries(counts)
    .map(([type, count]) => `${type}×${count}`)
    .join(", ") || "none";

/** Handle types more numerous in `after` than in `before`, except those `bounded` allows. */
function grown(before: Readonly<Record<string, number>>, after: Readonly<Record<string, number>>, bounded: Readonly<Record<string, number>> = {}): string[] {
  return Object.entries(after)
    .filter(([type, count]) => count > (before[type] ?? 0) && !(type in bounded && count <= bounded[type]!))
    .map(([type, count]) => `${type} ${before[type] ?? 0} → ${count}`);
}

/** Rotations: the slot's `refreshed` events after the start-up fetch. */
export function rotationsOf(run: SoakRun): number {
  return Math.max(0, (run.summary?.refreshes ?? 0) - 1);
}

export function soakFigures(run: SoakRun): SoakFigures {
  const okCalls = run.stsCalls.filter((call) => call.outcome === "ok");
  const gaps = okCalls.slice(1).map((call, i) => (call.atMs - okCalls[i]!.atMs) / 1000);
  const requests = run.summary?.requests ?? run.clientSamples.at(-1)?.requests ?? 0;
  return {
    requests,
    emulatorSignedRequests: run.emulator.signedRequests,
    failedRequests: run.summary?.failed ?? 0,
    rotations: rotationsOf(run),
    keysUsed: run.emulator.keysUsed,
    stsCalls: run.stsCalls.length,
    stsCallsFailed: run.stsCalls.length - okCalls.length,
    slotRefreshFailures: run.summary?.refreshFailures ?? {},
    signatureFailures: run.emulator.signatureFailures,
    expiredKeyUses: run.emulator.expiredKeyUses + (run.summary?.signedAtOrAfterExpiry ?? 0) + (run.summary?.handedOutWithinMargin ?? 0),
    wallSeconds: run.wallMs / 1000,
    loadSeconds: run.loadMs / 1000,
    requestsPerSecond: run.loadMs > 0 ? requests / (run.loadMs / 1000) : 0,
    clientCpuMsPerRequest: run.summary === undefined || requests === 0 ? null : run.summary.cpuMs / requests,
    rotationPeriodSeconds: gaps.length === 0 ? null : { min: Math.min(...gaps), median: median(gaps), max: Math.max(...gaps) },
    lifetimeSeconds: run.lifetimeSeconds,
    heap: heapFigures(run.clientSamples),
    emulatorHeap: heapFigures(run.emulatorSamples),
    closestSigningToExpirySeconds: run.summary === undefined || run.summary.closestSigningToExpiryMs === null ? null : run.summary.closestSigningToExpiryMs / 1000,
    closestArrivalToExpirySeconds: run.emulator.closestUseToExpiryMs === null ? null : run.emulator.closestUseToExpiryMs / 1000,
  };
}

/** Each claim of the soak with what was measured and whether it holds; decided here, not by hand. */
export function soakGoals(run: SoakRun): SoakGoal[] {
  const { plan, summary, emulator } = run;
  const figures = soakFigures(run);
  const first = run.clientSamples[0];
  const last = run.clientSamples.at(-1);
  const emulatorFirst = run.emulatorSamples[0];
  const emulatorLast = run.emulatorSamples.at(-1);
  const sampled = first !== undefined && last !== undefined && run.clientSamples.length >= 2;
  const emulatorSampled = emulatorFirst !== undefined && emulatorLast !== undefined && run.emulatorSamples.length >= 2;
  const rotations = figures.rotations;
  const pool = 2 * plan.concurrency;
  const goals: SoakGoal[] = [];
  const add = (id: string, claim: string, measured: string, goal: string, met: boolean) => goals.push({ id, claim, measured, goal, met });

  add(
    "completed",
    "The run completed and everything stopped by itself",
    run.child.problem ??
      `client exited with code ${run.child.exitCode} ${run.child.exitAfterDoneMs === null ? "" : `${int(run.child.exitAfterDoneMs)} ms after its last message`}; ` +
        `after closing: ${summary?.liveTimersAfterClose ?? "?"} live timers, handles ${summary === undefined ? "?" : handles(summary.activeResourcesAfterClose)}`,
    "exit 0 without being killed; 0 timers and no handle but its stdio/IPC pipes after close",
    run.child.problem === undefined &&
      run.child.exitCode === 0 &&
      run.child.exitedBySelf &&
      summary !== undefined &&
      summary.liveTimersAfterClose === 0 &&
      Object.keys(summary.activeResourcesAfterClose).every((type) => type === "PipeWrap"),
  );
  const extraAttempts = summary?.extraAttempts ?? 0;
  add(
    "requests",
    `${int(plan.requests)} signed requests, each received by the emulator`,
    `client completed ${int(figures.requests)}${summary && summary.retried > 0 ? ` (${summary.retried} after an SDK retry, ${extraAttempts} extra attempts)` : ", none retried"}; ` +
      `emulator received ${int(emulator.signedRequests)} signed DynamoDB/S3 requests (${int(plan.requests)} + 1 seed object): ` +
      Object.entries(emulator.byOperation)
        .map(([operation, count]) => `${operation} ${int(count)}`)
        .join(", "),
    `client = ${int(plan.requests)}; emulator = ${int(plan.requests + 1)} (+ at most the SDK's extra attempts)`,
    figures.requests === plan.requests && emulator.signedRequests >= plan.requests + 1 && emulator.signedRequests <= plan.requests + 1 + extraAttempts,
  );
  add(
    "failures",
    "Zero failed requests",
    `client: ${figures.failedRequests} failed${summary && summary.failed > 0 ? ` (${Object.entries(summary.errors).map(([name, count]) => `${name} ×${count}`).join(", ")})` : ""}; ` +
      `emulator answered ${Object.values(emulator.errorAnswers).reduce((sum, n) => sum + n, 0)} errors${Object.keys(emulator.errorAnswers).length > 0 ? ` (${JSON.stringify(emulator.errorAnswers)})` : ""}`,
    "0 and 0",
    summary !== undefined && summary.failed === 0 && Object.keys(emulator.errorAnswers).length === 0,
  );
  add("signatures", "Zero signature failures", `emulator refused ${emulator.signatureFailures} signatures`, "0", emulator.signatureFailures === 0);
  add(
    "expired-keys",
    "Zero expired-key uses",
    `emulator saw ${emulator.expiredKeyUses} requests with an expired key and ${emulator.requestsWithUnknownKey} with a key STS never issued; ` +
      `client: ${summary?.signedAtOrAfterExpiry ?? "?"} sends signed at/after expiry, ${summary?.handedOutWithinMargin ?? "?"} keys handed out within expiryMargin (10 s), ` +
      `${summary?.signedWithUnknownKey ?? "?"} signed with an unannounced key, of ${int(summary?.signedSends ?? 0)} sends; ` +
      `closest signing to expiry ${seconds(summary?.closestSigningToExpiryMs ?? null)}, closest arrival ${seconds(emulator.closestUseToExpiryMs)}`,
    "all 0",
    summary !== undefined &&
      emulator.expiredKeyUses === 0 &&
      emulator.requestsWithUnknownKey === 0 &&
      summary.signedAtOrAfterExpiry === 0 &&
      summary.handedOutWithinMargin === 0 &&
      summary.signedWithUnknownKey === 0,
  );
  add(
    "rotations",
    `At least ${int(plan.rotations)} rotations, each one's key in use`,
    `${rotations} rotations (slot refreshes after the start-up fetch); ${emulator.keysUsed} keys signed requests; the signing key changed ${summary?.keyChanges ?? "?"} times; ` +
      `period ${figures.rotationPeriodSeconds === null ? "—" : `${figures.rotationPeriodSeconds.min.toFixed(1)}–${figures.rotationPeriodSeconds.max.toFixed(1)} s (median ${figures.rotationPeriodSeconds.median.toFixed(1)} s)`}, ` +
      `key lifetimes ${run.lifetimeSeconds.min}–${run.lifetimeSeconds.max} s`,
    `rotations ≥ ${plan.rotations}, keys used ≥ rotations`,
    rotations >= plan.rotations && emulator.keysUsed >= rotations,
  );
  const failures = summary?.refreshFailures ?? {};
  const failedAttempts = Object.values(failures).reduce((sum, n) => sum + n, 0);
  const onlyRetryable = Object.keys(failures).every((kind) => kind === "retryable");
  add(
    "sts-calls",
    "STS calls = rotations + 1 (the start-up fetch), none failed; the slot never let a key expire",
    `emulator: ${figures.stsCalls} credential calls, ${figures.stsCallsFailed} failed; slot: ${summary?.expiries ?? "?"} expiries, ` +
      (failedAttempts === 0
        ? "no failed refresh attempt"
        : `${failedAttempts} failed refresh attempt(s), each retried (${Object.entries(failures).map(([kind, n]) => `${kind} ×${n}`).join(", ")}: ${summary?.firstRefreshFailures.join("; ")})`),
    `${rotations + 1} calls, 0 failed, 0 expiries; failed refresh attempts only retryable ones, which the slot retries (e.g. a keep-alive socket reset before the call reached STS)`,
    summary !== undefined && figures.stsCalls === rotations + 1 && figures.stsCallsFailed === 0 && summary.expiries === 0 && onlyRetryable,
  );
  add(
    "heap",
    "The client's heap does not grow (the slot, the plugin, the SDK clients)",
    sampled
      ? `after forced GC: ${mb(figures.heap.firstBytes)} at ${int(first.requests)} requests → ${mb(figures.heap.lastBytes)} at ${int(last.requests)} (${signedMb(figures.heap.growthBytes)}); ` +
          `range ${mb(figures.heap.minBytes)}–${mb(figures.heap.maxBytes)} over ${run.clientSamples.length} samples`
      : "fewer than two samples",
    `growth ≤ ${signedMb(HEAP_GROWTH_BUDGET_BYTES)}`,
    sampled && figures.heap.growthBytes <= HEAP_GROWTH_BUDGET_BYTES,
  );
  const clientGrown = sampled ? grown(first.activeResources, last.activeResources) : [];
  const emulatorGrown = emulatorSampled ? grown(emulatorFirst.activeResources, emulatorLast.activeResources, { TCPSocketWrap: pool + 2 }) : [];
  add(
    "handles",
    "No growth in active handles; sockets stay within the pool",
    sampled && emulatorSampled
      ? `client ${handles(first.activeResources)} → ${handles(last.activeResources)}, pooled sockets ${first.pooledSockets} → ${last.pooledSockets} (max ${Math.max(...run.clientSamples.map((s) => s.pooledSockets))}); ` +
          `emulator process ${handles(emulatorFirst.activeResources)} → ${handles(emulatorLast.activeResources)}` +
          (clientGrown.length + emulatorGrown.length > 0 ? `; grew: ${[...clientGrown, ...emulatorGrown].join(", ")}` : "")
      : "fewer than two samples",
    `no handle type more numerous at the last sample than at the first; sockets ≤ ${pool} (2 agents × ${plan.concurrency})`,
    sampled && emulatorSampled && clientGrown.length === 0 && emulatorGrown.length === 0 && run.clientSamples.every((sample) => sample.pooledSockets <= pool),
  );
  add(
    "timers",
    "No growth in timers (ref'd or not)",
    sampled ? `client live timers ${first.liveTimers} → ${last.liveTimers} (max ${Math.max(...run.clientSamples.map((s) => s.liveTimers))})` : "fewer than two samples",
    "last ≤ first",
    sampled && last.liveTimers <= first.liveTimers,
  );
  const listenerPairs = (pick: (sample: ClientSample) => number) => (sampled ? [pick(first), pick(last)] : [0, 0]);
  const listeners = {
    slot: listenerPairs((s) => s.slotListeners),
    process: listenerPairs((s) => s.processListeners),
    agents: listenerPairs((s) => s.agentListeners),
    "per socket (max)": listenerPairs((s) => s.maxListenersPerSocket),
  };
  add(
    "listeners",
    "No growth in listeners",
    sampled
      ? Object.entries(listeners)
          .map(([what, [before, after]]) => `${what} ${before} → ${after}`)
          .join(", ")
      : "fewer than two samples",
    "last ≤ first, each",
    sampled && Object.values(listeners).every(([before, after]) => after! <= before!),
  );
  const emulatorBudget = HEAP_GROWTH_BUDGET_BYTES + EMULATOR_BYTES_PER_ROTATION * rotations;
  const emulatorHeld = Math.max(0, ...run.emulatorSamples.map((sample) => sample.requestRecordsHeld));
  add(
    "emulator-memory",
    "The emulator's records do not pile up: drained every second, its process heap stays flat",
    emulatorSampled
      ? `${int(emulator.recordsDrained)} request records drained, ${emulatorHeld} left after each drain; heap ${mb(figures.emulatorHeap.firstBytes)} → ${mb(figures.emulatorHeap.lastBytes)} (${signedMb(figures.emulatorHeap.growthBytes)}), ` +
          `${emulatorLast.stsRecordsHeld} STS records kept`
      : "fewer than two samples",
    `0 left; growth ≤ ${signedMb(emulatorBudget)} (${signedMb(HEAP_GROWTH_BUDGET_BYTES)} + ${EMULATOR_BYTES_PER_ROTATION / 1000} kB per rotation it keeps on purpose)`,
    emulatorSampled && emulatorHeld === 0 && figures.emulatorHeap.growthBytes <= emulatorBudget,
  );
  return goals;
}

export function buildSoakReport(run: SoakRun, command: string, machine: Machine): SoakReport {
  const goals = soakGoals(run);
  return { command, startedAt: run.startedAt, machine, passed: goals.every((goal) => goal.met), goals, figures: soakFigures(run), run };
}

/** Samples as table rows, for the JSON's readers and the terminal. */
export function sampleRows(run: SoakRun): Array<Record<string, string | number>> {
  const emulatorAt = new Map<number, EmulatorSample>(run.emulatorSamples.map((sample) => [sample.requests, sample]));
  const baseline = run.clientSamples[0]?.heapUsedBytes ?? 0;
  return run.clientSamples.map((sample) => ({
    requests: sample.requests,
    "time (s)": Math.round(sample.atMs / 1000),
    rotations: Math.max(0, sample.slot.refreshCount - 1),
    "heap (MB)": (sample.heapUsedBytes / MB).toFixed(3),
    "Δ heap (MB)": ((sample.heapUsedBytes - baseline) / MB).toFixed(3),
    handles: handles(sample.activeResources),
    sockets: sample.pooledSockets,
    timers: sample.liveTimers,
    "listeners (slot/process/agents/socket)": `${sample.slotListeners}/${sample.processListeners}/${sample.agentListeners}/${sample.maxListenersPerSocket}`,
    "emulator heap (MB)": emulatorAt.has(sample.requests) ? (emulatorAt.get(sample.requests)!.heapUsedBytes / MB).toFixed(3) : "—",
  }));
}
