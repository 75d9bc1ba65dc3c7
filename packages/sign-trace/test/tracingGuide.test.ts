// The code shown in docs/tracing.md, kept here so it is type-checked and linted. The worked
// example and the "Testing your code" test run; snippets that would call real AWS are only
// compiled. Set SIGN_TRACE_PRINT=1 to print the two snapshots the guide shows:
//   SIGN_TRACE_PRINT=1 npx vitest run packages/sign-trace/test/tracingGuide.test.ts
import { DynamoDBClient, GetItemCommand, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { fromTokenFile } from "@aws-sdk/credential-provider-web-identity";
import { awsCredsPlugin, createCredentialSlot, fromWebIdentity } from "@awscreds/core";
import { startEmulator } from "@awscreds/emulator";
import { SAMPLE_CHANNEL, signTrace, type SignTraceSample, type SignTraceSnapshot } from "@awscreds/sign-trace";
import diagnosticsChannel from "node:diagnostics_channel";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";

const STS_LATENCY = 300;
const region = "eu-west-1";
const roleArn = "arn:aws:iam::123456789012:role/orders-service";
const webIdentityTokenFile = join(mkdtempSync(join(tmpdir(), "guide-")), "token");
writeFileSync(webIdentityTokenFile, "projected-service-account-token");

// docs: "Getting started"
export async function gettingStarted(): Promise<void> {
  const trace = signTrace(); // one per process is enough: use it on every client
  const dynamodb = new DynamoDBClient({});
  dynamodb.middlewareStack.use(trace);

  await dynamodb.send(new GetItemCommand({ TableName: "orders", Key: { pk: { S: "order#1" } } }));
  setInterval(() => console.warn(JSON.stringify(trace.snapshot())), 60_000).unref();
}

// docs: "Getting started", the callback
export function alertOnSlowWaits(): ReturnType<typeof signTrace> {
  const trace = signTrace({
    onSample(sample) {
      if ((sample.identityWaitMs ?? 0) > 100) console.warn(`${sample.service}.${sample.operation} waited ${sample.identityWaitMs?.toFixed(0)} ms for credentials`);
    },
  });
  return trace;
}

// docs: "Sinks: node:diagnostics_channel"
export function subscribeToSamples(): void {
  diagnosticsChannel.subscribe(SAMPLE_CHANNEL, (message) => {
    const sample = message as SignTraceSample;
    if ((sample.identityWaitMs ?? 0) > 250) console.warn(`waited on STS: ${sample.service}.${sample.operation}`);
  });
}

// docs: "Worked example"
export async function workedExample(): Promise<{ stock: SignTraceSnapshot; withPlugin: SignTraceSnapshot }> {
  // STS answers in 300 ms, with 200-second credentials: always inside the SDK's 5-minute refresh window.
  await using aws = await startEmulator({ sts: { latencyMs: 300, credentialLifetimeSeconds: 200 }, dynamodb: { tables: [{ name: "orders" }] } });
  const getOrder = () => new GetItemCommand({ TableName: "orders", Key: { pk: { S: "order#1" } } });

  // 1. A stock client, with the SDK's own web identity provider.
  const stock = new DynamoDBClient({ region, endpoint: aws.url, credentials: fromTokenFile({ roleArn, webIdentityTokenFile, clientConfig: { endpoint: aws.url, region } }) });
  const stockTrace = signTrace();
  stock.middlewareStack.use(stockTrace);
  for (let i = 0; i < 5; i++) await stock.send(getOrder());

  // 2. The same client with awsCredsPlugin, signing from a slot refreshed in the background.
  await using slot = createCredentialSlot({ source: fromWebIdentity({ roleArn, webIdentityTokenFile, region, endpoint: aws.url }) });
  await slot.ready();
  const withPlugin = new DynamoDBClient({ region, endpoint: aws.url });
  withPlugin.middlewareStack.use(awsCredsPlugin(withPlugin.config, { slot }));
  const pluginTrace = signTrace();
  withPlugin.middlewareStack.use(pluginTrace);
  for (let i = 0; i < 5; i++) await withPlugin.send(getOrder());

  return { stock: stockTrace.snapshot(), withPlugin: pluginTrace.snapshot() };
}

test("the guide's worked example: the stock client waits on STS on every request, the plugin client never does", async () => {
  const { stock, withPlugin } = await workedExample();
  if (process.env.SIGN_TRACE_PRINT === "1") process.stdout.write(`stock:\n${JSON.stringify(stock, null, 2)}\nwith awsCredsPlugin:\n${JSON.stringify(withPlugin, null, 2)}\n`);

  const [stockGetItem] = stock.operations;
  expect(stockGetItem).toMatchObject({ service: "DynamoDB", operation: "GetItem", attempts: 5, fromSlot: 0 });
  // Lower bounds from the injected latency: every request waited for at least one STS call.
  expect(stockGetItem?.identityWait.count).toBe(5);
  expect(stockGetItem?.identityWait.p50).toBeGreaterThanOrEqual(STS_LATENCY * (1 - 0.045));

  const [pluginGetItem] = withPlugin.operations;
  expect(pluginGetItem).toMatchObject({ service: "DynamoDB", operation: "GetItem", attempts: 5, fromSlot: 5 });
  expect(pluginGetItem?.identityWait.max).toBeLessThan(STS_LATENCY / 4);
  expect(pluginGetItem?.sign.max).toBeLessThan(STS_LATENCY / 4);
});

// docs: "Testing your code"
test("our DynamoDB client never waits on STS", async () => {
  await using aws = await startEmulator({ sts: { latencyMs: 300 }, dynamodb: { tables: [{ name: "orders" }] } });
  await using slot = createCredentialSlot({ source: fromWebIdentity({ roleArn, webIdentityTokenFile, region, endpoint: aws.url }) });
  await slot.ready();
  const client = new DynamoDBClient({ region, endpoint: aws.url });
  client.middlewareStack.use(awsCredsPlugin(client.config, { slot }));

  const samples: SignTraceSample[] = [];
  client.middlewareStack.use(signTrace({ onSample: (sample) => samples.push(sample) }));
  await client.send(new ListTablesCommand({}));
  expect(samples[0]?.identityWaitMs).toBeLessThan(300 / 4);
  expect(samples[0]?.fromSlot).toBe(true);
});

test("the snippets compile", () => {
  expect(typeof gettingStarted).toBe("function");
  expect(alertOnSlowWaits().snapshot().operations).toEqual([]);
  expect(typeof subscribeToSamples).toBe("function");
});
