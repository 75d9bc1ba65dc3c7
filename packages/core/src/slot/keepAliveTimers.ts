/** setTimeout fires at once for delays above 2^31 − 1 ms; longer waits are re-armed on wake-up. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** A timer handle of {@link KeepAliveTimers}. */
export type Timer = ReturnType<typeof setTimeout>;

/**
 * The slot's timers, which keep the process alive exactly while somebody waits on the slot.
 *
 * Node keeps a process alive for ref'd handles, never for a pending promise. So an idle slot
 * must leave every timer unref'd (it never holds a process that is done), but while a caller
 * awaits `ready()`, a read or a replacement, the timers that caller depends on (the retry, the
 * fetch timeout, its own deadline) are ref'd: otherwise a process awaiting a retry just exits,
 * with code 13 under ESM top-level await and, worse, code 0 under CommonJS.
 *
 * @internal
 * @example
 * ```ts
 * const timers = new KeepAliveTimers();
 * timers.set(retry, 1_000);        // unref'd: nobody waits
 * const release = timers.hold();   // a reader arrives: every timer is ref'd
 * release();                       // it is served: unref'd again
 * ```
 */
export class KeepAliveTimers {
  readonly #timers = new Set<Timer>();
  #waiters = 0;

  /** Whether somebody holds the timers (for stats and tests). */
  get waiters(): number {
    return this.#waiters;
  }

  /** Number of live timers (for tests: zero after `clearAll()`). */
  get size(): number {
    return this.#timers.size;
  }

  /** Schedules `fn` after `delay` ms (clamped to [0, 2^31 − 1]); ref'd only while somebody waits. */
  set(fn: () => void, delay: number): Timer {
    const timer: Timer = setTimeout(
      () => {
        this.#timers.delete(timer);
        fn();
      },
      Math.min(Math.max(delay, 0), MAX_TIMER_DELAY),
    );
    if (this.#waiters === 0) timer.unref?.();
    this.#timers.add(timer);
    return timer;
  }

  clear(timer: Timer | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#timers.delete(timer);
  }

  clearAll(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  /** Somebody starts waiting: every timer keeps the process alive until the returned release. Idempotent release. */
  hold(): () => void {
    if (this.#waiters++ === 0) for (const timer of this.#timers) timer.ref?.();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.#waiters === 0) for (const timer of this.#timers) timer.unref?.();
    };
  }
}
