/**
 * What the soak's two processes say to each other over the IPC channel. The parent runs the
 * emulator (so its records can be drained as they come); the client child runs the SDK clients
 * and the credential slot, so its heap holds nothing but what a service using awscreds holds.
 */

/** What the parent asks of the client child (its one JSON argument). */
export interface ClientPlan {
  readonly requests: number;
  readonly concurrency: number;
  /** The baseline sample comes after this many requests. */
  readonly warmupRequests: number;
  /** Then a sample every this many requests, and one after the last. */
  readonly sampleEvery: number;
  /** A progress message every this many requests. */
  readonly progressEvery: number;
  /** The emulator, for the DynamoDB and S3 clients (STS comes from AWS_ENDPOINT_URL_STS). */
  readonly endpoint: string;
  readonly region: string;
  readonly table: string;
  readonly bucket: string;
}

/** One look at the client process, after forced garbage collection, with no request in flight. */
export interface ClientSample {
  /** Requests completed when the sample was taken. */
  readonly requests: number;
  /** ms since the first request of the run. */
  readonly atMs: number;
  readonly heapUsedBytes: number;
  /** `process.getActiveResourcesInfo()` counted by type (ref'd handles, requests and timers). */
  readonly activeResources: Readonly<Record<string, number>>;
  /** Timers set through the globals and neither fired nor cleared, ref'd or not. */
  readonly liveTimers: number;
  /** Listeners on the slot's events API (the soak's own three among them: `refreshed`, `refreshFailed`, `expired`). */
  readonly slotListeners: number;
  /** Listeners on `process`, all events together. */
  readonly processListeners: number;
  /** Listeners on the two clients' HTTP agents, all events together. */
  readonly agentListeners: number;
  /** Sockets the two agents hold (all idle at a sample: keep-alive pool). */
  readonly pooledSockets: number;
  /** Most listeners on any one pooled socket (a keep-alive socket reused a million times must not collect them). */
  readonly maxListenersPerSocket: number;
  /** The slot's own counters. */
  readonly slot: { readonly refreshCount: number; readonly failureCount: number; readonly waiting: number; readonly lastError?: string };
}

/** What the client saw of its own requests, at the end. */
export interface ClientSummary {
  readonly requests: number;
  readonly failed: number;
  /** Failed requests by error name. */
  readonly errors: Readonly<Record<string, number>>;
  /** The first few failures, for whoever has to look into them. */
  readonly firstErrors: readonly string[];
  /** Requests that succeeded after the SDK retried them, and the extra attempts it made. */
  readonly retried: number;
  readonly extraAttempts: number;
  /** `refreshed` events of the slot: the start-up fetch, then one per rotation. */
  readonly refreshes: number;
  /** Failed refresh attempts (`refreshFailed` events) by error kind, and the first few. */
  readonly refreshFailures: Readonly<Record<string, number>>;
  readonly firstRefreshFailures: readonly string[];
  /** `expired` events of the slot. */
  readonly expiries: number;
  /** Times the key signing consecutive requests changed. */
  readonly keyChanges: number;
  /** Signed sends (retries included) checked against their key's expiration as the slot was told it. */
  readonly signedSends: number;
  /** Sends signed at or after their key's expiration. */
  readonly signedAtOrAfterExpiry: number;
  /** Requests whose key the slot handed out within `expiryMargin` of its expiration. */
  readonly handedOutWithinMargin: number;
  /** Sends signed with a key the slot never announced in a `refreshed` event. */
  readonly signedWithUnknownKey: number;
  /** Smallest time left before its key's expiration at any signing, ms. */
  readonly closestSigningToExpiryMs: number | null;
  readonly elapsedMs: number;
  /** CPU time the client process spent over the run (user + system), ms. */
  readonly cpuMs: number;
  /** After closing the clients and the slot: live timers (must be 0) and ref'd handles. */
  readonly liveTimersAfterClose: number;
  readonly activeResourcesAfterClose: Readonly<Record<string, number>>;
}

export type ClientMessage =
  | { readonly type: "ready"; readonly accessKeyId: string | undefined }
  | { readonly type: "progress"; readonly requests: number; readonly failed: number; readonly refreshes: number }
  /** The child waits for `resume` after each sample, so the parent samples the emulator while it is quiet. */
  | { readonly type: "sample"; readonly sample: ClientSample }
  | { readonly type: "done"; readonly summary: ClientSummary };

export type ParentMessage = { readonly type: "resume" };
