import type { AwsCredentialIdentity } from "@smithy/types";

/**
 * A reader waiting for credentials. `cancel` stops its own deadline timer, which the slot owns.
 *
 * @internal
 * @example
 * ```ts
 * const reader: Reader = { deadline, resolve, reject, cancel: () => timers.clear(timer) };
 * ```
 */
export interface Reader {
  readonly deadline: number;
  /** A key this reader will not take (the key AWS rejected): it waits for the replacement. */
  readonly excluding?: string;
  readonly resolve: (credentials: AwsCredentialIdentity) => void;
  readonly reject: (error: Error) => void;
  cancel: () => void;
}

/**
 * Readers waiting on the one fetch in flight or the next attempt. Settling a reader always
 * cancels its deadline and removes it, so no timer outlives the reader it bounds.
 *
 * @internal
 * @example
 * ```ts
 * const readers = new ReaderQueue();
 * readers.resolveAll(credentials);
 * ```
 */
export class ReaderQueue {
  readonly #readers = new Set<Reader>();

  get size(): number {
    return this.#readers.size;
  }

  add(reader: Reader): void {
    this.#readers.add(reader);
  }

  /** Rejects one reader (its deadline passed). */
  reject(reader: Reader, error: Error): void {
    if (this.#readers.delete(reader)) this.#settle(reader, () => reader.reject(error));
  }

  /** Serves every reader that may take `credentials` (all but those excluding its key). */
  resolveAll(credentials: AwsCredentialIdentity): void {
    for (const reader of this.#take((r) => r.excluding !== credentials.accessKeyId)) this.#settle(reader, () => reader.resolve(credentials));
  }

  /** Rejects the readers whose deadline is before `instant` (all when omitted). */
  rejectAll(error: Error, instant = Infinity): void {
    for (const reader of this.#take((r) => r.deadline < instant)) this.#settle(reader, () => reader.reject(error));
  }

  #take(match: (reader: Reader) => boolean): Reader[] {
    const taken = [...this.#readers].filter(match);
    for (const reader of taken) this.#readers.delete(reader);
    return taken;
  }

  #settle(reader: Reader, settle: () => void): void {
    reader.cancel();
    settle();
  }
}
