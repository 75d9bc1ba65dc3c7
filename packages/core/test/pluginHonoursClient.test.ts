import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { SignatureV4 } from "@smithy/signature-v4";
import { awsCredsPlugin, closeDefaultSlot, ConfigurationError, createCredentialSlot, defaultSlot, fromWebIdentity, type CredentialSlot } from "@awscreds/core";
import { startEmulator, type Emulator } from "@awscreds/emulator";
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { countingSha256 } from "./helpers/countingSha256.js";

// The plugin changes where credentials come from, never what the client was told: its identity,
// its signer, its signing region, its hash. Real clients against the emulator.

const REGION = "eu-west-1";
const ROLE_ARN = "arn:aws:iam::123456789012:role/orders-service";
let aws: Emulator;
let tokenFile: string;
const slots: CredentialSlot[] = [];

beforeEach(async () => {
  aws = await startEmulator({ dynamodb: { tables: [{ name: "orders" }] }, s3: { buckets: ["media"] } });
  tokenFile = join(mkdtempSync(join(tmpdir(), "awscreds-honours-")), "token");
  writeFileSync(tokenFile, "honours-token");
  vi.stubEnv("AWS_ROLE_ARN", ROLE_ARN);
  vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile);
  vi.stubEnv("AWS_REGION", REGION);
  vi.stubEnv("AWS_ENDPOINT_URL_STS", aws.url);
});
afterEach(async () => {
  await closeDefaultSlot();
  await Promise.all(slots.splice(0).map((slot) => slot.close()));
  vi.unstubAllEnvs();
  await aws.close();
});

function attached<C extends { config: object; middlewareStack: { use(p: never): void } }>(client: C, options: Parameters<typeof awsCredsPlugin>[1] = {}): C {
  client.middlewareStack.use(awsCredsPlugin(client.config as never, options) as never);
  return client;
}

const lastRequest = () => aws.records.requests.at(-1);

describe("a client built with credentials keeps its own identity", () => {
  test("static keys: that client signs with them, a client without credentials with the default slot", async () => {
    const own = aws.issueCredentials({ lifetimeSeconds: 3600 });
    const mine = attached(new DynamoDBClient({ region: REGION, endpoint: aws.url, credentials: own }));
    const shared = attached(new DynamoDBClient({ region: REGION, endpoint: aws.url }));
    await mine.send(new ListTablesCommand({}));
    expect(lastRequest()).toMatchObject({ accessKeyId: own.accessKeyId, signatureValid: true, status: 200 });
    await shared.send(new ListTablesCommand({}));
    expect(lastRequest()?.accessKeyId).toBe(defaultSlot().current()?.accessKeyId);
    expect(lastRequest()?.accessKeyId).not.toBe(own.accessKeyId);
  });

  test("a provider function: kept warm in a slot of its own, so requests do not call it", async () => {
    let calls = 0;
    const provider = async () => {
      calls++;
      return aws.issueCredentials({ lifetimeSeconds: 3600 });
    };
    const lines: string[] = [];
    const log = (line: string) => void lines.push(line);
    const logger = { debug: log, info: log, warn: log, error: log };
    const client = attached(new S3Client({ region: REGION, endpoint: aws.url, forcePathStyle: true, credentials: provider }), { logger });
    for (let i = 0; i < 5; i++) await client.send(new ListBucketsCommand({}));
    expect(calls).toBe(1);
    expect(lines).toContainEqual(expect.stringMatching(/^\[awscreds:S3 client credentials\] refreshed credentials ASIA\w+ from the credentials given to this S3 client/));
    const keys = new Set(aws.records.requests.map((r) => r.accessKeyId));
    expect(keys.size).toBe(1);
    expect(aws.records.requests.every((r) => r.signatureValid && r.status === 200)).toBe(true);
    expect(aws.records.credentialCalls()).toHaveLength(0); // the default slot was never needed
  });
});

