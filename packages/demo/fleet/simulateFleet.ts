/**
 * One fleet run: `scenario.slots` real credential slots (`createCredentialSlot`, the shipped
 * code, nothing mocked but the clock and STS) start within one second against one STS model,
 * and the clock runs through the horizon. Returns what STS saw and what each slot held.
 */
import { createCredentialSlot, type CredentialSlot, type RefreshPolicyOptions } from "@awscreds/core";
import type { FleetScenario } from "./fleetScenario.js";
import { runClockUntil, type SimClock } from "./simClock.js";
import { seededRandom } from "./seededRandom.js";
import { createStsModel, type StsCall } from "./stsModel.js";

/** One failed attempt as the slot reported it (`refreshFailed`). Times are ms since start. */
export interface SlotFailure {
  readonly at: number;
  readonly kind: string;
  readonly attempt: number;
  /** When the slot planned its next attempt. */
  readonly nextAttemptAt: number;
}

/** The validity a slot still had when new credentials replaced its old ones. */
export interface ValidityLow {
  readonly at: number;
  /** Old credentials' expiration minus the instant the new ones arrived (ms). */
  readonly validityMs: number;
}

/** What one slot lived through. Times are ms since start. */
export interface SlotRecord {
  readonly index: number;
  readonly startedAt: number;
  /** Instants of its successful fetches (the first one is start-up). */
  readonly refreshedAt: number[];
  /** One entry per refresh after the first fetch: the low point of validity just before it. */
  readonly lows: ValidityLow[];
  readonly failures: SlotFailure[];
  /** Instants at which its credentials expired unrefreshed (`expired` events): should stay empty. */
  readonly expiredAt: number[];
  /** Validity left at the end of the horizon (ms). */
  validityAtEndMs: number;
}

export interface FleetRunOptions {
  readonly scenario: FleetScenario;
  /** Overrides of the refresh policy, e.g. `{ jitterWindow: 0 }`; `{}` is the default policy. */
  readonly policy: Partial<RefreshPolicyOptions>;
  /** The fake clock, already installed; the run starts at its current `now()`. */
  readonly clock: SimClock;
}

export interface FleetRun {
  readonly calls: readonly StsCall[];
  readonly slots: readonly SlotRecord[];
  /** Timer firings the clock went through (a measure of the work simulated). */
  readonly timerFirings: number;
  /** Real time the run took (ms). */
  readonly wallMs: number;
}

/**
 * Runs the fleet. Deterministic for a given scenario, policy and seed.
 *
 * @example
 * ```ts
 * const run = await simulateFleet({ scenario: FULL_FLEET, policy: { jitterWindow: 0 }, clock });
 * run.calls.length; // every STS call of 3 simulated hours
 * ```
 */
export async function simulateFleet({ scenario, policy, clock }: FleetRunOptions): Promise<FleetRun> {
  const began = performance.now();
  const now = (): number => clock.now();
  const start = now();
  const since = (ms: number): number => ms - start;
  const sts = createStsModel(scenario, now);
  const slots: CredentialSlot[] = [];
  const recordOf = new Map<CredentialSlot, SlotRecord>();
  const records: SlotRecord[] = [];

  for (let index = 0; index < scenario.slots; index++) {
    // From 1 ms: Node turns a 0 ms timer into 1 ms, vitest's fake timers do not; both clocks then agree.
    const startedAt = 1 + Math.floor(seededRandom(scenario.seed, index, 3)() * (scenario.startWindowMs - 1));
    const record: SlotRecord = { index, startedAt, refreshedAt: [], lows: [], failures: [], expiredAt: [], validityAtEndMs: 0 };
    records.push(record);
    let heldExpiration: number | undefined;
    setTimeout(() => {
      const slot = createCredentialSlot({
        source: sts.sourceFor(index),
        policy,
        random: seededRandom(scenario.seed, index, 1),
        now,
        name: `pod-${index}`,
        onEvent: (event) => {
          const at = now();
          if (event.type === "refreshed") {
            if (heldExpiration !== undefined) record.lows.push({ at: since(at), validityMs: heldExpiration - at });
            heldExpiration = event.expiration?.getTime();
            record.refreshedAt.push(since(at));
          } else if (event.type === "refreshFailed") {
            record.failures.push({ at: since(at), kind: event.error.kind, attempt: event.attempt, nextAttemptAt: since(event.nextAttemptAt.getTime()) });
          } else {
            record.expiredAt.push(since(at));
          }
        },
      });
      slot.ready().catch(() => {}); // start-up failures show up as refreshFailed events
      slots.push(slot);
      recordOf.set(slot, record);
    }, startedAt);
  }

  const timerFirings = await runClockUntil(clock, start + scenario.horizonMs);
  const end = now();
  for (const slot of slots) {
    const { expiresAt } = slot.stats();
    recordOf.get(slot)!.validityAtEndMs = expiresAt === undefined ? 0 : expiresAt - end;
  }
  await Promise.all(slots.map((slot) => slot.close()));
  return { calls: sts.calls, slots: records, timerFirings, wallMs: performance.now() - began };
}
