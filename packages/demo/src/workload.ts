import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { Setup, SetupName } from "./setups.js";

export const DEMO_TABLE = "orders";
export const DEMO_BUCKET = "invoices";
/** An object written before the run, so every read finds one whatever the writes' progress. */
export const SEEDED_OBJECT_KEY = "invoice#seed";

/** One request of the workload, as the client saw it. */
export interface RequestSample {
  readonly setup: SetupName;
  readonly loop: "dynamodb" | "s3";
  /** Start, ms since the workload began. */
  readonly startedAt: number;
  readonly latencyMs: number;
  /** The error's name if the request failed. */
  readonly error?: string;
}

export interface WorkloadOptions {
  readonly durationMs: number;
  /** Requests per second per set-up, split evenly over its DynamoDB and S3 loops. */
  readonly rate: number;
  readonly onSample?: (sample: RequestSample) => void;
}

const LOOPS: ReadonlyArray<RequestSample["loop"]> = ["dynamodb", "s3"];

function tickCount(options: Pick<WorkloadOptions, "durationMs" | "rate">): number {
  return Math.max(1, Math.floor(options.durationMs / (1000 / (options.rate / LOOPS.length))));
}

/** How many requests each set-up will send. */
export function expectedRequestsPerSetup(durationMs: number, rate: number): number {
  return tickCount({ durationMs, rate }) * LOOPS.length;
}

/**
 * What one loop sends on its n-th request: alternately a write and a read. Reads of DynamoDB
 * may miss (an empty answer); reads of S3 target the seeded object, as a miss is an error there.
 */
function send(setup: Setup, loop: RequestSample["loop"], n: number): Promise<unknown> {
  const key = `order#${n >> 1}`;
  if (loop === "dynamodb") {
    return n % 2 === 0
      ? setup.dynamodb.send(new PutItemCommand({ TableName: DEMO_TABLE, Item: { pk: { S: key } } }))
      : setup.dynamodb.send(new GetItemCommand({ TableName: DEMO_TABLE, Key: { pk: { S: key } } }));
  }
  return n % 2 === 0
    ? setup.s3.send(new PutObjectCommand({ Bucket: DEMO_BUCKET, Key: key, Body: `invoice for ${key}` }))
    : setup.s3.send(new GetObjectCommand({ Bucket: DEMO_BUCKET, Key: SEEDED_OBJECT_KEY })).then((answer) => answer.Body?.transformToString());
}

/**
 * Open loop: requests start on a fixed schedule whether or not earlier ones have finished, as
 * traffic from users does, so a request stuck on STS cannot hold back (and hide) the next ones.
 * On every tick each set-up gets the same requests at the same instant; the order in which the
 * set-ups are served rotates with the tick, so none is always first.
 */
export async function runWorkload(setups: readonly Setup[], options: WorkloadOptions): Promise<RequestSample[]> {
  const tickMs = 1000 / (options.rate / LOOPS.length);
  const ticks = tickCount(options);
  const samples: RequestSample[] = [];
  const inFlight: Array<Promise<void>> = [];
  const began = performance.now();

  const dispatch = (setup: Setup, loop: RequestSample["loop"], n: number) => {
    const startedAt = performance.now();
    const record = (error?: unknown) => {
      const sample: RequestSample = {
        setup: setup.name,
        loop,
        startedAt: startedAt - began,
        latencyMs: performance.now() - startedAt,
        ...(error === undefined ? {} : { error: error instanceof Error ? error.name : String(error) }),
      };
      samples.push(sample);
      options.onSample?.(sample);
    };
    inFlight.push(send(setup, loop, n).then(() => record(), record));
  };

  for (let tick = 0; tick < ticks; tick++) {
    // Sleep to this tick's own instant (not "tickMs after the last one"), so the rate never drifts.
    const due = began + tick * tickMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    for (let i = 0; i < setups.length; i++) {
      const setup = setups[(tick + i) % setups.length]!;
      for (const loop of LOOPS) dispatch(setup, loop, tick);
    }
  }
  await Promise.all(inFlight);
  return samples;
}
