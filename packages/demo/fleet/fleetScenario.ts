/**
 * What a fleet run simulates: how many pods, how they start, what the STS model does and when it
 * browns out. Times are milliseconds since the simulation started (the first pod's start window).
 */
import { DEFAULT_REFRESH_POLICY } from "@awscreds/core";

/** A period during which every STS call that arrives is answered with `Throttling`. */
export interface BrownOut {
  /** First instant of the brown-out (ms since start). */
  readonly from: number;
  /** End of the brown-out, exclusive (ms since start). */
  readonly to: number;
}

export interface FleetScenario {
  /** Pods, one credential slot each. */
  readonly slots: number;
  /** The pods start uniformly within this window (ms): "started in the same second". */
  readonly startWindowMs: number;
  /** Lifetime of the credentials STS issues (ms), counted from the instant it answers. */
  readonly credentialLifetimeMs: number;
  /** Every STS answer (credentials or throttling) comes after a latency uniform in [min, max] ms. */
  readonly latencyMs: { readonly min: number; readonly max: number };
  /** The STS brown-out. */
  readonly brownOut: BrownOut;
  /** How long to simulate (ms). */
  readonly horizonMs: number;
  /** Refresh waves the figures are about: wave k is each slot's k-th refresh after its first fetch. */
  readonly waves: number;
  /** Seed of every random draw (start offsets, latencies, the slots' jitter). */
  readonly seed: number;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * The end of wave 1 for 1-hour credentials under the default policy: a slot refreshes at the
 * latest `refreshBeforeExpiry` (10 min) before expiry, so 50 min after the first credentials came
 * (plus the start window and the first answer's latency). Without jitter the whole fleet
 * refreshes right there.
 */
export const WAVE_ONE_LATEST = HOUR - DEFAULT_REFRESH_POLICY.refreshBeforeExpiry;
/** The middle of wave 1 with the default jitter: half the jitter window before its end (42.5 min). */
export const WAVE_ONE_MIDDLE = WAVE_ONE_LATEST - DEFAULT_REFRESH_POLICY.jitterWindow / 2;
/**
 * The busiest instant of wave 2 with jitter: each slot's second refresh is the sum of two uniform
 * draws, so wave 2 is triangular and peaks at twice the middle of wave 1 (85 min).
 */
export const WAVE_TWO_PEAK = 2 * WAVE_ONE_MIDDLE;

/**
 * The full fleet of the issue: 1,000 pods started within the same second, 1-hour credentials,
 * 0.2–3 s STS latency, 3 h simulated (3 refresh waves with or without jitter), and a 2-minute
 * brown-out centred on the end of wave 1 (49:00–51:00 with the default policy). With the default
 * 15-minute jitter the brown-out hits the last minute of a 15-minute wave, the slots with the
 * least validity left; without jitter it hits the whole fleet at once, as that fleet refreshes at
 * 50:00–50:04.
 */
export const FULL_FLEET: FleetScenario = Object.freeze({
  slots: 1_000,
  startWindowMs: SECOND,
  credentialLifetimeMs: HOUR,
  latencyMs: Object.freeze({ min: 200, max: 3 * SECOND }),
  brownOut: Object.freeze({ from: WAVE_ONE_LATEST - MINUTE, to: WAVE_ONE_LATEST + MINUTE }),
  horizonMs: 3 * HOUR,
  waves: 3,
  seed: 20_240_601,
});

/** A fleet is "calling STS together" when more than this fraction of it calls within one second. */
export const FLEET_FRACTION_LIMIT = 0.01;

/** The validity every slot should keep: refreshed before its credentials have less than this left. */
export const VALIDITY_FLOOR_MS = 5 * MINUTE;
