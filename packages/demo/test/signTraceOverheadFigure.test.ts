/**
 * Smoke test of the sign-trace overhead figure in its quick mode: it runs end to end (two
 * measuring processes with real SDK clients and the instant handler) and returns a well-formed
 * result. Speed is not judged here: that is what the figure itself measures, in its full mode.
 */
import { expect, test } from "vitest";
import { signTraceOverheadFigure, type SignTraceOverheadRaw } from "../bench/figures/signTraceOverhead.js";

const SETUPS = ["stock", "stockCallback", "stockUnheard", "cached", "cachedCallback", "cachedUnheard"];
const UNTRACED = ["stock", "cached"];

test("quick run: one row per set-up, positive CPU per request, ratios for the traced set-ups, the goals", { timeout: 120_000 }, async () => {
  const lines: string[] = [];
  const result = await signTraceOverheadFigure.run({ quick: true, log: (line) => lines.push(line) });

  expect(result.id).toBe("sign-trace-overhead");
  expect(signTraceOverheadFigure.id).toBe(result.id);
  expect(result.title).not.toBe("");
  expect(result.method).toContain("2000 GetItems per set-up");

  const raw = result.raw as SignTraceOverheadRaw;
  expect(raw.rounds).toBe(2);
  expect(raw.processes).toBeGreaterThanOrEqual(1);
  expect(Object.keys(raw.cpuMicrosPerRequest)).toEqual(SETUPS);
  for (const perRound of Object.values(raw.cpuMicrosPerRequest)) {
    expect(perRound).toHaveLength(2);
    for (const value of perRound) expect(value).toBeGreaterThan(0);
  }
  // Every request of a callback set-up reached its callback: each process's warm-up plus both rounds.
  const perCallbackSetup = raw.processes * raw.warmUpRequests + 2 * raw.requestsPerRound;
  expect(raw.callbackSamples).toEqual({ stockCallback: perCallbackSetup, cachedCallback: perCallbackSetup });

  expect(result.table).toHaveLength(SETUPS.length);
  for (const [i, row] of result.table.entries()) {
    for (const column of ["CPU/request min (µs)", "median (µs)", "max (µs)"]) expect(row[column]).toBeGreaterThan(0);
    // Rows follow the set-ups; the two untraced clients are the baselines, with no ratio of their own.
    const untraced = UNTRACED.includes(SETUPS[i]!);
    for (const column of ["× untraced min", "× untraced median", "× untraced max"]) {
      if (untraced) expect(row[column]).toBe("—");
      else expect(row[column]).toBeGreaterThan(0);
    }
  }

  expect(result.goals.map((goal) => goal.goal)).toEqual([
    "median ≤ ×1.02 (≤ 2 % extra)",
    "median ≤ ×1.005 (near 0)",
    "median ≤ ×1.02 (≤ 2 % extra)",
    "median ≤ ×1.005 (near 0)",
    "(reference: the part cacheMiddleware: true takes away)",
    "(reference: the part cacheMiddleware: true takes away)",
  ]);
  for (const goal of result.goals.slice(0, 4)) expect(goal).toEqual({ claim: expect.any(String), measured: expect.stringMatching(/^×\d/), goal: expect.any(String), met: expect.any(Boolean) });
  expect(result.goals.slice(2, 4).every((goal) => goal.claim.includes("cacheMiddleware: true"))).toBe(true);
  for (const goal of result.goals.slice(4)) expect(goal).toMatchObject({ measured: expect.stringContaining("µs per request by default"), met: true });

  // One progress line per round per measuring process.
  expect(lines.filter((line) => line.startsWith("sign-trace overhead round "))).toHaveLength(2 * raw.processes);
});
