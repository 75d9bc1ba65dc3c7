/**
 * Smoke test of the CPU-per-request figure in its quick mode: it runs end to end (two measuring
 * processes with real SDK clients, the instant handler, an awscreds slot), checks that each
 * set-up signed as it claims, and returns a well-formed result. Speed is not judged here: that is
 * what the figure itself measures, in its full mode.
 */
import { expect, test } from "vitest";
import { cpuPerRequestFigure, type CpuPerRequestRaw } from "../bench/figures/cpuPerRequest.js";

const SETUPS = ["stock", "awscreds", "nosign", "stockCached", "awscredsCached"];

test("quick run: one row per set-up, positive CPU per request, per-round ratios over stock, the goals", { timeout: 120_000 }, async () => {
  const lines: string[] = [];
  const result = await cpuPerRequestFigure.run({ quick: true, log: (line) => lines.push(line) });

  expect(result.id).toBe("cpu-per-request");
  expect(cpuPerRequestFigure.id).toBe(result.id);
  expect(result.title).not.toBe("");
  expect(result.method).toContain("2 rounds of 2000 GetItems per set-up");

  const raw = result.raw as CpuPerRequestRaw;
  expect(raw).toMatchObject({ requestsPerRound: 2_000, rounds: 2, processes: expect.any(Number) });
  expect(raw.processes).toBeGreaterThanOrEqual(1);
  expect(Object.keys(raw.cpuMicrosPerRequest)).toEqual(SETUPS);
  for (const perRound of Object.values(raw.cpuMicrosPerRequest)) {
    expect(perRound).toHaveLength(2);
    for (const value of perRound) expect(value).toBeGreaterThan(0);
  }
  for (const perRound of [raw.awscredsOverStock, raw.nosignOverStock, raw.awscredsCachedOverStockCached]) {
    expect(perRound).toHaveLength(2);
    for (const value of perRound) expect(value).toBeGreaterThan(0);
  }
  // The cacheMiddleware ratio divides by the cached stock client of the same round, not by plain stock.
  expect(raw.awscredsCachedOverStockCached).toEqual(raw.cpuMicrosPerRequest.awscredsCached!.map((value, i) => value / raw.cpuMicrosPerRequest.stockCached![i]!));

  expect(result.table).toHaveLength(SETUPS.length);
  for (const [i, row] of result.table.entries()) {
    for (const column of ["CPU/request min (µs)", "median (µs)", "max (µs)"]) expect(row[column]).toBeGreaterThan(0);
    // Stock is the baseline, with no ratio of its own.
    for (const column of ["× stock min", "× stock median", "× stock max"]) {
      if (SETUPS[i] === "stock") expect(row[column]).toBe("—");
      else expect(row[column]).toBeGreaterThan(0);
    }
  }

  const median = (values: readonly number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted.length % 2 === 1 ? sorted[sorted.length >> 1]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  };
  expect(result.goals).toHaveLength(3);
  expect(result.goals[0]).toEqual({ claim: expect.stringContaining("awscreds"), measured: expect.stringMatching(/^×\d/), goal: "median ≤ ×0.85", met: expect.any(Boolean) });
  expect(result.goals[0]?.met).toBe((result.table[1]?.["× stock median"] as number) <= 0.85);
  expect(result.goals[1]).toEqual({ claim: expect.stringContaining("cacheMiddleware: true"), measured: expect.stringMatching(/^×\d/), goal: "median ≤ ×0.85", met: expect.any(Boolean) });
  expect(result.goals[1]?.met).toBe(median(raw.awscredsCachedOverStockCached) <= 0.85);
  expect(result.goals[2]).toMatchObject({ measured: expect.stringMatching(/^×\d/), met: true });

  // One progress line per round per measuring process.
  expect(lines.filter((line) => line.startsWith("cpu per request round "))).toHaveLength(2 * raw.processes);
});
