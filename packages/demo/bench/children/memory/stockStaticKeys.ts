// Memory child, the side-by-side baseline: the stock SDK with static keys, the same requests,
// no rotations. Run with --expose-gc; the parent passes the RequestPlan as one JSON argument.
import { liveTimerCount } from "./liveTimers.js"; // first: it wraps the timer globals
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { InstantDynamoDbHandler } from "../../instantHandler.js";
import { printMemoryLine } from "./memoryLine.js";
import { planArgument } from "./planArgument.js";
import { runRequestLoop } from "./requestLoop.js";
import { takeSample } from "./resourceSample.js";

const STATIC_KEY = "AKIAMEMBENCHSTATIC01";

const plan = planArgument();
const handler = new InstantDynamoDbHandler();
const client = new DynamoDBClient({
  region: "eu-west-1",
  requestHandler: handler,
  credentials: { accessKeyId: STATIC_KEY, secretAccessKey: "memory-bench-static-secret" },
});

const started = performance.now();
const { samples, batches } = await runRequestLoop(client, handler, plan, {
  keyForBatch: async () => STATIC_KEY,
  sample: (requests) => takeSample(requests, undefined),
});
const elapsedMs = performance.now() - started;

client.destroy();
printMemoryLine({ setup: "stock", plan, samples, batches, keysIssued: 1, elapsedMs, liveTimersAfterClose: liveTimerCount() });
