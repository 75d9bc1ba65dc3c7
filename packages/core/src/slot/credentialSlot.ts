/**
 * The credential slot: the thin, effectful shell around `SlotState` and the pure refresh policy.
 * It is the only module that owns timers, all through `KeepAliveTimers`: unref'd while the slot
 * is idle (it never keeps a finished process alive), ref'd while somebody waits on it (a process
 * never exits under a pending `ready()`, read or replacement), all cleared by `close()`.
 * Decisions always re-read the clock instead of trusting a schedule, so a late timer, a stalled
 * event loop or a clock jump is handled by the same rule.
 */
import type { AwsCredentialIdentity } from "@smithy/types";
import { resolveCredentialSlotOptions, type CredentialSlotOptions, type ResolvedCredentialSlotOptions } from "./credentialSlotOptions.js";
import type { CredentialSlot, CredentialSlotStats, GetCredentialsOptions, SlotCredentialProvider } from "./credentialSlotTypes.js";
import { ConfigurationError, CredentialsUnavailableError, SlotClosedError, StartupTimeoutError, describeError } from "../errors.js";
import { describeSource } from "./credentialSourceDescription.js";
import { KeepAliveTimers, type Timer } from "./keepAliveTimers.js";
import { raceAbort } from "../raceAbort.js";
import { ReaderQueue, type Reader } from "./readerQueue.js";
import { SlotEventEmitter, type CredentialSlotEventName, type CredentialSlotListener } from "./slotEvents.js";
import { slotMessages as msg } from "./slotMessages.js";
import { SlotState } from "./slotState.js";
import { StartupGate } from "./startupGate.js";

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

/**
 * Whether `slot` is closed, without building `stats()`: the default slot is looked up on every
 * request. A slot from elsewhere (a wrapper, a test double) answers through its stats.
 *
 * @internal
 */
export function isSlotClosed(slot: CredentialSlot): boolean {
  return slot instanceof Slot ? slot.isClosed() : slot.stats().closed;
}

class Slot implements CredentialSlot {
  readonly provider: SlotCredentialProvider;
  readonly #o: ResolvedCredentialSlotOptions;
  readonly #state: SlotState;
  readonly #events: SlotEventEmitter;
  readonly #readers = new ReaderQueue();
  readonly #timers = new KeepAliveTimers();
  readonly #startup = new StartupGate();
  readonly #startupDeadline: number;
  readonly #onAbort = (): void => void this.#shutdown(new SlotClosedError("the credential slot was closed by its signal; create a new one", { cause: this.#o.signal?.reason }));
  #inFlight: { readonly controller: AbortController; done: Promise<void> } | undefined;
  #timer: Timer | undefined;
  #startupTimer: Timer | undefined;
  #closed: { readonly error: SlotClosedError; done: Promise<void> } | undefined;
  #resolved: { readonly creds: AwsCredentialIdentity; readonly promise: Promise<AwsCredentialIdentity> } | undefined;

