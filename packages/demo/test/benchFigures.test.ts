/**
 * Smoke test of the cold-start, memory and fan-out figures of `npm run bench`, in their quick mode: they
 * run end to end (real child processes, the emulator) and return a well-formed result. Numbers
 * are not judged here except one property that is not a race: with STS made to take 1 s, the
 * first request after ready() comes in under that second and the one without ready() does not;
 * and fan-out's claim, whose window ends half-way between two refreshes of the slot, from its own plan.
 * The two figures run concurrently: the file takes ~40 s on two idle cores (the memory figure's
 * 2 × 20,000 SDK requests are most of it), twice that while other benchmarks share the cores.
 */
import { describe, test } from "vitest";
import type { ExpectStatic } from "vitest";
import { coldStartFigure, type ColdStartRaw } from "../bench/figures/coldStart.js";
import { fanOutFigure, type FanOutRun } from "../bench/figures/fanOut.js";
import { memoryFigure, type MemoryRaw } from "../bench/figures/memory.js";
import type { FigureResult } from "../bench/figure.js";

const QUICK = { quick: true, log: () => {} };
/** Generous, so a busy machine does not fail the test; a hung child is killed (and named) by the figure itself. */
const FIGURE_TIMEOUT = 150_000;

function expectWellFormed(expect: ExpectStatic, result: FigureResult, id: string): void {
  expect(result.id).toBe(id);
  expect(result.title).not.toBe("");
  expect(result.method).not.toBe("");
  expect(result.goals.length).toBeGreaterThan(0);
  for (const goal of result.goals) {
    expect(goal).toEqual({ claim: expect.any(String), measured: expect.any(String), goal: expect.any(String), met: expect.any(Boolean) });
  }
}

describe.concurrent("bench figures, quick", () => {
  test("cold start: one row per set-up, positive times, ready() under the STS latency and no ready() at or above it", { timeout: FIGURE_TIMEOUT }, async ({ expect }) => {
    const result = await coldStartFigure.run(QUICK);

    expectWellFormed(expect, result, "cold-start");
    const raw = result.raw as ColdStartRaw;
    const setups = Object.keys(raw.firstRequestMs);
    expect(setups).toEqual(["staticKeys", "awscredsAfterReady", "awscredsWithoutReady", "stockDefaultChain"]);
    expect(result.table).toHaveLength(setups.length);
    for (const row of result.table) {
      for (const column of ["first request min (ms)", "median (ms)", "max (ms)"]) expect(row[column]).toBeGreaterThan(0);
    }
    for (const times of Object.values(raw.firstRequestMs)) {
      expect(times).toHaveLength(1);
      expect(times[0]).toBeGreaterThan(0);
    }
    expect(raw.firstRequestMs.awscredsAfterReady[0]).toBeLessThan(raw.stsLatencyMs);
    expect(raw.firstRequestMs.awscredsWithoutReady[0]).toBeGreaterThanOrEqual(raw.stsLatencyMs);
    expect(raw.readyMs[0]).toBeGreaterThanOrEqual(raw.stsLatencyMs); // the wait moved to start-up
  });

  test("memory: samples per set-up, positive heap numbers, goals, every batch signed by its new key", { timeout: FIGURE_TIMEOUT }, async ({ expect }) => {
    expect(memoryFigure.long).toBe(true);

    const result = await memoryFigure.run(QUICK);

    expectWellFormed(expect, result, "memory");
    const raw = result.raw as MemoryRaw;
    expect(raw.plan.requests).toBe(8_000);
    expect(Object.keys(raw.runs)).toEqual(["awscreds", "stock"]);
    for (const lines of Object.values(raw.runs)) {
      expect(lines).toHaveLength(1);
      const [line] = lines;
      expect(line!.samples.map((sample) => sample.requests)).toEqual([2_000, 4_000, 6_000, 8_000]);
      for (const sample of line!.samples) expect(sample.heapUsedBytes).toBeGreaterThan(0);
    }
    expect(result.table).toHaveLength(8); // 4 samples × 2 set-ups
    for (const row of result.table) expect(row["heap used (MB)"]).toBeGreaterThan(0);
    const [awscreds] = raw.runs.awscreds;
    expect(awscreds!.batches).toHaveLength(4);
    expect(new Set(awscreds!.batches.map((batch) => batch.signedKey)).size).toBe(4);
    for (const batch of awscreds!.batches) expect(batch.signedKey).toBe(batch.expectedKey);
    expect(result.goals.find((goal) => goal.claim.startsWith("Every rotation"))?.met).toBe(true);
  });

  test("fan-out: per client count, both set-ups' STS calls in the window; awscreds' the same for every count, stock's growing", { timeout: FIGURE_TIMEOUT }, async ({ expect }) => {
    const result = await fanOutFigure.run(QUICK);

    expectWellFormed(expect, result, "fan-out");
    const runs = result.raw as FanOutRun[];
    expect(runs.map((run) => run.clients)).toEqual([1, 10]);
    expect(result.table).toHaveLength(4);
    for (const run of runs) {
      expect(run.refreshPlansAtMs).toHaveLength(3); // a plan after the first fetch and after each of the first 2 refreshes
      for (const at of run.refreshPlansAtMs) expect(at).toBeLessThan(run.windowMs);
      expect(run.rows.map((row) => row.stsCalls)).toEqual([run.awscredsCallsAtMs.length, run.stockCallsAtMs.length]);
      for (const at of [...run.awscredsCallsAtMs, ...run.stockCallsAtMs]) expect(at).toBeLessThanOrEqual(run.windowMs);
      expect(run.awscredsCallsAtMs).toHaveLength(3 + 1); // 3 rotations + the first fetch
    }
    expect(result.goals.map((goal) => goal.met)).toEqual([true, true, true]);
  });
});
