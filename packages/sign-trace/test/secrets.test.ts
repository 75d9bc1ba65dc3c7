// Nothing the plugin emits, through any sink, holds a secret: not the secret key, the session
// token or the web identity token, and not even the whole access key id.
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { awsCredsPlugin } from "@awscreds/core";
import { SAMPLE_CHANNEL, signTrace, type SignTraceSample } from "@awscreds/sign-trace";
import type { AwsCredentialIdentity, MetricsRecorder } from "@smithy/types";
import diagnosticsChannel from "node:diagnostics_channel";
import { inspect } from "node:util";
import { afterEach, beforeEach, expect, test } from "vitest";
import { REGION, startFixture, WEB_IDENTITY_TOKEN, type Fixture } from "./helpers/emulatorFixture.js";
import { startInMemoryOpenTelemetry, type InMemoryOpenTelemetry } from "./helpers/inMemoryOpenTelemetry.js";

let fx: Fixture;
let otel: InMemoryOpenTelemetry;

beforeEach(async () => {
  fx = await startFixture();
  otel = startInMemoryOpenTelemetry();
});
afterEach(async () => {
  await otel.shutdown();
  await fx.close();
});

/** Runs a call (and a retry) with every sink on, and returns all they emitted as text. */
async function everythingEmitted(client: DynamoDBClient): Promise<string> {
  const samples: SignTraceSample[] = [];
  const published: unknown[] = [];
  const recorded: unknown[] = [];
  const subscriber = (message: unknown) => published.push(message);
  const trace = signTrace({ onSample: (sample) => samples.push(sample), openTelemetry: true });
  client.middlewareStack.use(trace);
  const recorder = { addTime: (...args: unknown[]) => recorded.push(args) } as unknown as MetricsRecorder<unknown>;
  diagnosticsChannel.subscribe(SAMPLE_CHANNEL, subscriber);
  try {
    fx.aws.injectServiceFaults("InternalError", 1, "dynamodb");
    const span = await otel.inSpan("call", () => client.send(new ListTablesCommand({}), { metricsRecorder: recorder }));
    const histograms = [...(await otel.histograms()).values()].map((h) => h.dataPoints);
    expect(samples).toHaveLength(2);
    return [JSON.stringify([samples, published, recorded, trace.snapshot(), span.attributes, span.events, histograms]), inspect(samples, { depth: 5 })].join("\n");
  } finally {
    diagnosticsChannel.unsubscribe(SAMPLE_CHANNEL, subscriber);
  }
}

function expectNoSecrets(text: string, credentials: AwsCredentialIdentity): void {
  expect(credentials.sessionToken).toBeTruthy();
  for (const secret of [credentials.secretAccessKey, credentials.sessionToken ?? "", WEB_IDENTITY_TOKEN, credentials.accessKeyId]) expect(text).not.toContain(secret);
  // The control: it is the right text, and it carries the prefix.
  expect(text).toContain(credentials.accessKeyId.slice(0, 8));
}

test("a stock client: no secret in samples, channel messages, snapshot, span, metrics or recorder calls", async () => {
  const client = new DynamoDBClient({ region: REGION, endpoint: fx.aws.url, credentials: fx.stockCredentials() });
  const text = await everythingEmitted(client);
  expectNoSecrets(text, await client.config.credentials());
});

test("a client signing from a slot: the same", async () => {
  const slot = await fx.slot();
  const client = new DynamoDBClient({ region: REGION, endpoint: fx.aws.url });
  client.middlewareStack.use(awsCredsPlugin(client.config, { slot }));
  const text = await everythingEmitted(client);
  expectNoSecrets(text, slot.current()!);
});
