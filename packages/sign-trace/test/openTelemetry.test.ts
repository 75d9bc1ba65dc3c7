// The OpenTelemetry sink against an in-memory OpenTelemetry SDK: histograms in seconds with the
// attributes @opentelemetry/instrumentation-aws-sdk uses, and one span event per attempt.
import { DynamoDBClient, GetItemCommand, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { awsCredsPlugin } from "@awscreds/core";
import { METER_NAME, METRIC_NAMES, SPAN_EVENT, signTrace } from "@awscreds/sign-trace";
import type { HrTime } from "@opentelemetry/api";
import { afterEach, beforeEach, expect, test } from "vitest";
import { REGION, startFixture, type Fixture } from "./helpers/emulatorFixture.js";
import { startInMemoryOpenTelemetry, type InMemoryOpenTelemetry } from "./helpers/inMemoryOpenTelemetry.js";

const STS_LATENCY = 300;
let fx: Fixture;
let otel: InMemoryOpenTelemetry;

beforeEach(async () => {
  fx = await startFixture({ sts: { latencyMs: STS_LATENCY } });
  otel = startInMemoryOpenTelemetry();
});
afterEach(async () => {
  await otel.shutdown();
  await fx.close();
});

const getItem = () => new GetItemCommand({ TableName: "orders", Key: { pk: { S: "order#1" } } });
const ms = ([seconds, nanos]: HrTime) => seconds * 1000 + nanos / 1e6;

test("two histograms in seconds, named as the AWS SDKs name them, with rpc.* attributes (global meter provider)", async () => {
  const client = new DynamoDBClient({ region: REGION, endpoint: fx.aws.url, credentials: fx.stockCredentials() });
  client.middlewareStack.use(signTrace({ openTelemetry: true }));
  await client.send(getItem()); // the first request waits on STS
  await client.send(getItem());

  const histograms = await otel.histograms();
  const identityWait = histograms.get(METRIC_NAMES.identityWait);
  const sign = histograms.get(METRIC_NAMES.sign);
  expect(identityWait?.descriptor).toMatchObject({ name: "client.call.auth.resolve_identity_duration", unit: "s" });
  expect(sign?.descriptor).toMatchObject({ name: "client.call.auth.signing_duration", unit: "s" });
  const [point] = identityWait?.dataPoints ?? [];
  expect(point?.attributes).toEqual({ "rpc.system": "aws-api", "rpc.service": "DynamoDB", "rpc.method": "GetItem", "auth.scheme_id": "aws.auth#sigv4", "cloud.region": REGION, "awscreds.from_slot": false });
  expect(point?.value.count).toBe(2);
  expect(point?.value.max).toBeGreaterThanOrEqual(STS_LATENCY / 1000);
  expect(sign?.dataPoints[0]?.value.count).toBe(2);
});

test("one span event per attempt on the active span, with that attempt's timings in seconds", async () => {
  const client = new DynamoDBClient({ region: REGION, endpoint: fx.aws.url });
  client.middlewareStack.use(awsCredsPlugin(client.config, { slot: await fx.slot() }));
  client.middlewareStack.use(signTrace({ openTelemetry: { meterProvider: otel.meterProvider } }));
  fx.aws.injectServiceFaults("InternalError", 1, "dynamodb");

  const span = await otel.inSpan("handle-order", () => client.send(new ListTablesCommand({})));
  const events = span.events.filter((event) => event.name === SPAN_EVENT);
  expect(events).toHaveLength(2);
  const [first, retry] = events.map((event) => event.attributes ?? {});
  const common = { "rpc.system": "aws-api", "rpc.service": "DynamoDB", "rpc.method": "ListTables", "awscreds.from_slot": true, "auth.scheme_id": "aws.auth#sigv4", "cloud.region": REGION };
  expect(first).toMatchObject({ ...common, "awscreds.attempt": 1, "error.type": "InternalServerError" });
  expect(retry).toMatchObject({ ...common, "awscreds.attempt": 2 });
  expect(first?.["awscreds.identity_wait.duration"]).toBeLessThan(STS_LATENCY / 4 / 1000);
  expect(retry).not.toHaveProperty("awscreds.identity_wait.duration");
  expect(retry).not.toHaveProperty("error.type");
  for (const attributes of [first, retry]) {
    expect(attributes?.["awscreds.attempt.duration"]).toBeGreaterThanOrEqual(Number(attributes?.["awscreds.sign.duration"]));
    expect(attributes?.["awscreds.access_key_id_prefix"]).toMatch(/^ASIA[A-Z0-9]{4}$/);
  }
  // Each event is stamped when its attempt started signing: inside the span, in order.
  const times = events.map((event) => ms(event.time));
  expect(times[0]).toBeGreaterThanOrEqual(ms(span.startTime));
  expect(times[1]).toBeGreaterThan(times[0]!);
  expect(times[1]).toBeLessThanOrEqual(ms(span.endTime));

  const histograms = await otel.histograms();
  expect(histograms.get(METRIC_NAMES.sign)?.dataPoints[0]).toMatchObject({ attributes: { "awscreds.from_slot": true }, value: { count: 2 } });
  expect(histograms.get(METRIC_NAMES.identityWait)?.dataPoints[0]?.value.count).toBe(1);
});

test("metrics: false and spanEvents: false turn each part off", async () => {
  const client = new DynamoDBClient({ region: REGION, endpoint: fx.aws.url, credentials: fx.stockCredentials() });
  client.middlewareStack.use(signTrace({ openTelemetry: { metrics: false, spanEvents: false } }));
  const span = await otel.inSpan("quiet", () => client.send(getItem()));
  expect(span.events).toEqual([]);
  expect((await otel.histograms()).has(METRIC_NAMES.sign)).toBe(false);
});

test("span events as the only sink (it listens to calls made inside a recording span): such a call gets its event", async () => {
  const client = new DynamoDBClient({ region: REGION, endpoint: fx.aws.url, credentials: fx.stockCredentials() });
  client.middlewareStack.use(signTrace({ summary: false, diagnosticsChannel: false, metricsRecorder: false, openTelemetry: { metrics: false } }));
  await client.send(getItem());
  const span = await otel.inSpan("traced", () => client.send(getItem()));
  expect(span.events.filter((event) => event.name === SPAN_EVENT).map((event) => event.attributes?.["rpc.method"])).toEqual(["GetItem"]);
});

test("with no active span the histograms are still recorded, under the package's meter", async () => {
  const client = new DynamoDBClient({ region: REGION, endpoint: fx.aws.url, credentials: fx.stockCredentials() });
  client.middlewareStack.use(signTrace({ openTelemetry: true }));
  await client.send(getItem());
  const sign = (await otel.histograms()).get(METRIC_NAMES.sign);
  expect(sign?.dataPoints).toHaveLength(1);
  expect(sign?.scope).toBe(METER_NAME);
  expect(METER_NAME).toBe("@awscreds/sign-trace");
});
