import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromTokenFile } from "@aws-sdk/credential-provider-web-identity";
import { awsCredsPlugin, closeDefaultSlot, createCredentialSlot, CredentialsUnavailableError, defaultSlot, fromProvider, fromWebIdentity } from "@awscreds/core";
import { startEmulator, type Emulator } from "@awscreds/emulator";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

const REGION = "eu-west-1";
let aws: Emulator;
let tokenFile: string;

beforeEach(async () => {
  aws = await startEmulator({ dynamodb: { tables: [{ name: "orders" }] }, s3: { buckets: ["media"] } });
  tokenFile = join(mkdtempSync(join(tmpdir(), "awscreds-shared-")), "token");
  writeFileSync(tokenFile, "shared-token");
  // The environment EKS gives a pod with IRSA, with STS pointed at the emulator.
  vi.stubEnv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/orders-service");
  vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile);
  vi.stubEnv("AWS_REGION", REGION);
  vi.stubEnv("AWS_ENDPOINT_URL_STS", aws.url);
  vi.stubEnv("AWS_ROLE_SESSION_NAME", undefined);
});
afterEach(async () => {
  await closeDefaultSlot();
  vi.unstubAllEnvs();
  await aws.close();
});

function clientsOverThreeServices(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const options = { region: REGION, endpoint: aws.url };
    if (i % 3 === 0) {
      const client = new DynamoDBClient(options);
      client.middlewareStack.use(awsCredsPlugin(client.config));
      return () => client.send(new ListTablesCommand({}));
    }
    if (i % 3 === 1) {
      const client = new S3Client({ ...options, forcePathStyle: true });
      client.middlewareStack.use(awsCredsPlugin(client.config));
      return () => client.send(new ListBucketsCommand({}));
    }
    const client = new STSClient(options);
    client.middlewareStack.use(awsCredsPlugin(client.config));
    return () => client.send(new GetCallerIdentityCommand({}));
  });
}

describe("the process-wide default slot (the Go Swapper)", () => {
  test("20 clients over 3 services make one STS call per rotation", async () => {
    const calls = clientsOverThreeServices(20);
    const perRotation: number[] = [];
    for (let rotation = 0; rotation < 3; rotation++) {
      const before = aws.records.credentialCalls().length;
      if (rotation > 0) {
        const refreshed = new Promise((resolve) => defaultSlot().on("refreshed", resolve));
        defaultSlot().invalidate(defaultSlot().current()?.accessKeyId ?? "");
        await refreshed;
      }
      await Promise.all(calls.map((send) => Promise.all([send(), send()])));
      perRotation.push(aws.records.credentialCalls().length - before);
    }
    expect(perRotation).toEqual([1, 1, 1]);
    expect(aws.records.requests).toHaveLength(120);
    expect(aws.records.requests.every((r) => r.signatureValid)).toBe(true);
    expect(new Set(aws.records.requests.map((r) => r.accessKeyId)).size).toBe(3);
  });

  test("with no credentials anywhere, a request fails with one typed error listing what was looked for", async () => {
    vi.stubEnv("AWS_ROLE_ARN", undefined); // and the vitest config disables EC2 instance metadata
    const client = new DynamoDBClient({ region: REGION, endpoint: aws.url });
    client.middlewareStack.use(awsCredsPlugin(client.config));
    const error = await client.send(new ListTablesCommand({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsUnavailableError);
    const cause = (error as Error).cause as Error;
    expect(cause).toMatchObject({ name: "CredentialSourceError", kind: "nonRetryable" });
    for (const variable of ["AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_EC2_METADATA_DISABLED"]) expect(cause.message).toContain(variable);
    expect(defaultSlot().stats().source).toMatch(/^the SDK's default credential chain, because no environment keys, profile/);
    expect(aws.records.requests).toHaveLength(0);
  });

  test("awsCredsPlugin refuses something that is not a client config", () => {
    expect(() => awsCredsPlugin(undefined as never)).toThrow(/awsCredsPlugin\(client.config\)/);
  });
});

describe("per-client configuration", () => {
  test("two roles in one process: each client signs with its own slot", async () => {
    const slotFor = (role: string) => createCredentialSlot({ source: fromWebIdentity({ roleArn: `arn:aws:iam::123456789012:role/${role}`, endpoint: aws.url }) });
    await using reader = slotFor("reader");
    await using writer = slotFor("writer");
    await Promise.all([reader.ready(), writer.ready()]);
    const a = new STSClient({ region: REGION, endpoint: aws.url });
    a.middlewareStack.use(awsCredsPlugin(a.config, { slot: reader }));
    const b = new STSClient({ region: REGION, endpoint: aws.url });
    b.middlewareStack.use(awsCredsPlugin(b.config, { slot: writer }));
    expect((await a.send(new GetCallerIdentityCommand({}))).Arn).toContain("assumed-role/reader/");
    expect((await b.send(new GetCallerIdentityCommand({}))).Arn).toContain("assumed-role/writer/");
  });

  test("a per-client logger hears that client's ExpiredToken recovery", async () => {
    const warnings: string[] = [];
    const logger = { debug: () => {}, info: () => {}, warn: (m: string) => warnings.push(m), error: () => {} };
    const client = new DynamoDBClient({ region: REGION, endpoint: aws.url });
    client.middlewareStack.use(awsCredsPlugin(client.config, { logger }));
    await defaultSlot().ready();
    aws.injectServiceFaults("ExpiredToken", 1, "dynamodb");
    await client.send(new ListTablesCommand({}));
    expect(warnings).toEqual([expect.stringMatching(/AWS answered ExpiredTokenException for ASIA\w+; refreshing, sending once more with the replacement/)]);
  });
});

describe("the Refresher: keep an existing provider warm", () => {
  test("fromProvider(any SDK provider) in a slot: requests stop calling the provider", async () => {
    const client = new DynamoDBClient({ region: REGION, endpoint: aws.url });
    // As in docs/plugin.md, with the SDK's own IRSA provider standing in for any provider.
    await using slot = createCredentialSlot({ source: fromProvider(fromTokenFile({ clientConfig: { region: REGION } })) });
    client.middlewareStack.use(awsCredsPlugin(client.config, { slot }));
    for (let i = 0; i < 10; i++) await client.send(new ListTablesCommand({}));
    expect(aws.records.credentialCalls()).toHaveLength(1);
    expect(aws.records.requests.every((r) => r.signatureValid)).toBe(true);
  });
});
