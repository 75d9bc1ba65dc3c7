/**
 * The fleet simulation of `npm run fleet`, on a small fleet: 50 real slots, 2 refresh waves and a
 * 2-minute brown-out early in wave 1, on the same fake clock as the full run (and, once, on
 * vitest's fake timers, which must give the same run). Properties only, never wall-clock times.
 */
import { describe, expect, test, vi } from "vitest";
import { classifyError, DEFAULT_REFRESH_POLICY, type RefreshPolicyOptions } from "@awscreds/core";
import { installFakeClock } from "../fleet/fakeClock.js";
import { callsPerSecond, runFigures } from "../fleet/fleetMetrics.js";
import { VALIDITY_FLOOR_MS, type FleetScenario } from "../fleet/fleetScenario.js";
import type { SimClock } from "../fleet/simClock.js";
import { simulateFleet, type FleetRun } from "../fleet/simulateFleet.js";
import { throttlingError } from "../fleet/stsModel.js";

const MINUTE = 60_000;
const EPOCH = Date.UTC(2025, 0, 1);
/** The default latest refresh point: 10 min before expiry. */
const REFRESH_BEFORE_EXPIRY = DEFAULT_REFRESH_POLICY.refreshBeforeExpiry;

/**
 * Wave 1 of 1-hour credentials runs from 35 to 50 min with jitter; a brown-out at 37–39 min hits
 * the slots that drew an early refresh, which still have ≥ 21 min of validity: enough to back off
 * and recover before the 10-minute point. The horizon covers 2 waves (by 2 × 50 min) with and
 * without jitter.
 */
const SMALL_FLEET: FleetScenario = {
  slots: 50,
  startWindowMs: 1_000,
  credentialLifetimeMs: 60 * MINUTE,
  latencyMs: { min: 200, max: 3_000 },
  brownOut: { from: 37 * MINUTE, to: 39 * MINUTE },
  horizonMs: 102 * MINUTE,
  waves: 2,
  seed: 7,
};

const JITTER: Partial<RefreshPolicyOptions> = {};
const NO_JITTER: Partial<RefreshPolicyOptions> = { jitterWindow: 0 };

async function onFakeClock(policy: Partial<RefreshPolicyOptions>, scenario = SMALL_FLEET): Promise<FleetRun> {
  const clock = installFakeClock(EPOCH);
  try {
    return await simulateFleet({ scenario, policy, clock });
  } finally {
    clock.uninstall();
  }
}

/** vitest's fake timers (@sinonjs/fake-timers) as the run's clock; `setImmediate` stays real, the run settles promises with it. */
async function onVitestTimers(policy: Partial<RefreshPolicyOptions>): Promise<FleetRun> {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: EPOCH });
  const clock: SimClock = {
    now: () => Date.now(),
    fireNext: () => {
      if (vi.getTimerCount() === 0) return false;
      vi.advanceTimersToNextTimer();
      return true;
    },
  };
  try {
    return await simulateFleet({ scenario: SMALL_FLEET, policy, clock });
  } finally {
    vi.useRealTimers();
  }
}

