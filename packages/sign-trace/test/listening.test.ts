// A call is timed only if some sink listens to it, decided once as the call starts. Real clients
// against the emulator, with only conditional sinks: the diagnostics channel (listening while
// subscribed) and the Smithy metricsRecorder (listening to calls that carry one).
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { METRICS_RECORDER_NAMES, SAMPLE_CHANNEL, signTrace, type SignTraceSample } from "@awscreds/sign-trace";
import type { MetricsRecorder } from "@smithy/types";
import diagnosticsChannel from "node:diagnostics_channel";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { REGION, startFixture, type Fixture } from "./helpers/emulatorFixture.js";

let fx: Fixture;
let published: SignTraceSample[];
const subscriber = (message: unknown) => published.push(message as SignTraceSample);

beforeEach(async () => {
  fx = await startFixture();
  published = [];
});
afterEach(async () => {
  diagnosticsChannel.unsubscribe(SAMPLE_CHANNEL, subscriber);
  await fx.close();
});

/** A trace whose only sink is the diagnostics channel. */
const channelOnly = () => signTrace({ summary: false, metricsRecorder: false });

describe("the diagnostics channel as the only sink", () => {
  test("a subscriber arriving while a call is in flight gets samples from the next call on", async () => {
    const client = new DynamoDBClient({ region: REGION, endpoint: fx.aws.url, credentials: fx.stockCredentials() });
    client.middlewareStack.use(channelOnly());
    // Subscribes in the build step: after the call started (serialize step), before it is signed and sent.
    client.middlewareStack.add((next) => (args) => {
      if (!diagnosticsChannel.hasSubscribers(SAMPLE_CHANNEL)) diagnosticsChannel.subscribe(SAMPLE_CHANNEL, subscriber);
      return next(args);
    }, { step: "build", name: "subscribeMidCall" });
    await client.send(new ListTablesCommand({}));
    expect(published).toEqual([]);
    await client.send(new ListTablesCommand({}));
    expect(published).toMatchObject([{ service: "DynamoDB", operation: "ListTables", attempt: 1 }]);
    expect(published[0]?.identityWaitMs).toBeGreaterThanOrEqual(0);
  });

  test("with cacheMiddleware: true (one handler chain and context per command class, built on its first call) a later subscriber still gets samples, and only of the calls it saw start", async () => {
    const client = new DynamoDBClient({ region: REGION, endpoint: fx.aws.url, credentials: fx.stockCredentials(), cacheMiddleware: true });
    client.middlewareStack.use(channelOnly());
    let subscribeMidCall = false;
    // Added before the first call: the SDK caches the chain, so a middleware added later would never run.
    client.middlewareStack.add((next) => (args) => {
      if (subscribeMidCall) diagnosticsChannel.subscribe(SAMPLE_CHANNEL, subscriber);
      return next(args);
    }, { step: "build", name: "subscribeMidCall" });
    await client.send(new ListTablesCommand({})); // builds and caches the chain while nobody listens
    diagnosticsChannel.subscribe(SAMPLE_CHANNEL, subscriber);
    await client.send(new ListTablesCommand({}));
    diagnosticsChannel.unsubscribe(SAMPLE_CHANNEL, subscriber);
    subscribeMidCall = true;
    await client.send(new ListTablesCommand({})); // started unheard: not timed, though heard by the time it ends
    subscribeMidCall = false;
    await client.send(new ListTablesCommand({}));
    // One sample per call that started subscribed, each a fresh attempt 1: the shared context never carries one call's sample into the next.
    expect(published.map((s) => [s.attempt, s.identityWaitMs !== undefined])).toEqual([[1, true], [1, true]]);
    expect(published[1]!.startTime).toBeGreaterThan(published[0]!.startTime + published[0]!.attemptMs);
  });
});

describe("the metricsRecorder as the only sink", () => {
  test("calls carrying a recorder are timed and reported; calls without one are not", async () => {
    const client = new DynamoDBClient({ region: REGION, endpoint: fx.aws.url, credentials: fx.stockCredentials() });
    client.middlewareStack.use(signTrace({ summary: false, diagnosticsChannel: false }));
    const times: Array<[string, number]> = [];
    const recorder = { addTime: (name: string, ms: number) => void times.push([name, ms]) } as unknown as MetricsRecorder<unknown>;
    await client.send(new ListTablesCommand({}));
    await client.send(new ListTablesCommand({}), { metricsRecorder: recorder });
    expect(times.map(([name]) => name)).toEqual([METRICS_RECORDER_NAMES.identityWait, METRICS_RECORDER_NAMES.sign]);
    expect(times.every(([, ms]) => ms >= 0)).toBe(true);
  });
});
