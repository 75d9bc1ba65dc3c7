/**
 * The fault matrix's rig: real SDK clients (DynamoDB and S3) on one credential slot, the slot on
 * `fromWebIdentity()` against the emulator's STS, and an open-loop load that sends a request on
 * schedule whether or not earlier ones have finished. It records what each request saw, what the
 * slot logged and emitted, and checks the properties every row of the matrix shares:
 * (a) every request made while valid credentials exist succeeds; (b) no expired key is used;
 * (c) STS calls stay within the policy's bound, which each row states; (d) no unhandled
 * rejection; (e) afterwards nothing waits on a slot and no ref'd timer is left.
 *
 * Time runs 40× faster than in production: every duration of the refresh policy is its
 * default ÷ 40 (10 s → 250 ms, 1 min → 1.5 s, 5 min → 7.5 s). The durations that bound a real
 * round trip to the in-process STS (`fetchTimeout`, `readTimeout`, the plugin's
 * `replacementTimeout`) are ÷ 20: that round trip does not get 40× faster, and on a loaded
 * 2-core machine an SDK call to STS sometimes took 250–300 ms, which at ÷ 40 the rows misread
 * as STS hanging. Credentials live 5 s as the slot sees them (3 min 20 s at real speed), so the
 * policy works in its short-lifetime regime: the late margin is half the lifetime, the jitter a
 * quarter. Three floors of the policy are not options and do not scale: retries wait at least
 * min(100 ms, ceiling), the validity cap is at least 1 s, and non-retryable retries come at
 * most once a minute while credentials are valid.
 */
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { HttpRequest } from "@smithy/core/protocols";
import type { FinalizeRequestMiddleware, MiddlewareStack, SerializeMiddleware } from "@smithy/types";
import {
  awsCredsPlugin,
  closeDefaultSlot,
  createCredentialSlot,
  DEFAULT_REFRESH_POLICY,
  defaultSlot,
  fromWebIdentity,
  type CredentialSlot,
  type CredentialSlotOptions,
  type RefreshPolicyOptions,
} from "@awscreds/core";
import { startEmulator, type Emulator, type EmulatorOptions } from "@awscreds/emulator";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, expect, vi } from "vitest";

export const ROLE_ARN = "arn:aws:iam::123456789012:role/orders-service";
export const REGION = "eu-west-1";
export const TOKEN = "web-identity-token-1";

/** The policy's durations: production default ÷ SCALE. */
export const SCALE = 40;
/** Durations that bound a round trip to STS: production default ÷ ROUND_TRIP_SCALE. */
export const ROUND_TRIP_SCALE = 20;
/**
 * Lifetime the emulator's STS gives credentials. Its `Expiration` is whole seconds, truncated, so
 * the slot sees 4.5–5.5 s. The rig starts the slot just after a whole second: the first
 * credentials, which every row plans around, then live 5 s to the slot (their refresh is never
 * moved to lastStart) and 0.5 s more to the emulator, room for a request signed at the edge to
 * arrive on a loaded machine.
 */
export const LIFETIME_MS = 5_500;
export const FETCH_TIMEOUT = 10_000 / ROUND_TRIP_SCALE; // 500 ms
export const READ_TIMEOUT = 5_000 / ROUND_TRIP_SCALE; // 250 ms
export const REPLACEMENT_TIMEOUT = 5_000 / ROUND_TRIP_SCALE; // 250 ms
export const POLICY: RefreshPolicyOptions = {
  refreshBeforeExpiry: 600_000 / SCALE, // 7.5 s: more than half the lifetime, so the late margin is L/2
  jitterWindow: 900_000 / SCALE, // 22.5 s: capped at (L − L/2)/2 = L/4
  minRefreshInterval: 1_000 / SCALE, // 25 ms
  noExpirationRefreshPeriod: 3_600_000 / SCALE, // 90 s
  backoffBase: 1_000 / SCALE, // 25 ms
  throttleBackoffBase: 5_000 / SCALE, // 125 ms
  maxBackoff: 300_000 / SCALE, // 7.5 s
  nonRetryableRetryDelay: 300_000 / SCALE, // 7.5 s
  unavailableRetryInterval: 60_000 / SCALE, // 1.5 s
  expiryMargin: 10_000 / SCALE, // 250 ms
};
/**
 * One request every 40 ms on each client (DynamoDB and S3 alternate, 50 requests/s in all). A
 * request costs ~4 ms of CPU here (SDK and emulator); at one every 20 ms per client a shared
 * 2-core machine queued them (p50 latency 120–330 ms), and the matrix would measure that queue.
 */
