/**
 * Runs `start()` and settles with it, or rejects with `signal.reason` as soon as `signal` aborts,
 * whichever comes first. A source that ignores its signal therefore cannot hold the slot: the
 * late result is dropped (its rejection is still observed, so it is never "unhandled").
 * The abort listener is registered `{ once: true }` and removed on every path.
 *
 * @internal
 * @example
 * ```ts
 * await raceAbort(() => provider(), AbortSignal.timeout(5_000));
 * ```
 */
export function raceAbort<T>(start: () => PromiseLike<T> | T, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    let pending: Promise<T>;
    try {
      pending = Promise.resolve(start());
    } catch (err) {
      // A source that throws synchronously fails like one that rejects.
      pending = Promise.reject(err);
    }
    pending.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}
