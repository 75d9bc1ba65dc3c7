import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { fromIni, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { awsCredsPlugin, closeDefaultSlot, createCredentialSlot, defaultSlot, fromProvider, fromWebIdentity, type CredentialSlot } from "@awscreds/core";
import { startEmulator, type Emulator } from "@awscreds/emulator";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

// Explicit credentials stay the client's own, whatever the source; several roles live side by
// side, each in a named slot of its own.

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
let aws: Emulator;
let dir: string;
const slots: CredentialSlot[] = [];

beforeEach(async () => {
  aws = await startEmulator({ dynamodb: { tables: [{ name: "orders" }] } });
  dir = mkdtempSync(join(tmpdir(), "awscreds-roles-"));
  writeFileSync(join(dir, "token"), "web-identity-token");
  // The pod's own identity (IRSA), for clients given no credentials.
  vi.stubEnv("AWS_ROLE_ARN", role("pod-role"));
  vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", join(dir, "token"));
  vi.stubEnv("AWS_REGION", REGION);
  vi.stubEnv("AWS_ENDPOINT_URL_STS", aws.url);
});
afterEach(async () => {
  await closeDefaultSlot();
  await Promise.all(slots.splice(0).map((slot) => slot.close()));
  vi.unstubAllEnvs();
  await aws.close();
});

function dynamo(options: ConstructorParameters<typeof DynamoDBClient>[0] = {}, plugin: Parameters<typeof awsCredsPlugin>[1] = {}): DynamoDBClient {
  const client = new DynamoDBClient({ region: REGION, endpoint: aws.url, ...options });
  client.middlewareStack.use(awsCredsPlugin(client.config, plugin));
  return client;
}

/** The role whose key signed the last request, from the emulator's STS records. */
function lastSignedRole(): string | undefined {
  const key = aws.records.requests.at(-1)?.accessKeyId;
  return aws.records.stsCalls.find((call) => call.accessKeyId === key)?.roleArn;
}

async function twice(client: DynamoDBClient): Promise<void> {
  await client.send(new ListTablesCommand({}));
  await client.send(new ListTablesCommand({}));
}

describe("a client given credentials signs with them, kept warm; a client given none uses the default slot", () => {
  test("fromTemporaryCredentials (AssumeRole): that role signs, and requests do not call STS", async () => {
    const base = aws.issueCredentials();
    const client = dynamo({ credentials: fromTemporaryCredentials({ params: { RoleArn: role("reports") }, masterCredentials: base, clientConfig: { region: REGION, endpoint: aws.url } }) });
    await twice(client);
    expect(lastSignedRole()).toBe(role("reports"));
    expect(aws.records.credentialCalls().filter((call) => call.action === "AssumeRole")).toHaveLength(1);

    await twice(dynamo());
    expect(lastSignedRole()).toBe(role("pod-role"));
    expect(defaultSlot().stats().source).toMatch(/^web identity/);
  });

  test("fromIni (a named profile): its keys sign", async () => {
    const keys = aws.issueCredentials();
    const credentialsFile = join(dir, "credentials");
    writeFileSync(credentialsFile, `[ci]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\naws_session_token = ${keys.sessionToken}\n`);
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", credentialsFile);
    await twice(dynamo({ credentials: fromIni({ profile: "ci" }) }));
    expect(aws.records.requests.map((r) => r.accessKeyId)).toEqual([keys.accessKeyId, keys.accessKeyId]);
    expect(aws.records.requests.every((r) => r.signatureValid)).toBe(true);
  });
});

describe("several roles in one process", () => {
  test("a named slot per role: each client signs with its role, each slot has its own stats and logs", async () => {
    const lines: string[] = [];
    const logger = { debug: (l: string) => void lines.push(l), info: (l: string) => void lines.push(l), warn: (l: string) => void lines.push(l), error: (l: string) => void lines.push(l) };
    const reader = createCredentialSlot({ source: fromWebIdentity({ roleArn: role("orders-reader") }), name: "orders-reader", logger });
    const writer = createCredentialSlot({ source: fromWebIdentity({ roleArn: role("orders-writer") }), name: "orders-writer", logger });
    slots.push(reader, writer);
    await twice(dynamo({}, { slot: reader }));
    expect(lastSignedRole()).toBe(role("orders-reader"));
    await twice(dynamo({}, { slot: writer }));
    expect(lastSignedRole()).toBe(role("orders-writer"));
    expect(reader.stats()).toMatchObject({ name: "orders-reader", refreshCount: 1, source: expect.stringContaining("orders-reader") });
    expect(writer.stats()).toMatchObject({ name: "orders-writer", refreshCount: 1, source: expect.stringContaining("orders-writer") });
    expect(lines.filter((l) => l.startsWith("[awscreds:orders-reader] refreshed"))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith("[awscreds:orders-writer] refreshed"))).toHaveLength(1);
  });

  test("role chaining: fromProvider(fromTemporaryCredentials(...)) from a base slot; AssumeRole is signed by the base identity", async () => {
    const base = createCredentialSlot({ source: fromWebIdentity(), name: "pod" });
    await base.ready();
    const chained = createCredentialSlot({
      source: fromProvider(fromTemporaryCredentials({ params: { RoleArn: role("cross-account") }, masterCredentials: base.provider, clientConfig: { region: REGION, endpoint: aws.url } })),
      name: "cross-account",
    });
    slots.push(base, chained);
    await twice(dynamo({}, { slot: chained }));
    expect(lastSignedRole()).toBe(role("cross-account"));
    const assumeRole = aws.records.requests.find((r) => r.operation === "AssumeRole");
    expect(assumeRole).toMatchObject({ accessKeyId: base.current()?.accessKeyId, signatureValid: true, status: 200 });
  });
});
