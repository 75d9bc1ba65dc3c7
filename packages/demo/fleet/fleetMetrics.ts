/**
 * The figures of a fleet run, as pure functions of what STS saw and what the slots held: call
 * rates per second, the spread of each refresh wave, the lowest validity each slot held, and
 * how the fleet went through the brown-out. No clock, no I/O: the test checks these too.
 */
import { FLEET_FRACTION_LIMIT, VALIDITY_FLOOR_MS, type FleetScenario } from "./fleetScenario.js";
import type { FleetRun } from "./simulateFleet.js";
import type { StsCall } from "./stsModel.js";

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}

const ascending = (values: Iterable<number>): number[] => [...values].sort((a, b) => a - b);

/** Calls in each second of the horizon: `[second, issued, throttled]` for every second with a call. */
export type SecondBin = readonly [second: number, issued: number, throttled: number];

/** Per-second counts of `calls`, only the seconds with at least one call, in order. */
export function callsPerSecond(calls: readonly StsCall[]): SecondBin[] {
  const bins = new Map<number, [number, number]>();
  for (const call of calls) {
    const second = Math.floor(call.at / 1_000);
    const bin = bins.get(second) ?? [0, 0];
    bin[call.outcome === "issued" ? 0 : 1]++;
    bins.set(second, bin);
  }
  return [...bins.entries()].sort(([a], [b]) => a - b).map(([second, [issued, throttled]]) => [second, issued, throttled] as const);
}

export interface RateFigures {
  readonly calls: number;
  /** Most calls in one second, and the second (since start) it happened first. */
  readonly peakPerSecond: number;
  readonly peakSecond: number;
  /** Calls divided by the seconds of the horizon. */
  readonly meanPerSecond: number;
  /** Calls divided by the seconds that had at least one call: how bunched the calls are. */
  readonly meanPerBusySecond: number;
  /** Seconds with more calls than the limit (1 % of the fleet). */
  readonly secondsOverLimit: number;
  readonly limit: number;
}

/** Rate figures of `calls` over `horizonMs`; `limit` is the calls per second not to exceed. */
export function rateFigures(calls: readonly StsCall[], horizonMs: number, limit: number): RateFigures {
  const bins = callsPerSecond(calls);
  let peak: SecondBin = [0, 0, 0];
  for (const bin of bins) if (bin[1] + bin[2] > peak[1] + peak[2]) peak = bin;
  return {
    calls: calls.length,
    peakPerSecond: peak[1] + peak[2],
    peakSecond: peak[0],
    meanPerSecond: calls.length / (horizonMs / 1_000),
    meanPerBusySecond: bins.length === 0 ? 0 : calls.length / bins.length,
    secondsOverLimit: bins.filter(([, issued, throttled]) => issued + throttled > limit).length,
    limit,
  };
}

export interface WaveFigures {
  readonly wave: number;
  /** Slots that started this wave (their k-th refresh) within the horizon. */
  readonly slots: number;
  /** First and last refresh start of the wave (ms since start). */
  readonly firstMs: number;
  readonly lastMs: number;
  /** last − first. */
  readonly spreadMs: number;
  /** 95th − 5th percentile of the refresh starts: the width of the middle 90 %. */
  readonly middle90Ms: number;
  /** Standard deviation of the refresh starts. */
  readonly stdDevMs: number;
  /** Most calls of this wave (first attempts and retries) in one second. */
  readonly peakPerSecond: number;
}

/** The spread of each wave's refresh instants: the first attempt of each slot's k-th refresh. */
export function waveFigures(calls: readonly StsCall[], waves: number): WaveFigures[] {
  return Array.from({ length: waves }, (_, i) => {
    const wave = i + 1;
    const ofWave = calls.filter((call) => call.wave === wave);
    const starts = ascending(ofWave.filter((call) => call.attempt === 1).map((call) => call.at));
    const mean = starts.reduce((sum, at) => sum + at, 0) / starts.length;
    const variance = starts.reduce((sum, at) => sum + (at - mean) ** 2, 0) / starts.length;
    return {
      wave,
      slots: starts.length,
      firstMs: starts[0] ?? Number.NaN,
      lastMs: starts.at(-1) ?? Number.NaN,
      spreadMs: (starts.at(-1) ?? Number.NaN) - (starts[0] ?? Number.NaN),
      middle90Ms: quantile(starts, 95) - quantile(starts, 5),
      stdDevMs: Math.sqrt(variance),
      peakPerSecond: rateFigures(ofWave, 1_000, Infinity).peakPerSecond,
    };
  });
}

