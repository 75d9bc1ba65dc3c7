// The diagnostics channel and the Smithy metricsRecorder sinks, with real clients.
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { METRICS_RECORDER_NAMES, SAMPLE_CHANNEL, signTrace, type SignTraceSample } from "@awscreds/sign-trace";
import type { MetricsRecorder } from "@smithy/types";
import diagnosticsChannel from "node:diagnostics_channel";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { REGION, startFixture, type Fixture } from "./helpers/emulatorFixture.js";

const STS_LATENCY = 300;
let fx: Fixture;

beforeEach(async () => {
  fx = await startFixture({ sts: { latencyMs: STS_LATENCY } });
});
afterEach(() => fx.close());

function stockDynamo(): DynamoDBClient {
  return new DynamoDBClient({ region: REGION, endpoint: fx.aws.url, credentials: fx.stockCredentials() });
}

describe("node:diagnostics_channel", () => {
  test(`a subscriber of "${SAMPLE_CHANNEL}" receives every sample, the same object the callback gets`, async () => {
    const published: unknown[] = [];
    const fromCallback: SignTraceSample[] = [];
    const subscriber = (message: unknown) => published.push(message);
    diagnosticsChannel.subscribe(SAMPLE_CHANNEL, subscriber);
    try {
      const client = stockDynamo();
      client.middlewareStack.use(signTrace({ onSample: (sample) => fromCallback.push(sample) }));
      await client.send(new ListTablesCommand({}));
      await client.send(new ListTablesCommand({}));
    } finally {
      diagnosticsChannel.unsubscribe(SAMPLE_CHANNEL, subscriber);
    }
    expect(published).toHaveLength(2);
    expect(published).toEqual(fromCallback);
    expect(published[0]).toBe(fromCallback[0]);
    expect((published[0] as SignTraceSample).identityWaitMs).toBeGreaterThanOrEqual(STS_LATENCY);
  });

  test("without subscribers nothing is published; diagnosticsChannel: false never publishes", async () => {
    expect(diagnosticsChannel.hasSubscribers(SAMPLE_CHANNEL)).toBe(false);
    const published: unknown[] = [];
    const subscriber = (message: unknown) => published.push(message);
    diagnosticsChannel.subscribe(SAMPLE_CHANNEL, subscriber);
    try {
      const client = stockDynamo();
      client.middlewareStack.use(signTrace({ diagnosticsChannel: false }));
      await client.send(new ListTablesCommand({}));
    } finally {
      diagnosticsChannel.unsubscribe(SAMPLE_CHANNEL, subscriber);
    }
    expect(published).toEqual([]);
  });
});

describe("the Smithy metricsRecorder passed to send()", () => {
  function fakeRecorder(): MetricsRecorder<null> & { times: Array<[string, number]> } {
    const times: Array<[string, number]> = [];
    const ignore = () => {};
    return { times, addTime: (name, value) => void times.push([name, value]), begin: ignore, end: ignore, recordRequestOutcome: ignore, addCount: ignore, addLevel: ignore, addMetric: ignore, addRatio: ignore, setProperty: ignore, getMetrics: () => null };
  }

  test("gets addTime(identity wait) once per call and addTime(signing) per attempt, in ms", async () => {
    const client = stockDynamo();
    client.middlewareStack.use(signTrace());
    fx.aws.injectServiceFaults("InternalError", 1, "dynamodb");
    const recorder = fakeRecorder();
    await client.send(new ListTablesCommand({}), { metricsRecorder: recorder });
    expect(recorder.times.map(([name]) => name)).toEqual([METRICS_RECORDER_NAMES.identityWait, METRICS_RECORDER_NAMES.sign, METRICS_RECORDER_NAMES.sign]);
    expect(recorder.times[0]?.[1]).toBeGreaterThanOrEqual(STS_LATENCY);
    expect(METRICS_RECORDER_NAMES).toEqual({ identityWait: "CredentialsFetchDuration", sign: "SigningDuration" });
  });

  test("calls without a recorder, and metricsRecorder: false, record nothing", async () => {
    const client = stockDynamo();
    client.middlewareStack.use(signTrace({ metricsRecorder: false }));
    const recorder = fakeRecorder();
    await client.send(new ListTablesCommand({}), { metricsRecorder: recorder });
    await client.send(new ListTablesCommand({}));
    expect(recorder.times).toEqual([]);
  });
});
