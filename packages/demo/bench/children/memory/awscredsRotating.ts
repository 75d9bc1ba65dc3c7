// Memory child, awscreds: a DynamoDB client on a slot whose source issues a fresh key on every
// fetch, rotated before every batch (invalidate the current key, wait for its replacement).
// Run with --expose-gc; the parent passes the RequestPlan as one JSON argument.
import { liveTimerCount } from "./liveTimers.js"; // first: it wraps the timer globals
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { awsCredsPlugin, createCredentialSlot, fromProvider } from "@awscreds/core";
import { InstantDynamoDbHandler } from "../../instantHandler.js";
import { printMemoryLine } from "./memoryLine.js";
import { planArgument } from "./planArgument.js";
import { runRequestLoop } from "./requestLoop.js";
import { takeSample } from "./resourceSample.js";
import { countSlotListeners } from "./slotListenerCount.js";

const plan = planArgument();
let keysIssued = 0;
const slot = createCredentialSlot({
  name: "memory-bench",
  source: fromProvider(async () => ({
    accessKeyId: `ASIAMEMBENCH${String(++keysIssued).padStart(8, "0")}`,
    secretAccessKey: `memory-bench-secret-${keysIssued}`,
    sessionToken: `memory-bench-session-${keysIssued}`,
    expiration: new Date(Date.now() + 3600_000),
  })),
});
const slotListeners = countSlotListeners(slot);
await slot.ready();

const handler = new InstantDynamoDbHandler();
const client = new DynamoDBClient({ region: "eu-west-1", requestHandler: handler });
client.middlewareStack.use(awsCredsPlugin(client.config, { slot }));

/** Rotates: the current key is invalidated and the batch waits for the one replacing it. */
async function rotate(): Promise<string> {
  const current = slot.current()?.accessKeyId;
  if (current === undefined) throw new Error("the slot holds no usable key to rotate");
  if (!slot.invalidate(current)) throw new Error(`slot.invalidate(${current}) had no effect`);
  const fresh = await slot.get({ replacing: current });
  if (fresh.accessKeyId === current) throw new Error(`the slot handed back ${current} after invalidating it`);
  return fresh.accessKeyId;
}

const started = performance.now();
const { samples, batches } = await runRequestLoop(client, handler, plan, {
  keyForBatch: rotate,
  sample: (requests) => takeSample(requests, slotListeners),
});
const elapsedMs = performance.now() - started;

client.destroy();
await slot.close();
printMemoryLine({ setup: "awscreds", plan, samples, batches, keysIssued, elapsedMs, liveTimersAfterClose: liveTimerCount() });