export interface ValidityFigures {
  /** Slots that at some point held credentials with less than the floor (5 min) left. */
  readonly slotsBelowFloor: number;
  /** Of those, slots whose dip followed a throttled refresh (the brown-out). */
  readonly slotsBelowFloorThrottled: number;
  /** The others: a refresh that started near the end of its window and took its latency. */
  readonly slotsBelowFloorLatencyOnly: number;
  /** Lowest validity any slot held (ms), and which slot, when. */
  readonly minValidityMs: number;
  readonly minValiditySlot: number;
  readonly minValidityAtMs: number;
  /** Slots whose credentials expired before a refresh succeeded: should be 0. */
  readonly slotsExpired: number;
  readonly floorMs: number;
}

/** The lowest validity each slot held: just before each refresh replaced its credentials, and at the end. */
export function validityFigures(run: FleetRun, floorMs = VALIDITY_FLOOR_MS): ValidityFigures {
  const throttledWaves = new Set(run.calls.filter((call) => call.outcome === "throttled").map((call) => `${call.slot}:${call.wave}`));
  let min = { validityMs: Infinity, slot: -1, at: Number.NaN };
  let throttledDips = 0;
  let latencyDips = 0;
  let below = 0;
  for (const slot of run.slots) {
    const lows = slot.lows.map((low, i) => ({ ...low, throttled: throttledWaves.has(`${slot.index}:${i + 1}`) }));
    for (const low of lows) if (low.validityMs < min.validityMs) min = { validityMs: low.validityMs, slot: slot.index, at: low.at };
    const dips = lows.filter((low) => low.validityMs < floorMs);
    if (dips.length > 0 || slot.validityAtEndMs < floorMs) below++;
    if (dips.some((dip) => dip.throttled)) throttledDips++;
    else if (dips.length > 0) latencyDips++;
  }
  return {
    slotsBelowFloor: below,
    slotsBelowFloorThrottled: throttledDips,
    slotsBelowFloorLatencyOnly: latencyDips,
    minValidityMs: min.validityMs,
    minValiditySlot: min.slot,
    minValidityAtMs: min.at,
    slotsExpired: run.slots.filter((slot) => slot.expiredAt.length > 0).length,
    floorMs,
  };
}

export interface BrownOutFigures {
  readonly fromMs: number;
  readonly toMs: number;
  /** Slots that got at least one throttling answer. */
  readonly slotsThrottled: number;
  readonly throttledCalls: number;
  /** Most throttled attempts in a row of one slot. */
  readonly maxConsecutiveThrottled: number;
  /** Most calls in one second during the brown-out, and in the minute after it. */
  readonly peakPerSecondDuring: number;
  readonly peakPerSecondMinuteAfter: number;
  /** Most retries (attempts after a throttled one) in one second, during the brown-out and the minute after. */
  readonly peakRetriesPerSecond: number;
  /** Median planned delay before the n-th retry (n = 1, 2, …), over throttled slots: the backoff. */
  readonly medianRetryDelayMsByAttempt: readonly number[];
  /** Throttled slots that got credentials after the brown-out, before their old ones expired. */
  readonly slotsRecovered: number;
  /** When the throttled slots got their credentials, after the brown-out's end: median, 95th percentile and last (ms). */
  readonly recoveryAfterEndMs: { readonly median: number; readonly p95: number; readonly last: number };
  /** Lowest validity a throttled slot held when its credentials finally came (ms). */
  readonly minValidityAtRecoveryMs: number;
}

