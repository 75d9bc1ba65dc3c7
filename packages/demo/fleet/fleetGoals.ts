/**
 * The goals of the fleet simulation (issue "Reliability under load and at fleet scale", item 5),
 * judged on a run's figures: each with what was measured and whether it was met.
 */
import type { RunFigures } from "./fleetMetrics.js";
import { duration } from "./formatTime.js";

export interface FleetGoal {
  readonly claim: string;
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean;
}

/** The four goals, judged on one run (the one with the default policy is the one that counts). */
export function fleetGoals(figures: RunFigures, fleetSize: number): FleetGoal[] {
  const { refreshes, validity, brownOut } = figures;
  const limit = refreshes.limit;
  const delays = brownOut.medianRetryDelayMsByAttempt.slice(0, 5).map(duration).join(", ");
  return [
    {
      claim: `no second in which more than 1 % of the fleet (${limit} of ${fleetSize.toLocaleString("en-US")} slots) calls STS, start-up excluded`,
      goal: `≤ ${limit} calls in every second`,
      measured: `peak ${refreshes.peakPerSecond} calls/s; ${refreshes.secondsOverLimit} s over ${limit}`,
      met: refreshes.secondsOverLimit === 0,
    },
    {
      claim: "no slot ever holds less than 5 minutes of validity",
      goal: "0 slots",
      measured:
        `${validity.slotsBelowFloor} slots (${validity.slotsBelowFloorThrottled} throttled in the brown-out, ${validity.slotsBelowFloorLatencyOnly} by STS latency alone); ` +
        `lowest ${duration(validity.minValidityMs)}`,
      met: validity.slotsBelowFloor === 0,
    },
    {
      claim: "during the brown-out, retries spread out (throttling backoff)",
      goal: `≤ ${limit} calls/s during it and in the minute after; retry delays growing`,
      measured:
        `${brownOut.slotsThrottled} slots throttled, ${brownOut.throttledCalls} throttled calls; peak ${brownOut.peakPerSecondDuring} calls/s during, ` +
        `${brownOut.peakPerSecondMinuteAfter} in the minute after; median delay before retry 1–5: ${delays}`,
      met:
        brownOut.peakPerSecondDuring <= limit &&
        brownOut.peakPerSecondMinuteAfter <= limit &&
        brownOut.medianRetryDelayMsByAttempt.slice(0, 4).every((delay, i, all) => i === 0 || delay > all[i - 1]!),
    },
    {
      claim: "every slot recovers before expiry",
      goal: "every throttled slot refreshed before its credentials expired; 0 expired",
      measured:
        `${brownOut.slotsRecovered}/${brownOut.slotsThrottled} recovered, the last ${duration(brownOut.recoveryAfterEndMs.last)} after the brown-out ` +
        `(lowest validity then ${duration(brownOut.minValidityAtRecoveryMs)}); ${validity.slotsExpired} expired`,
      met: brownOut.slotsRecovered === brownOut.slotsThrottled && validity.slotsExpired === 0,
    },
  ];
}