describe("fleet simulation, 50 slots", () => {
  test("the STS model throttles the way STS does: the slot classifies its error as throttling", () => {
    expect(classifyError(throttlingError())).toBe("throttling");
  });

  test("every slot refreshes through both waves, the brown-out throttles some, all recover before expiry", async () => {
    const run = await onFakeClock(JITTER);
    const figures = runFigures(run, SMALL_FLEET);

    for (const slot of run.slots) expect(slot.refreshedAt.length).toBeGreaterThanOrEqual(SMALL_FLEET.waves + 1);
    expect(figures.brownOut.slotsThrottled).toBeGreaterThan(0);
    expect(run.calls.filter((call) => call.outcome === "throttled").every((call) => call.at >= SMALL_FLEET.brownOut.from && call.at < SMALL_FLEET.brownOut.to)).toBe(true);
    expect(figures.brownOut.slotsRecovered).toBe(figures.brownOut.slotsThrottled);
    expect(figures.validity.slotsExpired).toBe(0);
    expect(run.slots.every((slot) => slot.expiredAt.length === 0)).toBe(true);
  });

  test("no slot falls below 5 min of validity, nor below 10 min except by the latency of a refresh started at the window's end", async () => {
    const run = await onFakeClock(JITTER);
    const throttled = new Set(run.calls.filter((call) => call.outcome === "throttled").map((call) => `${call.slot}:${call.wave}`));

    for (const slot of run.slots) {
      slot.lows.forEach((low, i) => {
        const wave = i + 1;
        const answer = run.calls.find((call) => call.slot === slot.index && call.wave === wave && call.outcome === "issued")!;
        // A refresh starts by expiry − 10 min at the latest, and its credentials come one latency later;
        // the slots the brown-out throttled had 21 min or more left, enough to recover above 10 min.
        const floor = throttled.has(`${slot.index}:${wave}`) ? REFRESH_BEFORE_EXPIRY : REFRESH_BEFORE_EXPIRY - answer.latencyMs;
        expect(low.validityMs, `slot ${slot.index}, wave ${wave}`).toBeGreaterThanOrEqual(floor);
        expect(low.validityMs, `slot ${slot.index}, wave ${wave}`).toBeGreaterThanOrEqual(VALIDITY_FLOOR_MS);
      });
      expect(slot.validityAtEndMs).toBeGreaterThan(VALIDITY_FLOOR_MS);
    }
  });

  test("throttled retries back off: the median planned delay grows with each failure", async () => {
    const { brownOut } = runFigures(await onFakeClock(JITTER), SMALL_FLEET);

    const [first, second, third] = brownOut.medianRetryDelayMsByAttempt;
    expect(brownOut.maxConsecutiveThrottled).toBeGreaterThanOrEqual(3);
    expect(second!).toBeGreaterThan(first!);
    expect(third!).toBeGreaterThan(second!);
  });

  test("jitter lowers the peak of STS calls per second and spreads the waves, with the same seed", async () => {
    const jitter = runFigures(await onFakeClock(JITTER), SMALL_FLEET);
    const none = runFigures(await onFakeClock(NO_JITTER), SMALL_FLEET);

    expect(jitter.refreshes.peakPerSecond).toBeLessThan(none.refreshes.peakPerSecond);
    expect(jitter.refreshes.peakPerSecond).toBeLessThanOrEqual(SMALL_FLEET.slots / 10);
    expect(none.refreshes.peakPerSecond).toBeGreaterThanOrEqual(SMALL_FLEET.slots / 4);
    // Wave 1 with jitter: uniform over the 15-minute window; without: the start second plus one latency.
    expect(jitter.waves[0]!.spreadMs).toBeGreaterThan(10 * MINUTE);
    expect(none.waves[0]!.spreadMs).toBeLessThanOrEqual(SMALL_FLEET.startWindowMs + SMALL_FLEET.latencyMs.max);
    // Every refresh starts at expiry − 10 min exactly and its credentials come one latency later:
    // just under 10 min left, never under 5.
    expect(none.validity.slotsBelowFloor).toBe(0);
    expect(none.validity.minValidityMs).toBeGreaterThanOrEqual(REFRESH_BEFORE_EXPIRY - SMALL_FLEET.latencyMs.max);
    expect(none.validity.minValidityMs).toBeLessThan(REFRESH_BEFORE_EXPIRY);
  });

  test("the run is deterministic, and vitest's fake timers give the same one", async () => {
    const ours = await onFakeClock(JITTER);
    const again = await onFakeClock(JITTER);
    const theirs = await onVitestTimers(JITTER);

    const summary = (run: FleetRun) => ({
      calls: [...run.calls].sort((a, b) => a.at - b.at || a.slot - b.slot),
      lows: run.slots.map((slot) => slot.lows),
      refreshedAt: run.slots.map((slot) => slot.refreshedAt),
    });
    expect(summary(again)).toEqual(summary(ours));
    expect(summary(theirs)).toEqual(summary(ours));
    expect(callsPerSecond(theirs.calls)).toEqual(callsPerSecond(ours.calls));
  });
});
