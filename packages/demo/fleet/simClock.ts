/**
 * The clock a fleet run runs on, as a small interface, so the same simulation runs on our fake
 * clock (`installFakeClock`, fast) or on vitest's fake timers (the test cross-checks the two).
 * Either replaces the global `setTimeout`/`clearTimeout`: real slots then run unchanged, their
 * timers and the STS model's latencies on simulated time.
 */
export interface SimClock {
  /** The simulated time (epoch ms). */
  now(): number;
  /** Advances to the next pending timer and fires it; false when no timer is pending. */
  fireNext(): boolean;
}

/** Real `setImmediate`, captured before any faking: a macrotask, so every pending promise job runs first. */
const realSetImmediate = globalThis.setImmediate;

/** Lets the promise chains the last timer started run to completion (they run in microtasks). */
function settle(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(() => resolve()));
}

/**
 * Runs the clock until `end` (epoch ms), timer by timer, settling promises after each one as
 * Node's event loop would. Returns the number of timers fired.
 *
 * @example
 * ```ts
 * await runClockUntil(clock, clock.now() + 3 * 3_600_000);
 * ```
 */
export async function runClockUntil(clock: SimClock, end: number): Promise<number> {
  let reached = false;
  setTimeout(() => (reached = true), end - clock.now());
  let fired = 0;
  await settle();
  while (!reached && clock.fireNext()) {
    fired++;
    await settle();
  }
  return fired;
}
