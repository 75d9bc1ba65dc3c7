/**
 * The credential slot: the thin, effectful shell around `SlotState` and the pure refresh policy.
 * It is the only module that owns timers. Every timer is `unref()`ed (a slot never keeps a
 * process alive) and cleared by `close()`. Decisions always re-read the clock instead of trusting
 * a schedule, so a late timer, a stalled event loop or a clock jump is handled by the same rule.
 */
import type { AwsCredentialIdentity } from "@smithy/types";
import { resolveCredentialSlotOptions, type CredentialSlotOptions, type ResolvedCredentialSlotOptions } from "./credentialSlotOptions.js";
import type { CredentialSlot, CredentialSlotStats, SlotCredentialProvider } from "./credentialSlotTypes.js";
import { CredentialsUnavailableError, SlotClosedError, StartupTimeoutError, describeError } from "./errors.js";
import { raceAbort } from "./raceAbort.js";
import { ReaderQueue, type Reader } from "./readerQueue.js";
import { SlotEventEmitter, type CredentialSlotEventName, type CredentialSlotListener } from "./slotEvents.js";
import { slotMessages as msg } from "./slotMessages.js";
import { SlotState } from "./slotState.js";
import { StartupGate } from "./startupGate.js";

/** setTimeout fires at once for delays above 2^31 − 1 ms; longer waits are re-armed on wake-up. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;
type Timer = ReturnType<typeof setTimeout>;

function unrefTimer(fn: () => void, delay: number): Timer {
  const timer = setTimeout(fn, Math.min(Math.max(delay, 0), MAX_TIMER_DELAY));
  timer.unref?.();
  return timer;
}

/**
 * Creates a credential slot and starts its first fetch at once. Options are validated eagerly.
 *
 * @throws `ConfigurationError` for invalid options.
 * @example
 * ```ts
 * const slot = createCredentialSlot({ source: fromProvider(fromTokenFile()), name: "sts", logger: console });
 * await slot.ready();
 * const sts = new STSClient({ credentials: slot.provider });
 * ```
 */
export function createCredentialSlot(options: CredentialSlotOptions): CredentialSlot {
  return new Slot(resolveCredentialSlotOptions(options));
}

class Slot implements CredentialSlot {
  readonly provider: SlotCredentialProvider;
  readonly #o: ResolvedCredentialSlotOptions;
  readonly #state: SlotState;
  readonly #events: SlotEventEmitter;
  readonly #readers = new ReaderQueue();
  readonly #startup = new StartupGate();
  readonly #startupDeadline: number;
  readonly #onAbort = (): void => void this.#shutdown(new SlotClosedError("the credential slot was closed by its signal; create a new one", { cause: this.#o.signal?.reason }));
  #inFlight: { readonly controller: AbortController; done: Promise<void> } | undefined;
  #timer: Timer | undefined;
  #startupTimer: Timer | undefined;
  #closed: { readonly error: SlotClosedError; done: Promise<void> } | undefined;

