import { OperationWindow, type OperationSummary } from "./operationWindow.js";
import type { SignTraceSample } from "../middleware/index.js";

/**
 * The window is kept as this many slots; the oldest one drops whole as time moves on.
 *
 * @example
 * ```ts
 * const slotMs = windowMs / WINDOW_SLOTS; // 60 s by default
 * ```
 */
export const WINDOW_SLOTS = 5;

/**
 * What `snapshot()` returns: one entry per service operation seen within the window, sorted by
 * service then operation. Plain data: safe to `JSON.stringify` and log.
 *
 * @example
 * ```ts
 * console.warn(JSON.stringify(trace.snapshot(), null, 2));
 * ```
 */
export interface SignTraceSnapshot {
  /** The window the numbers cover, in ms: the current slot plus the previous ones, up to this. */
  readonly windowMs: number;
  readonly operations: readonly OperationSummary[];
}

/**
 * Rolling per-service/operation histograms of identity wait and signing time: a few kilobytes
 * per operation, O(1) and allocation-free per sample, so it can stay on in production.
 *
 * @internal
 * @example
 * ```ts
 * const summary = new SignTraceSummary(300_000, Date.now);
 * summary.record(sample);
 * summary.snapshot().operations;
 * ```
 */
export class SignTraceSummary {
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #byService = new Map<string, Map<string, OperationWindow>>();
  // Samples come in runs of one operation (a loop of GetItem): skip both map lookups then.
  #lastWindow: OperationWindow | undefined;

  constructor(windowMs: number, now: () => number) {
    this.#windowMs = windowMs;
    this.#now = now;
  }

  record(sample: SignTraceSample): void {
    let window = this.#lastWindow;
    if (window === undefined || window.operation !== sample.operation || window.service !== sample.service) {
      window = this.#windowOf(sample.service, sample.operation);
      this.#lastWindow = window;
    }
    window.record(sample, this.#now());
  }

  #windowOf(service: string, operation: string): OperationWindow {
    let byOperation = this.#byService.get(service);
    if (byOperation === undefined) this.#byService.set(service, (byOperation = new Map()));
    let window = byOperation.get(operation);
    if (window === undefined) {
      window = new OperationWindow(service, operation, this.#windowMs / WINDOW_SLOTS, WINDOW_SLOTS);
      byOperation.set(operation, window);
    }
    return window;
  }

  snapshot(): SignTraceSnapshot {
    const now = this.#now();
    const operations: OperationSummary[] = [];
    for (const service of [...this.#byService.keys()].sort()) {
      const byOperation = this.#byService.get(service)!;
      for (const operation of [...byOperation.keys()].sort()) {
        const summary = byOperation.get(operation)!.summarize(now);
        if (summary !== undefined) operations.push(summary);
      }
    }
    return { windowMs: this.#windowMs, operations };
  }

  reset(): void {
    for (const byOperation of this.#byService.values()) for (const window of byOperation.values()) window.reset();
  }
}
