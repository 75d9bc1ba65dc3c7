import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { awsCredsPlugin, closeDefaultSlot, defaultSlot } from "@awscreds/core";
import { startEmulator, type Emulator } from "@awscreds/emulator";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

// README's one-liner, unchanged, in each environment a service or a laptop runs in: the default
// slot finds the credentials the SDK would, signs with them, and makes one fetch for all clients.

const REGION = "eu-west-1";
const CLIENTS = 12;
let aws: Emulator;
let dir: string;

/** Every AWS variable the SDK's chain reads: each test sets only its own environment's. */
const AWS_VARIABLES = [
  "AWS_PROFILE",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_CREDENTIAL_EXPIRATION",
  "AWS_ROLE_ARN",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_ROLE_SESSION_NAME",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
  "AWSCREDS_CONTAINER_RELATIVE_URI_HOST",
  "AWS_ENDPOINT_URL",
  "AWS_ENDPOINT_URL_STS",
];

beforeEach(async () => {
  aws = await startEmulator({ dynamodb: { tables: [{ name: "orders" }] }, s3: { buckets: ["media"] }, container: { expectedAuthorizationToken: "pod-token-1" } });
  dir = mkdtempSync(join(tmpdir(), "awscreds-env-"));
  for (const name of AWS_VARIABLES) vi.stubEnv(name, undefined);
  vi.stubEnv("AWS_CONFIG_FILE", join(dir, "config"));
  vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", join(dir, "credentials"));
});
afterEach(async () => {
  await closeDefaultSlot();
  vi.unstubAllEnvs();
  await aws.close();
});

/** README's quick start for `count` clients over DynamoDB and S3; sends one request each. */
async function readmeClients(count = CLIENTS): Promise<void> {
  const calls = Array.from({ length: count }, (_, i) => {
    if (i % 2 === 0) {
      const dynamodb = new DynamoDBClient({ region: REGION, endpoint: aws.url });
      dynamodb.middlewareStack.use(awsCredsPlugin(dynamodb.config));
      return () => dynamodb.send(new ListTablesCommand({}));
    }
    const s3 = new S3Client({ region: REGION, endpoint: aws.url, forcePathStyle: true });
    s3.middlewareStack.use(awsCredsPlugin(s3.config));
    return () => s3.send(new ListBucketsCommand({}));
  });
  await Promise.all(calls.map((call) => call()));
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Every request signed with `accessKeyId` and valid. */
function expectSignedWith(accessKeyId: string): void {
  expect(aws.records.requests).toHaveLength(CLIENTS);
  for (const request of aws.records.requests) expect(request).toMatchObject({ accessKeyId, signatureValid: true, keyExpired: false, status: 200 });
}

describe("the README one-liner, unchanged, in each environment", () => {
  test("EKS IRSA: web identity through STS, one AssumeRoleWithWebIdentity for every client", async () => {
    vi.stubEnv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/orders-service");
    vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", file("token", "irsa-token"));
    vi.stubEnv("AWS_ENDPOINT_URL_STS", aws.url); // the region comes from the clients: eu-west-1
    await readmeClients();
    const [call, ...others] = aws.records.credentialCalls();
    expect(others).toEqual([]);
    expectSignedWith(call?.accessKeyId ?? "");
    expect(defaultSlot().stats().source).toMatch(/^web identity arn:aws:iam::123456789012:role\/orders-service .*because AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are set/);
  });

  test("EKS Pod Identity: the agent at AWS_CONTAINER_CREDENTIALS_FULL_URI with the token file, one call", async () => {
    vi.stubEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI", `${aws.url}/v1/credentials`);
    vi.stubEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file("pod-token", "pod-token-1"));
    await readmeClients();
    const [call, ...others] = aws.records.containerCalls;
    expect(others).toEqual([]);
    expect(call).toMatchObject({ path: "/v1/credentials", authorization: "pod-token-1", outcome: "ok" });
    expectSignedWith(call?.accessKeyId ?? "");
    expect(aws.records.credentialCalls()).toHaveLength(0);
    expect(defaultSlot().stats().source).toMatch(/^container credentials from .*\/v1\/credentials, because AWS_CONTAINER_CREDENTIALS_FULL_URI is set/);
  });

  test("ECS: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, one call (the agent's host pointed at the emulator)", async () => {
    vi.stubEnv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/task-1234");
    vi.stubEnv("AWSCREDS_CONTAINER_RELATIVE_URI_HOST", aws.url);
    vi.stubEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "pod-token-1");
    await readmeClients();
    const [call, ...others] = aws.records.containerCalls;
    expect(others).toEqual([]);
    expect(call).toMatchObject({ path: "/v2/credentials/task-1234", outcome: "ok" });
    expectSignedWith(call?.accessKeyId ?? "");
    expect(defaultSlot().stats().source).toMatch(/because AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set \(ECS\)/);
  });

  test("a laptop profile with static keys in ~/.aws/credentials", async () => {
    const keys = aws.issueCredentials({ lifetimeSeconds: 3600 });
    file("credentials", `[default]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\naws_session_token = ${keys.sessionToken}\n`);
    await readmeClients();
    expectSignedWith(keys.accessKeyId);
    expect(defaultSlot().stats().source).toMatch(/^the SDK's default credential chain, because the \[default\] profile/);
  });

  test("a named profile with credential_process (AWS_PROFILE): the process runs once for every client", async () => {
    const keys = aws.issueCredentials({ lifetimeSeconds: 3600 });
    const runs = join(dir, "runs");
    const output = JSON.stringify({ Version: 1, AccessKeyId: keys.accessKeyId, SecretAccessKey: keys.secretAccessKey, SessionToken: keys.sessionToken, Expiration: keys.expiration.toISOString() });
    const script = file("credential-process.sh", `#!/bin/sh\necho run >> "${runs}"\necho '${output}'\n`);
    chmodSync(script, 0o755);
    file("config", `[profile dev]\ncredential_process = ${script}\nregion = ${REGION}\n`);
    vi.stubEnv("AWS_PROFILE", "dev");
    await readmeClients();
    expectSignedWith(keys.accessKeyId);
    expect(readFileSync(runs, "utf8").trim().split("\n")).toHaveLength(1);
    expect(defaultSlot().stats().source).toMatch(/\(profile dev\), because AWS_PROFILE=dev is set/);
  });

  test("environment keys: held as they are, nothing is called", async () => {
    const keys = aws.issueCredentials({ lifetimeSeconds: 3600 });
    vi.stubEnv("AWS_ACCESS_KEY_ID", keys.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", keys.secretAccessKey);
    vi.stubEnv("AWS_SESSION_TOKEN", keys.sessionToken);
    await readmeClients();
    expectSignedWith(keys.accessKeyId);
    expect(aws.records.credentialCalls()).toHaveLength(0);
    expect(aws.records.containerCalls).toHaveLength(0);
    expect(defaultSlot().stats().source).toMatch(/^environment keys ASIA\w+ \(AWS_ACCESS_KEY_ID\), because AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set/);
    expect(JSON.stringify(defaultSlot().stats())).not.toContain(keys.secretAccessKey);
  });
});