/** How the fleet went through the brown-out. */
export function brownOutFigures(run: FleetRun, scenario: FleetScenario): BrownOutFigures {
  const { from, to } = scenario.brownOut;
  const throttled = run.calls.filter((call) => call.outcome === "throttled");
  const throttledSlots = new Map<number, Set<number>>(); // slot → its throttled waves
  for (const call of throttled) {
    const waves = throttledSlots.get(call.slot) ?? new Set<number>();
    waves.add(call.wave);
    throttledSlots.set(call.slot, waves);
  }
  const recoveries: number[] = [];
  let minValidityAtRecovery = Infinity;
  let recovered = 0;
  const delaysByAttempt: number[][] = [];
  for (const [index, waves] of throttledSlots) {
    const slot = run.slots[index]!;
    for (const failure of slot.failures.filter((f) => f.kind === "throttling")) {
      (delaysByAttempt[failure.attempt - 1] ??= []).push(failure.nextAttemptAt - failure.at);
    }
    let ok = true;
    for (const wave of waves) {
      // refreshedAt[0] is start-up (wave 0); the success that ended wave k is refreshedAt[k].
      const at = slot.refreshedAt[wave];
      if (at === undefined || slot.expiredAt.some((expiredAt) => expiredAt <= at)) ok = false;
      if (at === undefined) continue;
      recoveries.push(at - to);
      const low = wave === 0 ? undefined : slot.lows[wave - 1];
      if (low !== undefined) minValidityAtRecovery = Math.min(minValidityAtRecovery, low.validityMs);
    }
    if (ok) recovered++;
  }
  const sortedRecoveries = ascending(recoveries);
  const maxRun = throttled.reduce((max, call) => Math.max(max, call.attempt), 0);
  const during = run.calls.filter((call) => call.at >= from && call.at < to);
  const after = run.calls.filter((call) => call.at >= to && call.at < to + 60_000);
  return {
    fromMs: from,
    toMs: to,
    slotsThrottled: throttledSlots.size,
    throttledCalls: throttled.length,
    maxConsecutiveThrottled: maxRun,
    peakPerSecondDuring: rateFigures(during, 1_000, Infinity).peakPerSecond,
    peakPerSecondMinuteAfter: rateFigures(after, 1_000, Infinity).peakPerSecond,
    peakRetriesPerSecond: rateFigures([...during, ...after].filter((call) => call.attempt > 1), 1_000, Infinity).peakPerSecond,
    medianRetryDelayMsByAttempt: delaysByAttempt.map((delays) => quantile(ascending(delays), 50)),
    slotsRecovered: recovered,
    recoveryAfterEndMs: { median: quantile(sortedRecoveries, 50), p95: quantile(sortedRecoveries, 95), last: sortedRecoveries.at(-1) ?? Number.NaN },
    minValidityAtRecoveryMs: minValidityAtRecovery,
  };
}

/** Every figure of one run. */
export interface RunFigures {
  /** Start-up: each slot's first fetch (wave 0), all in the first seconds. */
  readonly startup: RateFigures;
  /** Refresh traffic: every call but the start-up ones (refreshes and their retries). */
  readonly refreshes: RateFigures;
  readonly waves: readonly WaveFigures[];
  readonly validity: ValidityFigures;
  readonly brownOut: BrownOutFigures;
  /** Refreshes beyond the waves studied that started within the horizon (jitter brings them earlier). */
  readonly laterRefreshes: number;
}

export function runFigures(run: FleetRun, scenario: FleetScenario): RunFigures {
  const limit = scenario.slots * FLEET_FRACTION_LIMIT;
  return {
    startup: rateFigures(run.calls.filter((call) => call.wave === 0), scenario.horizonMs, limit),
    refreshes: rateFigures(run.calls.filter((call) => call.wave > 0), scenario.horizonMs, limit),
    waves: waveFigures(run.calls, scenario.waves),
    validity: validityFigures(run),
    brownOut: brownOutFigures(run, scenario),
    laterRefreshes: run.calls.filter((call) => call.wave > scenario.waves && call.attempt === 1).length,
  };
}