export const PERIOD_MS = 40;
/**
 * Room for a loaded machine, whose starved process stalls for up to a few hundred ms: bounds on
 * latency add it (a hang would exceed them by seconds), and a row that failed after a longer
 * stall runs again (see {@link runRow}).
 */
export const LOAD_SLACK_MS = 300;
/** Full jitter's floor: after the n-th consecutive failure the retry waits ≥ min(100 ms, base × 2^(n−1)). */
export const RETRY_FLOOR_MS = 100;
/**
 * Shortest gap between refreshes: the slot refreshes at `expiration − L/2 − random × L/4`, so at
 * least L/4 after obtaining credentials, with L ≥ 4.5 s as the slot sees it.
 */
export const MIN_REFRESH_GAP_MS = (LIFETIME_MS - 1_000) / 4; // 1.125 s

/** The clock of "this host": the slot reads it, and the emulator's clock is kept equal to it. */
export class HostClock {
  offset = 0;
  readonly now = (): number => Date.now() + this.offset;
}

/** A clock step: the offset in force from the STS call with this index in the emulator's records on. */
interface ClockStep {
  readonly fromStsCall: number;
  readonly offset: number;
}

/** Variables that would make the default slot pick another source than web identity. */
const IRSA_UNSET = ["AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_ENDPOINT_URL"];

export interface RequestRecord {
  readonly client: "dynamodb" | "s3";
  readonly seq: number;
  /** Host clock when `send()` was called. */
  readonly sentAt: number;
  /** Host clock just before the SDK asked the slot for credentials. */
  readAt?: number;
  /** The same instant on the real clock (`Date.now()`), which never steps. */
  readReal?: number;
  /** How long the SDK waited for the slot's credentials. */
  identityWaitMs?: number;
  /** Every signed send of the request (the plugin's recovery signs twice): key and host clock. */
  readonly signed: Array<{ readonly accessKeyId: string; readonly at: number }>;
  latencyMs?: number;
  error?: { readonly name: string; readonly message: string; readonly cause?: string };
}

export interface LogLine {
  readonly at: number;
  readonly level: string;
  readonly text: string;
}

export interface SlotEventRecord {
  readonly at: number;
  readonly type: "refreshed" | "refreshFailed" | "expired";
  readonly accessKeyId?: string;
  /** `refreshed`: the new credentials' expiration, if they have one. */
  readonly expiration?: number;
  readonly error?: { readonly kind: string; readonly message: string; readonly cause?: string };
}

export interface RigOptions {
  /** Emulator options merged over the rig's (STS lifetime 5.5 s, a table and a bucket). */
  readonly emulator?: EmulatorOptions;
  /** Overrides of the scaled policy. */
  readonly policy?: Partial<RefreshPolicyOptions>;
  /** Overrides of the slot's options (fetchTimeout, readTimeout...). */
  readonly slot?: Partial<CredentialSlotOptions>;
  /**
   * Clients on the process-wide default slot instead (`awsCredsPlugin(client.config)`), with the
   * IRSA variables pointing at the emulator; its policy is the default one.
   */
  readonly defaultSlot?: boolean;
  /** Start the load without waiting for the slot's first credentials (and without a warm-up). */
  readonly cold?: boolean;
}

/** Fails the file's rows on any unhandled rejection, whichever row caused it. */
export function failOnUnhandledRejections(): void {
  const seen: unknown[] = [];
  const collect = (reason: unknown): void => void seen.push(reason);
  beforeAll(() => void process.on("unhandledRejection", collect));
  afterEach(() => {
    const reasons = seen.splice(0).map((reason) => (reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason)));
    expect(reasons, "unhandled rejections").toEqual([]);
  });
  afterAll(() => void process.off("unhandledRejection", collect));
}

/** Ref'd timers: what keeps a process alive (unref'd ones are not listed). */
export function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;
}

