// The soak's client process: DynamoDB and S3 clients on awscreds' default slot, set up as README
// says (`awsCredsPlugin(client.config)`, IRSA variables in the environment), sending the plan's
// requests at full speed with bounded concurrency. Started by ../runSoak.ts with `--expose-gc`
// and an IPC channel; it reports progress and samples there and exits by itself when done.
import { liveTimerCount } from "../../bench/children/memory/liveTimers.js"; // first: it wraps the timer globals
import { takeSample } from "../../bench/children/memory/resourceSample.js";
import { countSlotListeners } from "../../bench/children/memory/slotListenerCount.js";
import { Agent } from "node:http";
import { setImmediate as nextTurn } from "node:timers/promises";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import type { MiddlewareStack } from "@smithy/types";
import { awsCredsPlugin, closeDefaultSlot, DEFAULT_REFRESH_POLICY, defaultSlot } from "@awscreds/core";
import type { ClientMessage, ClientPlan, ClientSample, ParentMessage } from "../soakProtocol.js";
import { seedObject, sendRequest } from "./requestMix.js";
import type { SoakClients } from "./requestMix.js";
import { SigningWatch } from "./signingWatch.js";

const FIRST_ERRORS_KEPT = 5;
/** A request that takes longer than this fails (and the soak with it) instead of hanging. */
const REQUEST_TIMEOUT_MS = 30_000;

const plan = JSON.parse(process.argv[2] ?? "null") as ClientPlan | null;
if (plan === null || typeof process.send !== "function") throw new Error("the soak client is started by runSoak.ts, with its plan as one JSON argument and an IPC channel");

const post = (message: ClientMessage): Promise<void> =>
  new Promise((resolve, reject) => void process.send!(message, undefined, {}, (error: Error | null) => (error ? reject(error) : resolve())));
let resume: (() => void) | undefined;
process.on("message", (message: ParentMessage) => {
  if (message.type === "resume") resume?.();
});
let finished = false;
// The parent went away: nobody will read the results, so stop rather than run on.
process.on("disconnect", () => {
  if (!finished) process.exit(3);
});

// README: the default slot, created here first so its listeners can be counted from the start.
const slot = defaultSlot();
const slotListeners = countSlotListeners(slot);
const watch = new SigningWatch(slot, DEFAULT_REFRESH_POLICY.expiryMargin);

// Own agents (keep-alive, as the SDK's default) only so their sockets and listeners can be counted.
const agents = [new Agent({ keepAlive: true, maxSockets: plan.concurrency }), new Agent({ keepAlive: true, maxSockets: plan.concurrency })] as const;
const service = { region: plan.region, endpoint: plan.endpoint };
const dynamodb = new DynamoDBClient({ ...service, requestHandler: { httpAgent: agents[0], requestTimeout: REQUEST_TIMEOUT_MS } });
const s3 = new S3Client({ ...service, forcePathStyle: true, requestHandler: { httpAgent: agents[1], requestTimeout: REQUEST_TIMEOUT_MS } });
for (const client of [dynamodb, s3]) {
  client.middlewareStack.use(awsCredsPlugin(client.config));
  watch.attach(client.middlewareStack as MiddlewareStack<object, object>);
}
const clients: SoakClients = { dynamodb, s3, table: plan.table, bucket: plan.bucket };

await slot.ready();
await post({ type: "ready", accessKeyId: slot.current()?.accessKeyId });
await seedObject(clients);

let next = 0;
let done = 0;
let failed = 0;
let retried = 0;
let extraAttempts = 0;
const errors: Record<string, number> = {};
const firstErrors: string[] = [];
const started = performance.now();
const cpuAtStart = process.cpuUsage();
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

function fail(error: unknown): void {
  failed++;
  const name = error instanceof Error ? error.name : typeof error;
  errors[name] = (errors[name] ?? 0) + 1;
  if (firstErrors.length < FIRST_ERRORS_KEPT) firstErrors.push(`after ${done} requests: ${name}: ${error instanceof Error ? error.message : String(error)}`);
}

