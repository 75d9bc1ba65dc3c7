const noop = (): void => {};

/**
 * The outcome of a slot's start-up, behind `ready()`: pending, succeeded (credentials arrived
 * once) or failed. The promise is created only when someone asks, and every promise handed out
 * has a no-op handler attached, so a `ready()` nobody awaits can never be an unhandled rejection
 * (the caller's own `await` still sees the rejection).
 *
 * @internal
 * @example
 * ```ts
 * const gate = new StartupGate();
 * const ready = gate.ready();
 * gate.succeed(); // ready resolves
 * ```
 */
export class StartupGate {
  #state: "pending" | "succeeded" | "failed" = "pending";
  #error: Error | undefined;
  #deferred: { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } | undefined;

  get pending(): boolean {
    return this.#state === "pending";
  }

  get succeeded(): boolean {
    return this.#state === "succeeded";
  }

  /** The start-up failure, if start-up failed. */
  get error(): Error | undefined {
    return this.#error;
  }

  ready(): Promise<void> {
    let promise: Promise<void>;
    if (this.#state === "succeeded") promise = Promise.resolve();
    else if (this.#state === "failed") promise = Promise.reject(this.#error);
    else promise = (this.#deferred ??= this.#defer()).promise;
    promise.catch(noop);
    return promise;
  }

  /** Credentials arrived; later calls to `ready()` resolve, even after a failed start-up. */
  succeed(): void {
    this.#state = "succeeded";
    this.#error = undefined;
    this.#deferred?.resolve();
    this.#deferred = undefined;
  }

  /** Start-up failed; ignored unless still pending. Returns whether it took effect. */
  fail(error: Error): boolean {
    if (this.#state !== "pending") return false;
    this.#state = "failed";
    this.#error = error;
    this.#deferred?.reject(error);
    this.#deferred = undefined;
    return true;
  }

  #defer(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
    let resolve = noop;
    let reject: (e: Error) => void = noop;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  }
}
