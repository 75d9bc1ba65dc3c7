import type { AwsCredentialIdentity } from "@smithy/types";
import { startEmulator } from "@awscreds/emulator";
import { becomeIrsaPod } from "./irsaEnvironment.js";
import { renderLatencyChart } from "./latencyChart.js";
import { summarizeSetups } from "./setupSummary.js";
import type { SetupSummary } from "./setupSummary.js";
import { createSetups } from "./setups.js";
import type { SetupName } from "./setups.js";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DEMO_BUCKET, DEMO_TABLE, expectedRequestsPerSetup, runWorkload, SEEDED_OBJECT_KEY } from "./workload.js";
import type { RequestSample } from "./workload.js";

/** The stock SDK's refresh window: it stops using credentials once less than this is left. */
export const SDK_REFRESH_WINDOW_SECONDS = 300;

export interface DemoOptions {
  readonly durationMs: number;
  readonly stsLatencyMs: number;
  /** Requests per second per set-up. */
  readonly rate: number;
  /**
   * How long each key is used before the stock SDK replaces it: the emulator issues credentials
   * valid for the SDK's 5-minute window plus this, so a 1-hour rotation takes this long.
   */
  readonly rotationSeconds: number;
  readonly region: string;
  /** Progress while the workload runs. */
  readonly onSample?: (sample: RequestSample) => void;
  /** Called once the set-ups are ready, with the expected number of requests per set-up. */
  readonly onStart?: (requestsPerSetup: number) => void;
}

export interface DemoResult {
  readonly options: Omit<DemoOptions, "onSample" | "onStart">;
  readonly setups: readonly SetupSummary[];
  readonly samples: readonly RequestSample[];
  /** Self-contained SVG of the chart. */
  readonly chartSvg: string;
  /** Whether awscreds rotated at least as often as each stock set-up (else its chart proves nothing). */
  readonly fairRotations: boolean;
}

/** Runs the four set-ups side by side against one emulated STS and returns their figures and chart. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  await using emulator = await startEmulator({
    sts: { latencyMs: options.stsLatencyMs, credentialLifetimeSeconds: SDK_REFRESH_WINDOW_SECONDS + options.rotationSeconds },
    dynamodb: { tables: [{ name: DEMO_TABLE, partitionKey: "pk" }] },
    s3: { buckets: [DEMO_BUCKET] },
  });
  const pod = becomeIrsaPod(emulator.url, options.region);
  const staticKeys = emulator.issueCredentials({ lifetimeSeconds: 24 * 3600 });
  const setups = createSetups({
    endpoint: emulator.url,
    region: options.region,
    tokenFile: pod.tokenFile,
    staticKeys,
    // Room for a slow STS answer, but no more than half a rotation: the slot starts its refresh
    // this long before the key is retired.
    fetchTimeoutMs: Math.min((options.rotationSeconds * 1000) / 2, Math.max(1_000, options.stsLatencyMs * 2 + 1_000)),
  });
  try {
    // README: `await defaultSlot().ready()` at start-up; the stock set-ups have no such step.
    await Promise.all(setups.map((setup) => setup.ready()));
    await seedObject(emulator.url, options.region, staticKeys);
    const requestsPerSetup = expectedRequestsPerSetup(options.durationMs, options.rate);
    options.onStart?.(requestsPerSetup);
    const beganAt = Date.now();
    const samples = await runWorkload(setups, { durationMs: options.durationMs, rate: options.rate, ...(options.onSample ? { onSample: options.onSample } : {}) });
    const summaries = summarizeSetups(setups, samples, emulator, staticKeys.accessKeyId, beganAt);
    const rotationsOf = (name: SetupName) => summaries.find((summary) => summary.setup === name)!.rotations;
    const fairRotations = (["fromTokenFile()", "default chain"] as const).every((stock) => rotationsOf("awscreds") >= rotationsOf(stock));
    const plain = { durationMs: options.durationMs, stsLatencyMs: options.stsLatencyMs, rate: options.rate, rotationSeconds: options.rotationSeconds, region: options.region };
    const chartSvg = await renderLatencyChart({
      title: `Request latency, ${options.rate} requests/s per set-up, STS answering in ${options.stsLatencyMs} ms, a rotation every ~${options.rotationSeconds} s`,
      setups: summaries,
      samples,
      stsLatencyMs: options.stsLatencyMs,
    });
    return { options: plain, setups: summaries, samples, chartSvg, fairRotations };
  } finally {
    await Promise.all(setups.map((setup) => setup.close()));
    pod.remove();
  }
}

/** Writes the object every S3 read gets, with a client of its own so no set-up is warmed up by it. */
async function seedObject(endpoint: string, region: string, credentials: AwsCredentialIdentity): Promise<void> {
  const s3 = new S3Client({ endpoint, region, credentials, forcePathStyle: true });
  try {
    await s3.send(new PutObjectCommand({ Bucket: DEMO_BUCKET, Key: SEEDED_OBJECT_KEY, Body: "the invoice every read gets" }));
  } finally {
    s3.destroy();
  }
}
