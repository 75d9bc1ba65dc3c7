// Real SDK clients against the emulator: a stock client waits on STS, the same client with
// awsCredsPlugin does not, and every call and attempt yields one sample.
import { DynamoDBClient, GetItemCommand, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ListBucketsCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { awsCredsPlugin } from "@awscreds/core";
import { SIGN_TRACE_TAG, signTrace, type SignTraceOptions, type SignTraceSample } from "@awscreds/sign-trace";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { REGION, ROLE_ARN, startFixture, type Fixture } from "./helpers/emulatorFixture.js";

const STS_LATENCY = 500; // large enough that "far below it" stays true on a loaded CI machine
// Credentials that expire in under 5 minutes: the SDK's memoizer refreshes them on the request path.
const INSIDE_REFRESH_WINDOW = { sts: { credentialLifetimeSeconds: 200 } };
let fx: Fixture;
let samples: SignTraceSample[];

beforeEach(async () => {
  fx = await startFixture({ sts: { latencyMs: STS_LATENCY } });
  samples = [];
});
afterEach(() => fx.close());

const traced = (options: SignTraceOptions = {}) => signTrace({ onSample: (sample) => samples.push(sample), ...options });
const getItem = () => new GetItemCommand({ TableName: "orders", Key: { pk: { S: "order#1" } } });

function stockDynamo(): DynamoDBClient {
  const client = new DynamoDBClient({ region: REGION, endpoint: fx.aws.url, credentials: fx.stockCredentials() });
  client.middlewareStack.use(traced());
  return client;
}

async function pluginDynamo(): Promise<DynamoDBClient> {
  const client = new DynamoDBClient({ region: REGION, endpoint: fx.aws.url });
  client.middlewareStack.use(awsCredsPlugin(client.config, { slot: await fx.slot() }));
  client.middlewareStack.use(traced());
  return client;
}

describe("a stock client waits on STS", () => {
  test("its first request waits at least the STS latency for its identity; the next one, outside the refresh window, does not", async () => {
    const client = stockDynamo();
    await client.send(getItem());
    await client.send(getItem());
    const [first, second] = samples;
    expect(samples).toHaveLength(2);
    expect(first).toMatchObject({ service: "DynamoDB", operation: "GetItem", attempt: 1, fromSlot: false, region: REGION, authSchemeId: "aws.auth#sigv4", errorName: undefined });
    expect(first?.identityWaitMs).toBeGreaterThanOrEqual(STS_LATENCY);
    expect(first?.accessKeyIdPrefix).toMatch(/^ASIA[A-Z0-9]{4}$/);
    expect(second?.identityWaitMs).toBeLessThan(STS_LATENCY / 4);
    expect(first?.attemptMs).toBeGreaterThanOrEqual(first?.signMs ?? Infinity);
  });

  test("inside the SDK's 5-minute refresh window, every request waits for STS again", async () => {
    fx.aws.configure(INSIDE_REFRESH_WINDOW);
    const client = stockDynamo();
    for (let i = 0; i < 3; i++) await client.send(getItem());
    expect(samples).toHaveLength(3);
    for (const sample of samples) expect(sample.identityWaitMs).toBeGreaterThanOrEqual(STS_LATENCY);
  });
});

describe("the same client with awsCredsPlugin", () => {
  test("no request waits: identity wait and signing stay far below the STS latency, and every attempt is signed from the slot", async () => {
    fx.aws.configure(INSIDE_REFRESH_WINDOW);
    const client = await pluginDynamo();
    const stsCallsBefore = fx.aws.records.credentialCalls().length;
    for (let i = 0; i < 3; i++) await client.send(getItem());
    expect(fx.aws.records.credentialCalls()).toHaveLength(stsCallsBefore);
    expect(samples).toHaveLength(3);
    const slotKey = fx.aws.records.requests[0]?.accessKeyId ?? "";
    for (const sample of samples) {
      expect(sample.identityWaitMs).toBeLessThan(STS_LATENCY / 4);
      expect(sample.signMs).toBeLessThan(STS_LATENCY / 4);
      expect(sample).toMatchObject({ fromSlot: true, accessKeyIdPrefix: slotKey.slice(0, 8) });
    }
  });

  test("the trace sees the slot signer whether it is added before or after awsCredsPlugin", async () => {
    const client = new DynamoDBClient({ region: REGION, endpoint: fx.aws.url });
    client.middlewareStack.use(traced());
    client.middlewareStack.use(awsCredsPlugin(client.config, { slot: await fx.slot() }));
    await client.send(getItem());
    expect(samples).toMatchObject([{ attempt: 1, fromSlot: true }]);
  });

  test("with ExpiredToken recovery turned off, attempts are still seen as signed from the slot", async () => {
    const client = new DynamoDBClient({ region: REGION, endpoint: fx.aws.url });
    client.middlewareStack.use(awsCredsPlugin(client.config, { slot: await fx.slot(), refreshOnExpiredToken: false }));
    client.middlewareStack.use(traced());
    await client.send(getItem());
    expect(samples).toMatchObject([{ attempt: 1, fromSlot: true }]);
  });
});

describe("calls and attempts", () => {
  test("the anchors resolve on DynamoDB, S3 and STS: one sample per call, named as rpc.service and rpc.method", async () => {
    const trace = traced();
    const clients = {
      dynamodb: new DynamoDBClient({ region: REGION, endpoint: fx.aws.url, credentials: fx.stockCredentials() }),
      s3: new S3Client({ region: REGION, endpoint: fx.aws.url, forcePathStyle: true, credentials: fx.stockCredentials() }),
      sts: new STSClient({ region: REGION, endpoint: fx.aws.url, credentials: fx.stockCredentials() }),
    };
    for (const client of Object.values(clients)) client.middlewareStack.use(trace);
    await clients.dynamodb.send(new ListTablesCommand({}));
    await clients.s3.send(new PutObjectCommand({ Bucket: "media", Key: "a.txt", Body: "x" }));
    await clients.s3.send(new ListBucketsCommand({}));
    await clients.sts.send(new GetCallerIdentityCommand({}));
    expect(samples.map((s) => `${s.service}.${s.operation}#${s.attempt}`)).toEqual(["DynamoDB.ListTables#1", "S3.PutObject#1", "S3.ListBuckets#1", "STS.GetCallerIdentity#1"]);
    expect(samples.every((s) => s.identityWaitMs !== undefined && s.signMs > 0 && s.attemptMs >= s.signMs)).toBe(true);
    expect(trace.snapshot().operations.map((o) => `${o.service}.${o.operation}`)).toEqual(["DynamoDB.ListTables", "S3.ListBuckets", "S3.PutObject", "STS.GetCallerIdentity"]);
  });

  test("retries produce one sample per attempt; the identity wait is on attempt 1 only", async () => {
    const client = await pluginDynamo();
    fx.aws.injectServiceFaults("InternalError", 2, "dynamodb");
    const out = await client.send(new ListTablesCommand({}));
    expect(out.$metadata.attempts).toBe(3);
    expect(samples.map((s) => [s.attempt, s.identityWaitMs === undefined, s.errorName])).toEqual([
      [1, false, "InternalServerError"],
      [2, true, "InternalServerError"],
      [3, true, undefined],
    ]);
    expect(samples.every((s) => s.fromSlot && s.signMs >= 0 && s.attemptMs >= s.signMs)).toBe(true);
    // Retries are sequential: each attempt starts after the previous one ended.
    for (let i = 1; i < samples.length; i++) expect(samples[i]!.startTime).toBeGreaterThanOrEqual(samples[i - 1]!.startTime + samples[i - 1]!.attemptMs);
  });

  test("an unsigned operation is traced with its no-auth scheme and no key", async () => {
    const client = new STSClient({ region: REGION, endpoint: fx.aws.url });
    client.middlewareStack.use(traced());
    await client.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE_ARN, RoleSessionName: "nested", WebIdentityToken: "t" }));
    expect(samples).toMatchObject([{ service: "STS", operation: "AssumeRoleWithWebIdentity", authSchemeId: "smithy.api#noAuth", accessKeyIdPrefix: undefined, fromSlot: false }]);
  });

  test("using the plugin twice on one client replaces the first: still one sample per attempt", async () => {
    const client = stockDynamo();
    const second: SignTraceSample[] = [];
    client.middlewareStack.use(signTrace({ onSample: (sample) => second.push(sample) }));
    await client.send(new ListTablesCommand({}));
    expect(samples).toHaveLength(0);
    expect(second).toHaveLength(1);
  });

  test("zero cost when off: a client that does not use the plugin is untouched, even with a trace created", async () => {
    const trace = traced();
    const client = new DynamoDBClient({ region: REGION, endpoint: fx.aws.url, credentials: fx.stockCredentials() });
    const before = client.middlewareStack.identify();
    await client.send(new ListTablesCommand({}));
    expect(client.middlewareStack.identify()).toEqual(before);
    expect(before.some((entry) => entry.startsWith("signTrace"))).toBe(false);
    expect(samples).toHaveLength(0);
    expect(trace.snapshot().operations).toEqual([]);
  });

  test("removeByTag(SIGN_TRACE_TAG) takes every middleware out again", async () => {
    const client = stockDynamo();
    expect(client.middlewareStack.removeByTag(SIGN_TRACE_TAG)).toBe(true);
    await client.send(new ListTablesCommand({}));
    expect(samples).toHaveLength(0);
  });

  test("a sink that throws never fails the request: the error is reported and the other sinks still run", async () => {
    const onSinkError = vi.fn();
    const trace = signTrace({ onSample: () => { throw new TypeError("broken sink"); }, onSinkError });
    const client = new DynamoDBClient({ region: REGION, endpoint: fx.aws.url, credentials: fx.stockCredentials() });
    client.middlewareStack.use(trace);
    await expect(client.send(new ListTablesCommand({}))).resolves.toBeDefined();
    expect(onSinkError).toHaveBeenCalledWith(expect.any(TypeError));
    expect(trace.snapshot().operations[0]?.attempts).toBe(1);
  });

  test("samples are frozen plain data: a sink cannot change what the next one sees", async () => {
    const client = stockDynamo();
    await client.send(new ListTablesCommand({}));
    const [sample] = samples;
    expect(Object.isFrozen(sample)).toBe(true);
    expect(Object.keys(sample ?? {}).sort()).toEqual(["accessKeyIdPrefix", "attempt", "attemptMs", "authSchemeId", "errorName", "fromSlot", "identityWaitMs", "operation", "region", "service", "signMs", "startTime"]);
  });
});