/** One of `concurrency` loops: takes the next request until `until` have been started. */
async function worker(until: number): Promise<void> {
  while (next < until) {
    const n = next++;
    try {
      const attempts = await sendRequest(clients, n);
      if (attempts > 1) {
        retried++;
        extraAttempts += attempts - 1;
      }
    } catch (error) {
      fail(error);
    }
    done++;
    if (done % plan!.progressEvery === 0) void post({ type: "progress", requests: done, failed, refreshes: watch.refreshes }).catch(() => {});
  }
}

function listenerTotal(emitter: NodeJS.EventEmitter): number {
  return emitter.eventNames().reduce((sum, event) => sum + emitter.listenerCount(event), 0);
}

async function sample(): Promise<ClientSample> {
  const base = await takeSample(done, slotListeners);
  const sockets = agents.flatMap((agent) => [...Object.values(agent.sockets), ...Object.values(agent.freeSockets)].flatMap((list) => list ?? []));
  const stats = slot.stats();
  return {
    requests: done,
    atMs: performance.now() - started,
    heapUsedBytes: base.heapUsedBytes,
    activeResources: base.activeResources,
    liveTimers: base.liveTimers,
    slotListeners: base.slotListeners ?? 0,
    processListeners: base.processListeners,
    agentListeners: agents.reduce((sum, agent) => sum + listenerTotal(agent), 0),
    pooledSockets: sockets.length,
    maxListenersPerSocket: Math.max(0, ...sockets.map(listenerTotal)),
    slot: {
      refreshCount: stats.refreshCount,
      failureCount: stats.failureCount,
      waiting: stats.waiting,
      ...(stats.lastError === undefined ? {} : { lastError: `${stats.lastError.kind} ${stats.lastError.name}: ${stats.lastError.message}` }),
    },
  };
}

/** Where the samples fall: after the warm-up, every `sampleEvery` after it, and after the last request. */
function samplePoints(): number[] {
  const points = [plan!.warmupRequests];
  for (let at = plan!.warmupRequests + plan!.sampleEvery; at < plan!.requests; at += plan!.sampleEvery) points.push(at);
  points.push(plan!.requests);
  return points;
}

for (const point of samplePoints()) {
  // Every request up to the sample point, then none in flight while the sample is taken.
  await Promise.all(Array.from({ length: plan.concurrency }, () => worker(point)));
  const resumed = new Promise<void>((resolve) => (resume = resolve));
  await post({ type: "sample", sample: await sample() });
  await resumed;
}
const elapsedMs = performance.now() - started;

dynamodb.destroy();
s3.destroy();
for (const agent of agents) agent.destroy();
await closeDefaultSlot();
// Let closed sockets and cleared timers leave the active list before they are counted.
for (let i = 0; i < 3; i++) await nextTurn();
const counts: Record<string, number> = {};
for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;

finished = true;
await post({
  type: "done",
  summary: {
    requests: done,
    failed,
    errors,
    firstErrors,
    retried,
    extraAttempts,
    refreshes: watch.refreshes,
    refreshFailures: watch.refreshFailures,
    firstRefreshFailures: watch.firstRefreshFailures,
    expiries: watch.expiries,
    keyChanges: watch.keyChanges,
    signedSends: watch.signedSends,
    signedAtOrAfterExpiry: watch.signedAtOrAfterExpiry,
    handedOutWithinMargin: watch.handedOutWithinMargin,
    signedWithUnknownKey: watch.signedWithUnknownKey,
    closestSigningToExpiryMs: Number.isFinite(watch.closestSigningToExpiryMs) ? watch.closestSigningToExpiryMs : null,
    elapsedMs,
    cpuMs: cpuMs(process.cpuUsage(cpuAtStart)),
    liveTimersAfterClose: liveTimerCount(),
    activeResourcesAfterClose: counts,
  },
});
process.disconnect();
