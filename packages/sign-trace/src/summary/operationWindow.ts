import { LogHistogram } from "./logHistogram.js";
import type { SignTraceSample } from "../middleware/index.js";

/**
 * Count and quantiles of one duration, in milliseconds rounded to the microsecond. Quantiles are
 * within 4.4% of the exact value (log-scale buckets); `max` is exact.
 *
 * @example
 * ```ts
 * const { p99, max } = trace.snapshot().operations[0]!.identityWait;
 * ```
 */
export interface DurationSummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * What one service operation did within the window.
 *
 * @example
 * ```ts
 * const getItem = trace.snapshot().operations.find((o) => o.operation === "GetItem");
 * ```
 */
export interface OperationSummary {
  readonly service: string;
  readonly operation: string;
  /** Attempts seen (retries included); equals `sign.count`. */
  readonly attempts: number;
  /** Attempts that failed (the SDK may have retried them). */
  readonly failedAttempts: number;
  /** Attempts signed from an `@awscreds/core` slot. */
  readonly fromSlot: number;
  /** Identity wait per call (first attempts only, so `count` is the number of calls). */
  readonly identityWait: DurationSummary;
  /** Signing time per attempt. */
  readonly sign: DurationSummary;
}

class WindowSlot {
  epoch = -1;
  readonly identityWait = new LogHistogram();
  readonly sign = new LogHistogram();
  fromSlot = 0;
  failed = 0;

  restart(epoch: number): void {
    this.epoch = epoch;
    this.identityWait.reset();
    this.sign.reset();
    this.fromSlot = 0;
    this.failed = 0;
  }
}

const micro = (ms: number): number => Math.round(ms * 1000) / 1000;

function summarize(histogram: LogHistogram): DurationSummary {
  return {
    count: histogram.count,
    p50: micro(histogram.quantile(0.5)),
    p90: micro(histogram.quantile(0.9)),
    p99: micro(histogram.quantile(0.99)),
    max: micro(histogram.max),
  };
}

/**
 * The rolling window of one service operation: a ring of `slotCount` slots of `slotMs` each.
 * Recording touches the current slot only (reset when its time has passed), so it is O(1) and
 * allocation-free; a summary merges the slots still inside the window. Pure: the caller passes
 * the time.
 *
 * @internal
 * @example
 * ```ts
 * const w = new OperationWindow("DynamoDB", "GetItem", 60_000, 5);
 * w.record(sample, Date.now());
 * w.summarize(Date.now());
 * ```
 */
export class OperationWindow {
  readonly service: string;
  readonly operation: string;
  readonly #slotMs: number;
  readonly #slots: WindowSlot[];

  constructor(service: string, operation: string, slotMs: number, slotCount: number) {
    this.service = service;
    this.operation = operation;
    this.#slotMs = slotMs;
    this.#slots = Array.from({ length: slotCount }, () => new WindowSlot());
  }

  record(sample: SignTraceSample, now: number): void {
    const epoch = Math.floor(now / this.#slotMs);
    const count = this.#slots.length;
    const slot = this.#slots[((epoch % count) + count) % count]!;
    if (slot.epoch !== epoch) slot.restart(epoch);
    if (sample.identityWaitMs !== undefined) slot.identityWait.record(sample.identityWaitMs);
    slot.sign.record(sample.signMs);
    if (sample.fromSlot) slot.fromSlot++;
    if (sample.errorName !== undefined) slot.failed++;
  }

  /** The slots of the last `slotCount` periods merged, or `undefined` when they saw nothing. */
  summarize(now: number): OperationSummary | undefined {
    const current = Math.floor(now / this.#slotMs);
    const identityWait = new LogHistogram();
    const sign = new LogHistogram();
    let fromSlot = 0;
    let failed = 0;
    for (const slot of this.#slots) {
      if (slot.epoch <= current - this.#slots.length || slot.epoch > current) continue;
      identityWait.add(slot.identityWait);
      sign.add(slot.sign);
      fromSlot += slot.fromSlot;
      failed += slot.failed;
    }
    if (sign.count === 0 && identityWait.count === 0) return undefined;
    return {
      service: this.service,
      operation: this.operation,
      attempts: sign.count,
      failedAttempts: failed,
      fromSlot,
      identityWait: summarize(identityWait),
      sign: summarize(sign),
    };
  }

  reset(): void {
    for (const slot of this.#slots) slot.restart(-1);
  }
}