/** The baseline: fewest ref'd timers over 100 ms (vitest itself holds one briefly as a test starts). */
async function quietTimeouts(): Promise<number> {
  let fewest = activeTimeouts();
  for (let i = 0; i < 5; i++) {
    await sleep(20);
    fewest = Math.min(fewest, activeTimeouts());
  }
  return fewest;
}

/**
 * How late a 10 ms timer fires: the event loop's stalls (a starved process, a long GC). Its
 * timer is unref'd, so it never holds the process nor counts among ref'd timers.
 */
class StallMonitor {
  worstMs = 0;
  #last = performance.now();
  #excused = false;
  readonly #timer = setInterval(() => {
    const now = performance.now();
    if (!this.#excused) this.worstMs = Math.max(this.worstMs, now - this.#last - 10);
    this.#excused = false;
    this.#last = now;
  }, 10).unref();

  /** The next tick comes late on purpose (a row blocked the loop): do not count it. */
  excuseNextTick(): void {
    this.#excused = true;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/** What `Expiration` says to the client: the emulator sends it to the second, truncated. */
export const toClientExpiration = (expiration: number): number => Math.floor(expiration / 1_000) * 1_000;

function describeFailure(err: unknown): RequestRecord["error"] {
  const error = err as Error & { cause?: unknown };
  const cause = error.cause as (Error & { cause?: unknown }) | undefined;
  const root = cause?.cause as Error | undefined;
  return { name: error.name, message: error.message, ...(cause !== undefined && { cause: `${cause.name}${root === undefined ? "" : ` ← ${root.name}`}` }) };
}

/** Replaces what changes from run to run (keys, times, ports, paths), so log lines can be compared and reported. */
export function normalize(text: string): string {
  return text
    .replace(/ASIA[A-Z0-9]{16}/g, "ASIA…")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>")
    .replace(/http:\/\/127\.0\.0\.1:\d+/g, "<emulator>")
    .replace(/\/\S*awscreds-fault-matrix-\w+\/token/g, "<token file>")
    .replace(/\(attempt \d+\)/g, "(attempt n)")
    .replace(/refresh attempt \d+/g, "refresh attempt n");
}

/**
 * One row's world: the emulator, the token file, the slot, two clients, the host clock, and what
 * was seen. Start it with {@link startLoadRig}; end it with {@link LoadRig.close}.
 */
export class LoadRig {
  readonly clock = new HostClock();
  readonly logs: LogLine[] = [];
  readonly pluginLogs: LogLine[] = [];
  readonly events: SlotEventRecord[] = [];
  readonly policy: RefreshPolicyOptions;
  readonly fetchTimeout: number;
  readonly readTimeout: number;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #steps: ClockStep[] = [];
  #stalls: StallMonitor | undefined;
  readonly #baselineTimeouts: number;
  readonly #dir: string;
  #clients: { dynamodb: DynamoDBClient; s3: S3Client } | undefined;
  #slot: CredentialSlot | undefined;
  /** Slots whose events are recorded, and checked to be quiet after closing. */
  readonly #watched = new Set<CredentialSlot>();
  #seq = 0;

  private constructor(
    readonly aws: Emulator,
    readonly tokenFile: string,
    readonly options: RigOptions,
    baselineTimeouts: number,
  ) {
    this.#dir = join(tokenFile, "..");
    this.#baselineTimeouts = baselineTimeouts;
    // The default slot takes no options: the production policy and timeouts.
    this.policy = options.defaultSlot ? DEFAULT_REFRESH_POLICY : { ...POLICY, ...options.policy };
    this.fetchTimeout = options.defaultSlot ? 10_000 : (options.slot?.fetchTimeout ?? FETCH_TIMEOUT);
    this.readTimeout = options.defaultSlot ? 5_000 : (options.slot?.readTimeout ?? READ_TIMEOUT);
  }

  static async start(options: RigOptions = {}): Promise<LoadRig> {
    const baseline = await quietTimeouts();
    const aws = await startEmulator({
      ...options.emulator,
      sts: { credentialLifetimeSeconds: LIFETIME_MS / 1_000, ...options.emulator?.sts },
      dynamodb: { tables: [{ name: "orders" }] },
      s3: { buckets: ["media"] },
    });
    const dir = mkdtempSync(join(tmpdir(), "awscreds-fault-matrix-"));
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, TOKEN);
    const rig = new LoadRig(aws, tokenFile, options, baseline);
    if (options.defaultSlot) rig.#irsaEnvironment();
    await rig.#attach();
    rig.#stalls = new StallMonitor();
    return rig;
  }

  /** The slot the clients sign from (for the default slot: the one in use now). */
  get slot(): CredentialSlot {
    if (this.options.defaultSlot) return defaultSlot();
    if (this.#slot === undefined) throw new Error("the rig has no slot");
    return this.#slot;
  }

  get expiryMargin(): number {
    return this.policy.expiryMargin;
  }

  async #attach(): Promise<void> {
    const logger = (into: LogLine[]) => {
      const at = (level: string) => (...args: unknown[]) => void into.push({ at: this.clock.now(), level, text: args.map(String).join(" ") });
      return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
    };
    if (!this.options.defaultSlot) {
      await sleep(1_005 - (Date.now() % 1_000)); // just after a whole second: see LIFETIME_MS
      this.#slot = createCredentialSlot({
        source: fromWebIdentity({ roleArn: ROLE_ARN, webIdentityTokenFile: this.tokenFile, region: REGION, endpoint: this.aws.url, roleSessionName: "orders-pod-1" }),
        name: "orders",
        policy: this.policy,
        fetchTimeout: FETCH_TIMEOUT,
        readTimeout: READ_TIMEOUT,
        logger: logger(this.logs),
        now: this.clock.now,
        ...this.options.slot,
      });
      this.watch(this.#slot);
      if (!this.options.cold) await this.#slot.ready();
    }
    const plugin = { ...(this.#slot !== undefined && { slot: this.#slot }), logger: logger(this.pluginLogs), replacementTimeout: REPLACEMENT_TIMEOUT };
    const dynamodb = new DynamoDBClient({ region: REGION, endpoint: this.aws.url });
    dynamodb.middlewareStack.use(awsCredsPlugin(dynamodb.config, plugin));
    const s3 = new S3Client({ region: REGION, endpoint: this.aws.url, forcePathStyle: true });
    s3.middlewareStack.use(awsCredsPlugin(s3.config, plugin));
    this.#clients = { dynamodb, s3 };
    if (this.options.defaultSlot) {
      this.watch(defaultSlot());
      await defaultSlot().ready();
    }
    // Warm-up, not recorded: module loading and the first connections are not what rows measure.
    if (this.options.cold) return;
    await Promise.all([this.#send("dynamodb", undefined), this.#send("s3", undefined)]);
    this.aws.records.requests.length = 0;
  }

  /** The environment EKS gives a pod with IRSA, with STS at the emulator; restored by `close()`. */
  #irsaEnvironment(): void {
    for (const name of IRSA_UNSET) vi.stubEnv(name, undefined);
    vi.stubEnv("AWS_ROLE_ARN", ROLE_ARN);
    vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", this.tokenFile);
    vi.stubEnv("AWS_ROLE_SESSION_NAME", "orders-pod-1");
    vi.stubEnv("AWS_REGION", REGION);
    vi.stubEnv("AWS_ENDPOINT_URL_STS", this.aws.url);
  }

  /** Records `slot`'s events, and checks at close that it is quiet. */
  watch(slot: CredentialSlot): void {
    if (this.#watched.has(slot)) return;
    this.#watched.add(slot);
    const at = () => this.clock.now();
    slot.on("refreshed", ({ accessKeyId, expiration }) => void this.events.push({ at: at(), type: "refreshed", accessKeyId, ...(expiration !== undefined && { expiration: expiration.getTime() }) }));
    slot.on("expired", ({ accessKeyId }) => void this.events.push({ at: at(), type: "expired", accessKeyId }));
    slot.on("refreshFailed", ({ error }) => {
      const cause = error.cause as Error | undefined;
      this.events.push({ at: at(), type: "refreshFailed", error: { kind: error.kind, message: error.message, ...(cause !== undefined && { cause: cause.name }) } });
    });
  }

  /** The credentials the slot holds, with the instants the policy plans around them (host clock). */
  heldKey(): { accessKeyId: string; expiration: number; edge: number; lastStart: number; refreshAt: number } {
    const stats = this.slot.stats();
    if (stats.accessKeyId === undefined || stats.expiresAt === undefined) throw new Error(`no credentials with an expiration held: ${JSON.stringify(stats)}`);
    const edge = stats.expiresAt - this.expiryMargin;
    return { accessKeyId: stats.accessKeyId, expiration: stats.expiresAt, edge, lastStart: edge - this.fetchTimeout, refreshAt: stats.nextRefreshAt ?? NaN };
  }

  /** Runs `action` when the host clock reads `instant` (at once if it has passed). */
  at(instant: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      action();
    }, Math.max(0, instant - this.clock.now()));
    this.#timers.add(timer);
  }

  /** Blocks the event loop (a busy loop) until the host clock reads `instant`; not counted as a stall. */
  blockEventLoopUntil(instant: number): void {
    while (this.clock.now() < instant) {
      // Busy: nothing else runs, timers included.
    }
    this.#stalls?.excuseNextTick();
  }

  /** Longest event-loop stall seen over the row (after the warm-up), in ms. */
  get worstStallMs(): number {
    return this.#stalls?.worstMs ?? 0;
  }

  /** Steps the host clock by `ms`; the emulator's clock (STS's expirations, its expiry checks) steps with it. */
  jumpClock(ms: number): void {
    this.clock.offset += ms;
    this.aws.configure({ clockOffsetMs: this.clock.offset });
    this.#steps.push({ fromStsCall: this.aws.records.stsCalls.length, offset: this.clock.offset });
  }

  /** Open-loop load until the host clock reads `instant`; see {@link LoadRig.runFor}. */
  runUntil(instant: number): Promise<LoadResult> {
    return this.runFor(instant - this.clock.now());
  }

  /**
   * Open-loop load for `durationMs` of monotonic time: DynamoDB and S3 alternate, each client
   * sending every {@link PERIOD_MS}. A request is started at its instant whether or not earlier
   * ones finished; after a stall, the missed ones start at once, as queued traffic would. Resolves
   * when every request has settled, and fails the row if one has not within 10 s.
   */
  async runFor(durationMs: number): Promise<LoadResult> {
    const requests: RequestRecord[] = [];
    const settled: Array<Promise<void>> = [];
    const start = performance.now();
    const step = PERIOD_MS / 2;
    let i = 0;
    while (i * step < durationMs) {
      const lateBy = performance.now() - (start + i * step);
      if (lateBy < 0) {
        await sleep(-lateBy);
        continue;
      }
      const record: RequestRecord = { client: i % 2 === 0 ? "dynamodb" : "s3", seq: ++this.#seq, sentAt: this.clock.now(), signed: [] };
      requests.push(record);
      settled.push(this.#send(record.client, record));
      i++;
    }
    let guard: NodeJS.Timeout | undefined;
    const hung = await Promise.race([Promise.all(settled).then(() => false), new Promise<boolean>((resolve) => (guard = setTimeout(() => resolve(true), 10_000)))]);
    clearTimeout(guard);
    expect(hung ? requests.filter((r) => r.latencyMs === undefined).map((r) => r.seq) : [], "requests still pending 10 s after the load stopped").toEqual([]);
    return new LoadResult(this, requests);
  }

  /** One request; `record` gets what it saw. Never rejects. */
  #send(client: "dynamodb" | "s3", record: RequestRecord | undefined): Promise<void> {
    const clients = this.#clients;
    if (clients === undefined) throw new Error("the rig has no clients");
    const key = `k${(record?.seq ?? 0) % 100}`;
    const command = client === "dynamodb" ? new GetItemCommand({ TableName: "orders", Key: { pk: { S: key } } }) : new PutObjectCommand({ Bucket: "media", Key: key, Body: "v" });
    if (record !== undefined) this.#instrument(command.middlewareStack as MiddlewareStack<object, object>, record);
    const sent = performance.now();
    const done = client === "dynamodb" ? clients.dynamodb.send(command as GetItemCommand) : clients.s3.send(command as PutObjectCommand);
    return done.then(
      () => {
        if (record !== undefined) record.latencyMs = performance.now() - sent;
      },
      (err: unknown) => {
        if (record === undefined) throw err; // the warm-up must work
        record.latencyMs = performance.now() - sent;
        record.error = describeFailure(err);
      },
    );
  }

  /** Records when the SDK asks the slot for credentials, how long that takes, and which key signs each send. */
  #instrument(stack: MiddlewareStack<object, object>, record: RequestRecord): void {
    let readStarted = 0;
    const beforeIdentity: SerializeMiddleware<object, object> = (next) => (args) => {
      record.readAt = this.clock.now();
      record.readReal = record.readAt - this.clock.offset;
      readStarted = performance.now();
      return next(args);
    };
    const afterIdentity: SerializeMiddleware<object, object> = (next) => (args) => {
      record.identityWaitMs = performance.now() - readStarted;
      return next(args);
    };
    const afterSigning: FinalizeRequestMiddleware<object, object> = (next) => (args) => {
      if (HttpRequest.isInstance(args.request)) {
        const key = /Credential=([^/]+)\//.exec(String(args.request.headers.authorization))?.[1];
        if (key !== undefined) record.signed.push({ accessKeyId: key, at: this.clock.now() });
      }
      return next(args);
    };
    stack.addRelativeTo(beforeIdentity, { relation: "before", toMiddleware: "httpAuthSchemeMiddleware", name: "faultMatrixBeforeIdentity" });
    stack.addRelativeTo(afterIdentity, { relation: "after", toMiddleware: "httpAuthSchemeMiddleware", name: "faultMatrixAfterIdentity" });
    stack.addRelativeTo(afterSigning, { relation: "after", toMiddleware: "httpSigningMiddleware", name: "faultMatrixAfterSigning" });
  }

  /** Credential calls STS answered (or hung on), in order. */
  stsCalls() {
    return this.aws.records.credentialCalls();
  }

  /**
   * The keys STS issued, from the emulator's records, with when valid credentials existed: from
   * the end of the STS answer that issued the key (within fetchTimeout, so the slot could take
   * it), on the real clock, plus the time the answer takes to reach the slot (loopback, parsing,
   * validation: milliseconds, more on a loaded machine), until the key's expiration as STS stated it (to the second) minus
   * expiryMargin, on the host clock: from then on the slot must not hand it out. `until`
   * overrides that end (credentials STS sent without an expiration).
   */
  validWindows(until?: (call: { expiration?: number }) => number): Array<{ readonly heldFromReal: number; readonly validUntil: number }> {
    return this.aws.records.stsCalls.flatMap((call, index) => {
      const { outcome, accessKeyId, expiration, durationMs = Infinity } = call;
      if (!call.action.startsWith("AssumeRole") || outcome !== "ok" || accessKeyId === undefined || expiration === undefined || durationMs > this.fetchTimeout) return [];
      // `at` is the emulator's clock when the call arrived: host clock, with the offset then in force.
      const offset = this.#steps.filter((step) => step.fromStsCall <= index).at(-1)?.offset ?? 0;
      return [{ heldFromReal: call.at - offset + durationMs + LOAD_SLACK_MS, validUntil: until?.(call) ?? toClientExpiration(expiration) - this.expiryMargin }];
    });
  }

  /** Client-side expiration (as STS stated it) of each key STS issued. */
  expirations(): Map<string, number> {
    const map = new Map<string, number>();
    for (const call of this.stsCalls()) if (call.accessKeyId !== undefined && call.expiration !== undefined) map.set(call.accessKeyId, toClientExpiration(call.expiration));
    return map;
  }

  /**
   * Closes the clients, the slot (or the default slot) and the emulator, then checks that
   * everything is quiet: nobody waits on a slot, and no ref'd timer is left beyond the baseline
   * taken before the rig started (a proxy for "the process exits promptly").
   */
  async close(): Promise<void> {
    this.#stalls?.stop();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#clients?.dynamodb.destroy();
    this.#clients?.s3.destroy();
    if (this.options.defaultSlot) {
      await closeDefaultSlot();
      vi.unstubAllEnvs();
    } else await this.#slot?.close();
    await this.aws.close();
    rmSync(this.#dir, { recursive: true, force: true });
    for (const slot of this.#watched) expect(slot.stats(), "a slot still has callers waiting after close()").toMatchObject({ waiting: 0, closed: true });
    let timeouts = activeTimeouts();
    for (let waited = 0; timeouts > this.#baselineTimeouts && waited < 2_000; waited += 20) {
      await sleep(20);
      timeouts = activeTimeouts();
    }
    expect(timeouts, `ref'd timers left after closing (baseline ${this.#baselineTimeouts})`).toBeLessThanOrEqual(this.#baselineTimeouts);
  }
}

/** Starts a rig: emulator, token file, slot on fromWebIdentity, warmed-up clients. */
export type StartRig = (options?: RigOptions) => Promise<LoadRig>;

/**
 * Runs one row: `body` starts its rigs with the function it is given; they are closed after it,
 * and checked to be quiet (see {@link LoadRig.close}). A row's timing is judged only on a
 * machine that kept up: if it failed while the event loop stalled longer than
 * {@link LOAD_SLACK_MS} (a shared CI box), it runs once more. A failure without a stall is
 * reported at once.
 */
export async function runRow(body: (startRig: StartRig) => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const rigs: LoadRig[] = [];
    let failure: unknown;
    try {
      await body(async (options) => {
        const rig = await LoadRig.start(options);
        rigs.push(rig);
        return rig;
      });
    } catch (err) {
      failure = err;
    }
    const stalledMs = Math.max(0, ...rigs.map((rig) => rig.worstStallMs));
    for (const rig of rigs) {
      try {
        await rig.close();
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure === undefined) return;
    if (stalledMs <= LOAD_SLACK_MS || attempt === 2) throw failure;
    const why = failure instanceof Error ? failure.message.split("\n")[0] : String(failure);
    console.warn(`[faultMatrix] the event loop stalled for ${Math.round(stalledMs)} ms (more than ${LOAD_SLACK_MS} ms), and the row failed (${why}): this run cannot judge its timing; running it again`);
  }
}

/** What one run of load saw, with the checks every row shares. */
export class LoadResult {
  constructor(
    readonly rig: LoadRig,
    readonly requests: RequestRecord[],
  ) {}

  get failed(): RequestRecord[] {
    return this.requests.filter((r) => r.error !== undefined);
  }

  /**
   * Requests whose whole credential read fell while valid credentials existed (see
   * `LoadRig.validWindows`). The read runs from the mark before the SDK's identity step to the
   * end of that step (or, for a read that failed, the end of the request): the slot looks at its
   * clock somewhere in between, so a read that spans the edge may fairly see the key as expired.
   */
  whileValid(until?: (call: { expiration?: number }) => number): RequestRecord[] {
    const windows = this.rig.validWindows(until);
    return this.requests.filter((r) => {
      if (r.readAt === undefined || r.readReal === undefined) return false;
      const readEnd = r.readAt + (r.identityWaitMs ?? r.latencyMs ?? 0);
      return windows.some((w) => w.heldFromReal <= (r.readReal as number) && readEnd < w.validUntil);
    });
  }

  /** (a) Every request that read credentials while valid credentials existed succeeded. */
  expectServedWhileValid(until?: (call: { expiration?: number }) => number): void {
    const whileValid = this.whileValid(until);
    expect(whileValid.length, "requests made while valid credentials existed").toBeGreaterThan(0);
    expect(whileValid.filter((r) => r.error !== undefined).map((r) => this.#describe(r)), "requests that failed while valid credentials existed").toEqual([]);
  }

  /**
   * (b) No expired key was used: the emulator saw no request signed with a key past its
   * expiration; no send was signed at or after its key's expiration as STS stated it; and the
   * slot never handed a key out within expiryMargin of that expiration (the SDK read it before
   * the key's edge). `allow` names the emulator records a row expects (a revoked key, a request
   * in flight across a clock jump).
   */
  expectNoExpiredKeyUsed(allow: (request: { accessKeyId?: string; at: number }) => boolean = () => false): void {
    const served = this.rig.aws.records.requests.filter((r) => r.service !== "sts");
    expect(served.filter((r) => !r.signatureValid), "requests whose signature the emulator refused").toEqual([]);
    expect(served.filter((r) => r.keyExpired && !allow(r)), "requests the emulator saw signed with an expired key").toEqual([]);
    const expirations = this.rig.expirations();
    const expiry = (key: string) => expirations.get(key) ?? -Infinity;
    const late = this.requests.flatMap((r) => r.signed.filter((s) => !(s.at < expiry(s.accessKeyId))).map((s) => ({ seq: r.seq, ...s })));
    expect(late, "sends signed at or after their key's expiration").toEqual([]);
    // The first send is signed with what the SDK's read got; the slot decided at or after readAt.
    const withinMargin = this.requests.filter((r) => r.signed[0] !== undefined && !((r.readAt ?? Infinity) < expiry(r.signed[0].accessKeyId) - this.rig.expiryMargin));
    expect(withinMargin.map((r) => ({ seq: r.seq, readAt: r.readAt, ...r.signed[0] })), "keys handed out within expiryMargin of their expiration").toEqual([]);
  }

  /** Failed requests failed with one of `names` and within `maxMs` (never hung). */
  expectFailuresFast(names: readonly string[], maxMs: number): void {
    expect(this.failed.filter((r) => !names.includes(r.error?.name ?? "")).map((r) => this.#describe(r)), `failures other than ${names.join(", ")}`).toEqual([]);
    expect(this.failed.filter((r) => (r.latencyMs ?? Infinity) > maxMs).map((r) => this.#describe(r)), `failures slower than ${maxMs} ms`).toEqual([]);
  }

  /** A summary for the operations notes, printed when FAULT_MATRIX_REPORT is set. */
  report(row: string, extra: Record<string, unknown> = {}): void {
    const count = <T>(items: T[], key: (item: T) => string) => items.reduce<Record<string, number>>((acc, item) => ({ ...acc, [key(item)]: (acc[key(item)] ?? 0) + 1 }), {});
    const distinct = (lines: LogLine[]) => [...new Set(lines.map((l) => `${l.level}: ${normalize(l.text)}`))];
    const summary = {
      requests: this.requests.length,
      failed: count(this.failed, (r) => `${r.error?.name}${r.error?.cause === undefined ? "" : ` (${r.error.cause})`}: ${normalize(r.error?.message ?? "")}`),
      stsCalls: count(this.rig.stsCalls(), (c) => c.outcome),
      events: count(this.rig.events, (e) => `${e.type}${e.error === undefined ? "" : ` ${e.error.kind} ${e.error.cause ?? ""}`}`),
      slotLog: distinct(this.rig.logs.filter((l) => l.level !== "debug")),
      pluginLog: distinct(this.rig.pluginLogs),
      worstLatencyMs: Math.round(Math.max(...this.requests.map((r) => r.latencyMs ?? 0))),
      worstIdentityWaitMs: Math.round(Math.max(...this.requests.filter((r) => r.error === undefined).map((r) => r.identityWaitMs ?? 0))),
      worstStallMs: Math.round(this.rig.worstStallMs),
      ...extra,
    };
    if (process.env.FAULT_MATRIX_REPORT) console.warn(`[faultMatrix] ${row} ${JSON.stringify(summary, null, 1)}`);
  }

  #describe(r: RequestRecord): string {
    return `#${r.seq} ${r.client} read at ${r.readAt} (+${Math.round(r.latencyMs ?? NaN)} ms): ${r.error?.name ?? "ok"}: ${r.error?.message ?? ""}`;
  }
}

/**
 * Most attempts a failing source can get within `windowMs`, starting with one at its start: each
 * fails after `attemptMs`, and the next starts at least full jitter's floor later,
 * min(100 ms, base × 2^(n−1)) after the n-th consecutive failure.
 */
export function maxAttemptsWithin(windowMs: number, base: number, attemptMs = 0): number {
  let attempts = 1;
  let startedAt = 0;
  for (;;) {
    const next = startedAt + attemptMs + Math.min(RETRY_FLOOR_MS, base * 2 ** (attempts - 1));
    if (next > windowMs) return attempts;
    startedAt = next;
    attempts++;
  }
}

/** Most refreshes after successes within `ms`: one per {@link MIN_REFRESH_GAP_MS}. */
export function maxRefreshesWithin(ms: number): number {
  return Math.ceil(Math.max(0, ms) / MIN_REFRESH_GAP_MS);
}