  constructor(options: ResolvedCredentialSlotOptions) {
    this.#o = options;
    this.#state = new SlotState(options.policy);
    this.#events = new SlotEventEmitter((err, event) => this.#log("error", msg.listenerThrew(event, err)), options.onEvent);
    const provider = (props?: Record<string, unknown>): Promise<AwsCredentialIdentity> => {
      const key = this.#state.usable(this.#o.now())?.accessKeyId;
      if (props?.forceRefresh === true && key !== undefined) this.invalidate(key);
      return this.get();
    };
    this.provider = Object.assign(provider, { memoized: true as const });
    this.#startupDeadline = options.now() + options.startupTimeout;
    if (options.signal?.aborted === true) {
      this.#onAbort();
      return;
    }
    options.signal?.addEventListener("abort", this.#onAbort, { once: true });
    this.#startupTimer = unrefTimer(() => this.#failStartup(this.#startupTimeoutError(this.#inFlight ? undefined : this.#state.refreshAt)), options.startupTimeout);
    this.#startFetch();
  }

  ready(): Promise<void> {
    if (this.#closed === undefined) return this.#startup.ready();
    const promise = Promise.reject(this.#startup.succeeded ? this.#closed.error : (this.#startup.error ?? this.#closed.error));
    promise.catch(() => {});
    return promise;
  }

  current(): AwsCredentialIdentity | undefined {
    const now = this.#read();
    const creds = this.#state.usable(now);
    if (creds === undefined) this.#noteExpired(now);
    return creds;
  }

  get(): Promise<AwsCredentialIdentity> {
    let now: number;
    try {
      now = this.#read();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const creds = this.#state.usable(now);
    if (creds !== undefined) return Promise.resolve(creds);
    this.#noteExpired(now);
    if (this.#closed !== undefined) return Promise.reject(this.#closed.error); // an `expired` listener closed it
    const deadline = now + this.#o.readTimeout;
    const { lastError, refreshAt = Infinity } = this.#state;
    if (this.#inFlight === undefined && refreshAt > deadline) {
      // In backoff and the next attempt is after our deadline: waiting could not help.
      return Promise.reject(new CredentialsUnavailableError(msg.unavailable(undefined, lastError, refreshAt), { cause: lastError }));
    }
    return new Promise((resolve, reject) => {
      const reader: Reader = { deadline, resolve, reject, cancel: () => clearTimeout(timer) };
      const timer = unrefTimer(() => {
        const last = this.#state.lastError;
        this.#readers.reject(reader, new CredentialsUnavailableError(msg.unavailable(this.#o.readTimeout, last, undefined), { cause: last }));
      }, this.#o.readTimeout);
      this.#readers.add(reader);
    });
  }

  invalidate(accessKeyId: string): boolean {
    if (this.#closed !== undefined) return false;
    const now = this.#o.now();
    if (!this.#state.invalidate(accessKeyId, now)) return false;
    if (this.#inFlight === undefined) this.#wake(now);
    return true;
  }

  stats(): CredentialSlotStats {
    const stats = this.#state.stats(this.#o.now(), this.#inFlight !== undefined);
    return { ...(this.#o.name !== undefined && { name: this.#o.name }), ...stats, usable: stats.usable && this.#closed === undefined, closed: this.#closed !== undefined };
  }

  toJSON(): CredentialSlotStats {
    return this.stats();
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `CredentialSlot ${JSON.stringify(this.stats())}`;
  }

  on<E extends CredentialSlotEventName>(event: E, listener: CredentialSlotListener<E>): this {
    this.#events.on(event, listener);
    return this;
  }

  off<E extends CredentialSlotEventName>(event: E, listener: CredentialSlotListener<E>): this {
    this.#events.off(event, listener);
    return this;
  }

  close(): Promise<void> {
    return this.#shutdown(new SlotClosedError());
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Every read: refuse when closed, re-read the clock, start a due refresh without waiting for it. */
  #read(): number {
    if (this.#closed !== undefined) throw this.#closed.error;
    const now = this.#o.now();
    if (this.#state.due(now, this.#inFlight !== undefined)) this.#startFetch();
    return now;
  }

  #startFetch(): void {
    this.#clearTimer();
    const controller = new AbortController();
    const flight = { controller, done: Promise.resolve() };
    // Set before calling the source, so a source that reads this slot cannot start a second fetch.
    this.#inFlight = flight;
    const fetchTimeout = this.#o.fetchTimeout;
    const timer = unrefTimer(() => controller.abort(Object.assign(new Error(msg.fetchTimeout(fetchTimeout)), { name: "TimeoutError" })), fetchTimeout);
    this.#log("debug", msg.fetching(this.#state.consecutiveFailures + 1));
    const settle = (apply: () => void): void => {
      clearTimeout(timer);
      if (this.#inFlight !== flight) return; // closed meanwhile
      this.#inFlight = undefined;
      apply();
    };
    flight.done = raceAbort(() => this.#o.source(controller.signal), controller.signal)
      .then(
        (raw) => settle(() => this.#onFetched(raw)),
        (err: unknown) => settle(() => this.#onFailed(err)),
      )
      .catch((err: unknown) => this.#log("error", `internal error in the refresh loop: ${describeError(err).name}: ${describeError(err).message}`));
  }

  #onFetched(raw: unknown): void {
    const now = this.#o.now();
    let creds: AwsCredentialIdentity;
    try {
      creds = this.#state.succeed(raw, now, this.#o.random());
    } catch (err) {
      this.#onFailed(err);
      return;
    }
    clearTimeout(this.#startupTimer);
    this.#startup.succeed();
    this.#readers.resolveAll(creds);
    this.#arm();
    const next = this.#state.refreshAt ?? now;
    this.#log("info", msg.refreshed(creds.accessKeyId, creds.expiration?.getTime(), next));
    this.#events.emit("refreshed", { accessKeyId: creds.accessKeyId, ...(creds.expiration && { expiration: creds.expiration }), nextRefreshAt: new Date(next) });
  }

  #onFailed(err: unknown): void {
    const now = this.#o.now();
    const { error, attempt, next } = this.#state.fail(err, now, this.#o.random());
    const held = this.#state.stats(now, false);
    this.#log(error.kind === "nonRetryable" ? "error" : "warn", msg.failed(error, attempt, next, held.expiresAt, held.usable));
    this.#events.emit("refreshFailed", { error, attempt, nextAttemptAt: new Date(next) });
    this.#noteExpired(now);
    if (this.#closed !== undefined) return; // a listener closed the slot
    // Readers whose deadline comes before the next attempt cannot be served: tell them now.
    this.#readers.rejectAll(new CredentialsUnavailableError(msg.unavailable(undefined, error, next), { cause: error }), next);
    if (this.#startup.pending) {
      if (this.#o.failFast && error.kind === "nonRetryable") this.#failStartup(error);
      else if (next > this.#startupDeadline) this.#failStartup(this.#startupTimeoutError(next));
    }
    this.#arm();
  }

  #startupTimeoutError(next: number | undefined): StartupTimeoutError {
    const last = this.#state.lastError;
    return new StartupTimeoutError(msg.startupTimeout(this.#o.startupTimeout, last, next), { cause: last });
  }

  #failStartup(error: Error): void {
    if (this.#closed !== undefined || !this.#startup.fail(error)) return;
    clearTimeout(this.#startupTimer);
    this.#log("error", `start-up failed: ${error.message}`);
    if (this.#o.failFast) void this.#shutdown(new SlotClosedError(msg.failFastClosed(error), { cause: error }));
  }

  /** Emits `expired` once per credentials that stopped being usable before a refresh succeeded. */
  #noteExpired(now: number): void {
    const creds = this.#state.takeExpired(now);
    if (creds?.expiration === undefined) return;
    const lastError = this.#state.lastError;
    this.#log("error", msg.expired(creds.accessKeyId, creds.expiration.getTime(), lastError));
    this.#events.emit("expired", { accessKeyId: creds.accessKeyId, expiration: creds.expiration, ...(lastError && { lastError }) });
  }

  /** One timer, armed at the state's wake-up instant, never while a fetch is in flight. */
  #arm(): void {
    this.#clearTimer();
    const wake = this.#state.wakeAt();
    if (this.#closed !== undefined || this.#inFlight !== undefined || wake === undefined) return;
    this.#timer = unrefTimer(() => {
      this.#timer = undefined;
      if (this.#closed === undefined) this.#wake(this.#o.now());
    }, wake - this.#o.now());
  }

  /** Re-reads the state at `now` (a fresh clock read): report expiry, refresh if due, else sleep. */
  #wake(now: number): void {
    this.#noteExpired(now);
    if (this.#closed !== undefined || this.#inFlight !== undefined) return;
    if (this.#state.due(now, false)) this.#startFetch();
    else this.#arm();
  }

  #clearTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #shutdown(error: SlotClosedError): Promise<void> {
    if (this.#closed !== undefined) return this.#closed.done;
    const closed = { error, done: Promise.resolve() };
    this.#closed = closed;
    this.#clearTimer();
    clearTimeout(this.#startupTimer);
    this.#o.signal?.removeEventListener("abort", this.#onAbort);
    const flight = this.#inFlight;
    this.#inFlight = undefined;
    flight?.controller.abort(error);
    this.#readers.rejectAll(error);
    this.#startup.fail(error);
    this.#state.clear(); // drop the secrets: nothing can read them any more
    this.#releaseSource();
    this.#events.clear();
    this.#log("info", "closed");
    closed.done = (flight?.done ?? Promise.resolve()).then(() => undefined);
    return closed.done;
  }

  /** A source that holds resources (fromWebIdentity's STS client) offers `destroy()`. */
  #releaseSource(): void {
    try {
      (this.#o.source as { destroy?: () => void }).destroy?.();
    } catch (err) {
      this.#log("warn", `the credential source failed to release its resources: ${describeError(err).message}`);
    }
  }

  #log(level: "debug" | "info" | "warn" | "error", line: string): void {
    try {
      this.#o.logger?.[level](`[awscreds${this.#o.name === undefined ? "" : `:${this.#o.name}`}] ${line}`);
    } catch {
      // A broken logger must not break the refresh loop.
    }
  }
}
