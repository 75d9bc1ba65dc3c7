import { DEFAULT_REFRESH_POLICY } from "@awscreds/core";

/**
 * How long before expiry the default slot refreshes short-lived credentials: the last safe start,
 * `expiryMargin` (10 s) + `fetchTimeout` (10 s, the slot's default) before `Expiration`. For a
 * lifetime of this plus P seconds, with P under ~21 s, the default policy's refresh instant always
 * snaps to that last safe start (see `planRefresh`), so a key is replaced P seconds after it was
 * issued: the rotation period. The policy is not touched; only the emulator's lifetimes shrink.
 */
export const REFRESH_LEAD_MS = DEFAULT_REFRESH_POLICY.expiryMargin + 10_000;
/** Shortest rotation period: the policy's `minRefreshInterval` floor (1 s), and a little room. */
export const MIN_PERIOD_MS = 1_500;
/** Longest: beyond ~21 s the default policy's jitter comes back and the period is no longer P. */
export const MAX_PERIOD_MS = 20_000;
/** Aim this much above the rotations asked for, so a late speed-up of the machine cannot fall short. */
export const ROTATION_HEADROOM = 1.25;

export interface PacingInput {
  /** Requests the run will send in all. */
  readonly requests: number;
  /** Completed so far, and over how long (ms since the first request). */
  readonly done: number;
  readonly elapsedMs: number;
  /** Rotations so far, and the least the run must see. */
  readonly rotations: number;
  readonly targetRotations: number;
}

/**
 * The rotation period that spreads the rotations still needed (with headroom) over the time the
 * remaining requests will take at the rate seen so far; once enough have happened, the pace so
 * far, so rotations go on to the end. Clamped to [{@link MIN_PERIOD_MS}, {@link MAX_PERIOD_MS}].
 */
export function rotationPeriodMs(input: PacingInput): number {
  const clamp = (ms: number) => Math.min(MAX_PERIOD_MS, Math.max(MIN_PERIOD_MS, ms));
  if (input.done <= 0 || input.elapsedMs <= 0) return MIN_PERIOD_MS;
  const remainingMs = ((input.requests - input.done) * input.elapsedMs) / input.done;
  const aim = Math.ceil(input.targetRotations * ROTATION_HEADROOM) + 1;
  const left = aim - input.rotations;
  if (left <= 0) return clamp(input.elapsedMs / Math.max(1, input.rotations));
  return clamp(remainingMs / left);
}

/** The lifetime the emulator's STS gives credentials so the slot replaces them after `periodMs`, in seconds. */
export function lifetimeSecondsFor(periodMs: number): number {
  // + 0.5 s: `Expiration` reaches the client truncated to the second, 0.5 s shorter on average.
  return Math.round((REFRESH_LEAD_MS + periodMs) / 100) / 10 + 0.5;
}
