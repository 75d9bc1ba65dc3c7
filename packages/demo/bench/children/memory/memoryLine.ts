/** What the parent asks a memory child to run: `requests` requests in batches of `batchSize`. */
export interface RequestPlan {
  readonly requests: number;
  /** awscreds rotates to a fresh key before every batch; the stock baseline never rotates. */
  readonly batchSize: number;
  /** The baseline sample, after this many requests. */
  readonly firstSampleAt: number;
  /** Then a sample every this many requests (and after the last). */
  readonly sampleEvery: number;
}

/** One look at the process, after forced garbage collection. */
export interface ResourceSample {
  /** Requests completed when the sample was taken. */
  readonly requests: number;
  readonly heapUsedBytes: number;
  /** `process.getActiveResourcesInfo()` counted by type (ref'd handles, requests and timers). */
  readonly activeResources: Readonly<Record<string, number>>;
  /** Live timers, ref'd or not (`getActiveResourcesInfo` counts only ref'd ones). */
  readonly liveTimers: number;
  /** Listeners on the slot's events API (added minus removed); `null` without a slot. */
  readonly slotListeners: number | null;
  /** Listeners on `process`, all events together. */
  readonly processListeners: number;
}

/** Which key signed the last request of a batch, against the key that batch should carry. */
export interface BatchSignature {
  readonly batch: number;
  readonly expectedKey: string;
  readonly signedKey: string | undefined;
}

/** The one JSON line a memory child prints. */
export interface MemoryChildLine {
  readonly setup: string;
  readonly plan: RequestPlan;
  readonly samples: readonly ResourceSample[];
  readonly batches: readonly BatchSignature[];
  /** Keys the source issued (awscreds), or 1 (static keys). */
  readonly keysIssued: number;
  readonly elapsedMs: number;
  /** Live timers once the child closed what it opened (the client, and the slot for awscreds). */
  readonly liveTimersAfterClose: number;
}

/** Prints the child's one result line (stdout carries nothing else). */
export function printMemoryLine(line: MemoryChildLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