describe("a slot of a client's own lives as long as its client", () => {
  // Clients built per request must not leave refresh loops behind: once collected, their slots close.
  const run = (drop: boolean) =>
    promisify(execFile)(process.execPath, ["--expose-gc", "--import", "tsx", fileURLToPath(new URL("./fixtures/ownSlotCollected.mjs", import.meta.url))], {
      env: { ...process.env, DROP: drop ? "1" : "0", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      timeout: 20_000,
    }).then(({ stdout }) => JSON.parse(stdout) as { whileAlive: number; afterCollection: number; later: number });

  test.concurrent.each([
    { drop: true, what: "dropped and collected: their slots stop calling the provider" },
    { drop: false, what: "still referenced (the control): their slots keep refreshing" },
  ])("20 clients $what", async ({ drop }) => {
    const { whileAlive, afterCollection, later } = await run(drop);
    expect(whileAlive).toBeGreaterThanOrEqual(40); // 20 slots, each refreshed at least once
    if (drop) expect(later).toBe(afterCollection);
    else expect(later).toBeGreaterThan(afterCollection);
  });
});

describe("the client's signing options stay in force", () => {
  test("a custom signer is the one that signs", async () => {
    const own = aws.issueCredentials();
    let signed = 0;
    const real = new SignatureV4({ credentials: own, region: REGION, service: "dynamodb", sha256: countingSha256([]) });
    const signer = { sign: (request: never, options: never) => (signed++, real.sign(request, options)) };
    const client = attached(new DynamoDBClient({ region: REGION, endpoint: aws.url, signer: signer as never }));
    await client.send(new ListTablesCommand({}));
    expect(signed).toBe(1);
    expect(lastRequest()).toMatchObject({ accessKeyId: own.accessKeyId, signatureValid: true, status: 200 });
  });

  test("signingRegion: a us-east-1 client told to sign for eu-central-1 does", async () => {
    aws.configure({ region: "eu-central-1" });
    const client = attached(new STSClient({ region: "us-east-1", signingRegion: "eu-central-1", endpoint: aws.url }));
    await client.send(new GetCallerIdentityCommand({}));
    expect(lastRequest()).toMatchObject({ signingRegion: "eu-central-1", signatureValid: true, status: 200 });
  });

  test("each client's sha256 is the one its signatures use", async () => {
    const a: string[] = [];
    const b: string[] = [];
    const first = attached(new DynamoDBClient({ region: REGION, endpoint: aws.url, sha256: countingSha256(a) }));
    const second = attached(new DynamoDBClient({ region: REGION, endpoint: aws.url, sha256: countingSha256(b) }));
    await first.send(new ListTablesCommand({}));
    const afterFirst = [a.length, b.length];
    await second.send(new ListTablesCommand({}));
    expect(afterFirst[0]).toBeGreaterThan(0);
    expect(afterFirst[1]).toBe(0);
    expect(b.length).toBeGreaterThan(0);
    expect(a.length).toBe(afterFirst[0]);
    expect(aws.records.requests.every((r) => r.signatureValid)).toBe(true);
  });
});

describe("what the plugin is given, and what it gives", () => {
  test.each([{}, { current: () => undefined }, "slot", null])("a slot that is not a slot (%j) is refused at attach time", (slot) => {
    const client = new DynamoDBClient({ region: REGION, endpoint: aws.url });
    expect(() => awsCredsPlugin(client.config, { slot: slot as never })).toThrow(ConfigurationError);
    expect(() => awsCredsPlugin(client.config, { slot: slot as never })).toThrow(/must be a credential slot made by createCredentialSlot/);
  });

  test("slot.current() works as a client's static credentials", async () => {
    const slot = createCredentialSlot({ source: fromWebIdentity({ endpoint: aws.url }) });
    slots.push(slot);
    await slot.ready();
    const client = new DynamoDBClient({ region: REGION, endpoint: aws.url, credentials: slot.current() });
    await client.send(new ListTablesCommand({}));
    expect(lastRequest()).toMatchObject({ accessKeyId: slot.current()?.accessKeyId, signatureValid: true });
  });

  test("after closeDefaultSlot(), attached clients pick up the next default slot", async () => {
    const client = attached(new DynamoDBClient({ region: REGION, endpoint: aws.url }));
    await client.send(new ListTablesCommand({}));
    const before = lastRequest()?.accessKeyId;
    await closeDefaultSlot();
    await client.send(new ListTablesCommand({}));
    expect(lastRequest()).toMatchObject({ signatureValid: true, status: 200 });
    expect(lastRequest()?.accessKeyId).not.toBe(before);
    expect(aws.records.credentialCalls()).toHaveLength(2);
  });

  test("a call's abortSignal ends its wait for credentials at cold start", async () => {
    aws.configure({ sts: { mode: "hang" } });
    const slot = createCredentialSlot({ source: fromWebIdentity({ endpoint: aws.url }), readTimeout: 60_000, fetchTimeout: 60_000 });
    slots.push(slot);
    const client = attached(new DynamoDBClient({ region: REGION, endpoint: aws.url }), { slot });
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    const sent = client.send(new ListTablesCommand({}), { abortSignal: controller.signal });
    await expect.poll(() => slot.stats().waiting).toBe(1);
    controller.abort(reason);
    await expect(sent).rejects.toBe(reason);
    expect(slot.stats().waiting).toBe(0);
    expect(aws.records.requests).toHaveLength(0);
  });
});
