import type { CredentialSourceError } from "../errors.js";

/**
 * Events of a credential slot and their payloads. Payloads never contain secrets: only the
 * access key id, times and errors.
 *
 * @example
 * ```ts
 * slot.on("refreshFailed", ({ error, attempt, nextAttemptAt }) =>
 *   metrics.count("awscreds_refresh_failed", { kind: error.kind }));
 * ```
 */
export interface CredentialSlotEvents {
  /** New credentials are in the slot. */
  refreshed: {
    readonly accessKeyId: string;
    /** Absent for credentials with no expiration. */
    readonly expiration?: Date;
    /** When the next refresh is scheduled. */
    readonly nextRefreshAt: Date;
  };
  /** A fetch failed; the slot keeps serving still-valid credentials and retries at `nextAttemptAt`. */
  refreshFailed: {
    readonly error: CredentialSourceError;
    /** Consecutive failed attempts, this one included. */
    readonly attempt: number;
    readonly nextAttemptAt: Date;
  };
  /** The credentials held expired (entered `expiryMargin`) before a refresh succeeded. Once per credentials. */
  expired: {
    readonly accessKeyId: string;
    readonly expiration: Date;
    /** The failure that kept the slot from refreshing, if one happened. */
    readonly lastError?: CredentialSourceError;
  };
}

/**
 * Name of a slot event.
 *
 * @example
 * ```ts
 * const names: CredentialSlotEventName[] = ["refreshed", "refreshFailed", "expired"];
 * ```
 */
export type CredentialSlotEventName = keyof CredentialSlotEvents;

/**
 * One event as a tagged object, as passed to the `onEvent` option.
 *
 * @example
 * ```ts
 * const onEvent = (e: CredentialSlotEvent) => { if (e.type === "expired") pager.alert(e.accessKeyId); };
 * ```
 */
export type CredentialSlotEvent = {
  [K in CredentialSlotEventName]: { readonly type: K } & CredentialSlotEvents[K];
}[CredentialSlotEventName];

/**
 * A listener of one slot event.
 *
 * @example
 * ```ts
 * const onRefreshed: CredentialSlotListener<"refreshed"> = ({ expiration }) => gauge.set(+expiration!);
 * ```
 */
export type CredentialSlotListener<E extends CredentialSlotEventName> = (payload: CredentialSlotEvents[E]) => void;

type AnyListener = (payload: never) => void;

/**
 * A minimal typed emitter. Unlike Node's EventEmitter it has no special `error` event (which
 * would throw when nobody listens), and a throwing listener is reported, not propagated, so a
 * bug in a metrics hook can never stop the refresh loop.
 *
 * @internal
 * @example
 * ```ts
 * const events = new SlotEventEmitter((err) => console.error(err));
 * events.emit("expired", { accessKeyId: "ASIA...", expiration: new Date() });
 * ```
 */
export class SlotEventEmitter {
  readonly #listeners = new Map<CredentialSlotEventName, Set<AnyListener>>();
  readonly #onListenerError: (err: unknown, event: CredentialSlotEventName) => void;
  readonly #onEvent: ((event: CredentialSlotEvent) => void) | undefined;

  constructor(onListenerError: (err: unknown, event: CredentialSlotEventName) => void, onEvent?: (event: CredentialSlotEvent) => void) {
    this.#onListenerError = onListenerError;
    this.#onEvent = onEvent;
  }

  on<E extends CredentialSlotEventName>(event: E, listener: CredentialSlotListener<E>): void {
    let set = this.#listeners.get(event);
    if (set === undefined) this.#listeners.set(event, (set = new Set()));
    set.add(listener as AnyListener);
  }

  off<E extends CredentialSlotEventName>(event: E, listener: CredentialSlotListener<E>): void {
    this.#listeners.get(event)?.delete(listener as AnyListener);
  }

  emit<E extends CredentialSlotEventName>(event: E, payload: CredentialSlotEvents[E]): void {
    if (this.#onEvent !== undefined) this.#call(event, () => this.#onEvent?.({ type: event, ...payload } as CredentialSlotEvent));
    // Copy first: a listener may remove itself while we iterate.
    for (const listener of [...(this.#listeners.get(event) ?? [])]) {
      this.#call(event, () => (listener as CredentialSlotListener<E>)(payload));
    }
  }

  clear(): void {
    this.#listeners.clear();
  }

  #call(event: CredentialSlotEventName, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#onListenerError(err, event);
    }
  }
}