  constructor(options: ResolvedCredentialSlotOptions) {
    this.#o = options;
    this.#state = new SlotState(options.policy, options.fetchTimeout);
    this.#events = new SlotEventEmitter((err, event) => this.#log("error", msg.listenerThrew(event, err)), options.onEvent);
    const provider = (props?: Record<string, unknown>): Promise<AwsCredentialIdentity> => {
      if (props?.forceRefresh === true) {
        const key = this.#state.usable(this.#o.now())?.accessKeyId;
        if (key !== undefined) this.invalidate(key);
      } else if (this.#closed === undefined) {
        // The SDK reads this two or three times per request: usable credentials answer at once.
        const creds = this.#state.usable(this.#read());
        if (creds !== undefined) return this.#settled(creds);
      }
      return this.get();
    };
    this.provider = Object.assign(provider, { memoized: true as const });
    this.#startupDeadline = options.now() + options.startupTimeout;
    if (options.signal?.aborted === true) {
      this.#onAbort();
      return;
    }
    options.signal?.addEventListener("abort", this.#onAbort, { once: true });
    this.#startupTimer = this.#timers.set(() => this.#failStartup(this.#startupTimeoutError(this.#inFlight ? undefined : this.#state.refreshAt)), options.startupTimeout);
    this.#startFetch();
  }

  ready(): Promise<void> {
    if (this.#closed === undefined) {
      const ready = this.#startup.ready();
      if (this.#startup.pending) {
        // A caller awaits start-up: keep the process alive until it settles (≤ startupTimeout).
        const release = this.#timers.hold();
        ready.then(release, release);
      }
      return ready;
    }
    const promise = Promise.reject(this.#startup.succeeded ? this.#closed.error : (this.#startup.error ?? this.#closed.error));
    promise.catch(() => {});
    return promise;
  }

  current(): AwsCredentialIdentity | undefined {
    const now = this.#read();
    const creds = this.#state.usable(now);
    if (creds === undefined) this.#onMiss(now);
    return creds;
  }

  get(options: GetCredentialsOptions = {}): Promise<AwsCredentialIdentity> {
    let now: number;
    try {
      validateGetOptions(options);
      options.signal?.throwIfAborted();
      now = this.#read();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const { replacing, signal } = options;
    const creds = this.#state.usable(now);
    if (creds !== undefined && creds.accessKeyId !== replacing) return this.#settled(creds);
    if (creds === undefined) this.#onMiss(now);
    if (this.#closed !== undefined) return Promise.reject(this.#closed.error); // an `expired` listener closed it
    const timeout = options.timeout ?? this.#o.readTimeout;
    const deadline = now + timeout;
    const { lastError, refreshAt = Infinity } = this.#state;
    if (this.#inFlight === undefined && refreshAt > deadline) {
      // In backoff and the next attempt is after our deadline: waiting could not help.
      return Promise.reject(new CredentialsUnavailableError(msg.unavailable(undefined, lastError, refreshAt, replacing), { cause: lastError }));
    }
    return new Promise((resolve, reject) => {
      const release = this.#timers.hold();
      const onAbort = (): void => this.#readers.reject(reader, signal?.reason as Error);
      const reader: Reader = {
        deadline,
        ...(replacing !== undefined && { excluding: replacing }),
        resolve,
        reject,
        cancel: () => {
          this.#timers.clear(timer);
          signal?.removeEventListener("abort", onAbort);
          release();
        },
      };
      const timer = this.#timers.set(() => {
        const last = this.#state.lastError;
        this.#readers.reject(reader, new CredentialsUnavailableError(msg.unavailable(timeout, last, undefined, replacing), { cause: last }));
      }, timeout);
      signal?.addEventListener("abort", onAbort, { once: true });
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

  isClosed(): boolean {
    return this.#closed !== undefined;
  }

  stats(): CredentialSlotStats {
    const stats = this.#state.stats(this.#o.now(), this.#inFlight !== undefined);
    const source = describeSource(this.#o.source);
    return {
      ...(this.#o.name !== undefined && { name: this.#o.name }),
      ...(source !== undefined && { source }),
      ...stats,
      usable: stats.usable && this.#closed === undefined,
      waiting: this.#timers.waiters,
      closed: this.#closed !== undefined,
    };
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

  /** One resolved promise per credentials, handed to every read of them: no promise per read. */
  #settled(creds: AwsCredentialIdentity): Promise<AwsCredentialIdentity> {
    if (this.#resolved?.creds !== creds) this.#resolved = { creds, promise: Promise.resolve(creds) };
    return this.#resolved.promise;
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
    const timer = this.#timers.set(() => controller.abort(Object.assign(new Error(msg.fetchTimeout(fetchTimeout)), { name: "TimeoutError" })), fetchTimeout);
    this.#log("debug", msg.fetching(this.#state.consecutiveFailures + 1, describeSource(this.#o.source)));
    const settle = (apply: () => void): void => {
      this.#timers.clear(timer);
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
    this.#timers.clear(this.#startupTimer);
    this.#startup.succeed();
    this.#readers.resolveAll(creds);
    this.#arm();
    const next = this.#state.refreshAt ?? now;
    this.#log("info", msg.refreshed(creds.accessKeyId, creds.expiration?.getTime(), next, describeSource(this.#o.source)));
    this.#events.emit("refreshed", { accessKeyId: creds.accessKeyId, ...(creds.expiration && { expiration: creds.expiration }), nextRefreshAt: new Date(next) });
  }

  #onFailed(err: unknown): void {
    const now = this.#o.now();
    const { error, attempt } = this.#state.fail(err, now, this.#o.random());
    // Somebody is waiting for credentials: requests are failing, so do not sit out a long backoff.
    if (this.#readers.size > 0) this.#state.demand(now);
    const next = this.#state.refreshAt ?? now;
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
    this.#timers.clear(this.#startupTimer);
    this.#log("error", `start-up failed: ${error.message}`);
    if (this.#o.failFast) void this.#shutdown(new SlotClosedError(msg.failFastClosed(error), { cause: error }));
  }

  /**
   * A read found nothing usable: report expiry, and if requests are failing while the slot sits
   * in a long backoff, bring the next attempt in (at most `unavailableRetryInterval` after the
   * last one), so recovery after an operator's fix does not wait out a 5–10 minute backoff.
   */
  #onMiss(now: number): void {
    this.#noteExpired(now);
    if (this.#closed !== undefined || this.#inFlight !== undefined) return;
    if (this.#state.demand(now)) this.#arm();
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
    this.#timer = this.#timers.set(() => {
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
    this.#timers.clear(this.#timer);
    this.#timer = undefined;
  }

  #shutdown(error: SlotClosedError): Promise<void> {
    if (this.#closed !== undefined) return this.#closed.done;
    const closed = { error, done: Promise.resolve() };
    this.#closed = closed;
    this.#clearTimer();
    this.#timers.clear(this.#startupTimer);
    this.#o.signal?.removeEventListener("abort", this.#onAbort);
    const flight = this.#inFlight;
    this.#inFlight = undefined;
    flight?.controller.abort(error);
    this.#readers.rejectAll(error);
    this.#startup.fail(error);
    this.#state.clear(); // drop the secrets: nothing can read them any more
    this.#resolved = undefined;
    this.#timers.clearAll();
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

function validateGetOptions(options: GetCredentialsOptions): void {
  if (typeof options !== "object" || options === null) throw new ConfigurationError("get() takes an options object: { signal?, replacing?, timeout? }");
  const { signal, timeout, replacing } = options;
  if (signal !== undefined && (typeof signal !== "object" || signal === null || typeof signal.addEventListener !== "function")) {
    throw new ConfigurationError("get({ signal }) must be an AbortSignal");
  }
  if (timeout !== undefined && !(typeof timeout === "number" && Number.isFinite(timeout) && timeout >= 0)) {
    throw new ConfigurationError(`get({ timeout }) must be ≥ 0 ms (a finite number of milliseconds), got ${String(timeout)}`);
  }
  if (replacing !== undefined && typeof replacing !== "string") throw new ConfigurationError("get({ replacing }) must be an access key id");
}
