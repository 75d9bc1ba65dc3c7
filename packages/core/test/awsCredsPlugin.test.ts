import { DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { awsCredsPlugin, createCredentialSlot, type AwsCredsPluginOptions, fromWebIdentity, type CredentialSlot, type CredentialSlotEvents } from "@awscreds/core";
import { startEmulator, type Emulator } from "@awscreds/emulator";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, test } from "vitest";

const ROLE_ARN = "arn:aws:iam::123456789012:role/orders-service";
const REGION = "eu-west-1";
let aws: Emulator;
let slot: CredentialSlot;
let tokenFile: string;

beforeEach(async () => {
  aws = await startEmulator({ dynamodb: { tables: [{ name: "orders" }] }, s3: { buckets: ["media"] }, lambda: { functions: ["resize"] } });
  tokenFile = join(mkdtempSync(join(tmpdir(), "awscreds-plugin-")), "token");
  writeFileSync(tokenFile, "plugin-token");
  slot = createCredentialSlot({ source: fromWebIdentity({ roleArn: ROLE_ARN, webIdentityTokenFile: tokenFile, region: REGION, endpoint: aws.url }) });
  await slot.ready();
});
afterEach(async () => {
  await slot.close();
  await aws.close();
});

function dynamo(options: AwsCredsPluginOptions = {}): DynamoDBClient {
  const client = new DynamoDBClient({ region: REGION, endpoint: aws.url });
  client.middlewareStack.use(awsCredsPlugin(client.config, { slot, ...options }));
  return client;
}
function s3(): S3Client {
  const client = new S3Client({ region: REGION, endpoint: aws.url, forcePathStyle: true });
  client.middlewareStack.use(awsCredsPlugin(client.config, { slot }));
  return client;
}
function lambda(): LambdaClient {
  const client = new LambdaClient({ region: REGION, endpoint: aws.url });
  client.middlewareStack.use(awsCredsPlugin(client.config, { slot }));
  return client;
}
function sts(): STSClient {
  const client = new STSClient({ region: REGION, endpoint: aws.url });
  client.middlewareStack.use(awsCredsPlugin(client.config, { slot }));
  return client;
}

function nextEvent<E extends keyof CredentialSlotEvents>(event: E): Promise<CredentialSlotEvents[E]> {
  return new Promise((resolve) => {
    const listener = (payload: CredentialSlotEvents[E]) => {
      slot.off(event, listener);
      resolve(payload);
    };
    slot.on(event, listener);
  });
}

async function rotate(): Promise<string> {
  const old = slot.current()?.accessKeyId ?? "";
  const refreshed = nextEvent("refreshed");
  slot.invalidate(old);
  const { accessKeyId } = await refreshed;
  aws.expireKey(old); // from now on the old key is refused, as after its real expiry
  return accessKeyId;
}

describe("signing from the slot", () => {
  test("every signature verifies across three rotations, and no request uses a key past its expiration", async () => {
    const [ddb, bucket, stsClient, fn] = [dynamo(), s3(), sts(), lambda()];
    const keys = [slot.current()?.accessKeyId];
    for (let round = 0; round < 4; round++) {
      await ddb.send(new PutItemCommand({ TableName: "orders", Item: { pk: { S: `order#${round}` } } }));
      await bucket.send(new PutObjectCommand({ Bucket: "media", Key: `r${round}/a b.txt`, Body: "x" }));
      await stsClient.send(new GetCallerIdentityCommand({}));
      await fn.send(new GetFunctionCommand({ FunctionName: "arn:aws:lambda:eu-west-1:123456789012:function:resize" }));
      if (round < 3) keys.push(await rotate());
    }
    expect(new Set(keys).size).toBe(4);
    expect(aws.records.requests).toHaveLength(16);
    expect(aws.records.requests.every((r) => r.signatureValid && !r.keyExpired && r.status === 200)).toBe(true);
    expect(aws.records.requests.map((r) => r.accessKeyId)).toEqual(keys.flatMap((k) => [k, k, k, k]));
  });

  test("the resolved stack holds exactly one signing middleware", async () => {
    const client = dynamo();
    const signers = client.middlewareStack.identify().filter((entry) => entry.startsWith("httpSigningMiddleware"));
    expect(signers).toHaveLength(1);
    // The control: the wrong call (absolute `add` with the same name) leaves two signers.
    const wrong = new DynamoDBClient({ region: REGION, endpoint: aws.url });
    wrong.middlewareStack.add((next) => next, { step: "finalizeRequest", name: "httpSigningMiddleware", override: true });
    expect(wrong.middlewareStack.identify().filter((entry) => entry.startsWith("httpSigningMiddleware"))).toHaveLength(2);
  });

  test("the SDK's own identity and endpoint resolution read the slot: config.credentials is the slot", async () => {
    const client = dynamo();
    const resolved = await client.config.credentials();
    expect(resolved).toBe(slot.current());
  });

  test("unsigned operations (AssumeRoleWithWebIdentity's no-auth scheme) stay unsigned", async () => {
    const out = await sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE_ARN, RoleSessionName: "nested", WebIdentityToken: "t" }));
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(aws.records.requests.filter((r) => r.operation === "AssumeRoleWithWebIdentity")).toHaveLength(0);
  });

  test("an S3 presigned URL is signed with the slot's credentials and works", async () => {
    const bucket = s3();
    await bucket.send(new PutObjectCommand({ Bucket: "media", Key: "shared.txt", Body: "presigned body" }));
    const url = await getSignedUrl(bucket, new GetObjectCommand({ Bucket: "media", Key: "shared.txt" }), { expiresIn: 300 });
    expect(url).toContain(`X-Amz-Credential=${slot.current()?.accessKeyId}`);
    expect(await (await fetch(url)).text()).toBe("presigned body");
  });
});

describe("no request waits on STS", () => {
  test("with STS hanging through a refresh, hundreds of requests and retries all complete", async () => {
    const [ddb, bucket, stsClient] = [dynamo(), s3(), sts()];
    aws.configure({ sts: { mode: "hang" } });
    slot.invalidate(slot.current()?.accessKeyId ?? ""); // a refresh starts, and hangs on STS
    await expect.poll(() => aws.hungRequests).toBe(1);
    aws.injectServiceFaults("InternalError", 5, "dynamodb"); // and some requests need a retry

    const requests = Array.from({ length: 300 }, (_, i) =>
      i % 3 === 0
        ? ddb.send(new GetItemCommand({ TableName: "orders", Key: { pk: { S: `k${i}` } } }))
        : i % 3 === 1
          ? bucket.send(new PutObjectCommand({ Bucket: "media", Key: `k${i}`, Body: "v" }))
          : stsClient.send(new GetCallerIdentityCommand({})),
    );
    const results = await Promise.allSettled(requests);
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    // Every request completed while the one STS call was still hanging.
    expect(aws.hungRequests).toBe(1);
    expect(aws.records.requests.filter((r) => r.errorCode === "InternalServerError")).toHaveLength(5);
    expect(aws.records.requests.every((r) => r.signatureValid)).toBe(true);
  });
});

describe("ExpiredToken recovery", () => {
  test("AWS says ExpiredToken: the key is invalidated once and the request is sent again, signed with fresh credentials, in one SDK attempt", async () => {
    const before = slot.current()?.accessKeyId;
    aws.injectServiceFaults("ExpiredToken", 1, "dynamodb");
    const out = await dynamo().send(new ListTablesCommand({}));
    expect(out.$metadata.attempts).toBe(1); // the SDK's retry strategy never saw the failure
    const [failed, resent] = aws.records.requests;
    expect(failed).toMatchObject({ accessKeyId: before, errorCode: "ExpiredTokenException" });
    expect(resent?.accessKeyId).not.toBe(before);
    expect(resent?.status).toBe(200);
    expect(aws.records.credentialCalls()).toHaveLength(2);
  });

  test("200 concurrent requests when the service revokes the key: all 200 succeed, 1 STS call, the client's retry quota untouched", async () => {
    const client = dynamo();
    const retryStrategy = (await client.config.retryStrategy()) as unknown as { getCapacity(): number };
    const capacityBefore = retryStrategy.getCapacity();
    const revoked = slot.current()?.accessKeyId ?? "";
    aws.configure({ service: { latencyMs: 20 } }); // all 200 are in flight when the key goes bad
    const requests = Array.from({ length: 200 }, (_, i) => client.send(new GetItemCommand({ TableName: "orders", Key: { pk: { S: `k${i}` } } })));
    aws.expireKey(revoked);
    const results = await Promise.allSettled(requests);
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(aws.records.credentialCalls()).toHaveLength(2); // start-up, and one replacement for 200 failures
    const rejected = aws.records.requests.filter((r) => r.errorCode === "ExpiredTokenException");
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.every((r) => r.accessKeyId === revoked)).toBe(true);
    expect(results.every((r) => r.status === "fulfilled" && r.value.$metadata.attempts === 1)).toBe(true);
    expect(retryStrategy.getCapacity()).toBe(capacityBefore);
  });

  test("never a storm: a request is sent again at most once, and a later request recovers again", async () => {
    aws.injectServiceFaults("ExpiredToken", 2, "dynamodb");
    const client = dynamo();
    await expect(client.send(new ListTablesCommand({}))).rejects.toMatchObject({ name: "ExpiredTokenException" });
    expect(aws.records.requests).toHaveLength(2);
    expect(aws.records.credentialCalls()).toHaveLength(2);

    aws.injectServiceFaults("ExpiredToken", 1, "dynamodb");
    await expect(client.send(new ListTablesCommand({}))).resolves.toMatchObject({ $metadata: { attempts: 1 } });
    expect(aws.records.requests).toHaveLength(4);
    expect(aws.records.credentialCalls()).toHaveLength(3);
  });

  test("a streamed body cannot be sent twice: the error says so, and the key is still refreshed", async () => {
    const before = slot.current()?.accessKeyId;
    aws.injectServiceFaults("ExpiredToken", 1, "s3");
    const refreshed = nextEvent("refreshed");
    const body = Readable.from([Buffer.from("streamed")]);
    await expect(s3().send(new PutObjectCommand({ Bucket: "media", Key: "stream.bin", Body: body, ContentLength: 8 }))).rejects.toMatchObject({
      name: "ExpiredToken",
      message: expect.stringMatching(/body is a stream that cannot be sent again; retry the call/),
    });
    expect((await refreshed).accessKeyId).not.toBe(before);
    expect(aws.records.requests).toHaveLength(1);
  });

  test("no replacement within replacementTimeout: the service's error says why, with its own name", async () => {
    const client = dynamo({ replacementTimeout: 200 });
    aws.configure({ sts: { mode: "hang" } });
    aws.injectServiceFaults("ExpiredToken", 1, "dynamodb");
    await expect(client.send(new ListTablesCommand({}))).rejects.toMatchObject({
      name: "ExpiredTokenException",
      message: expect.stringMatching(/no credentials replaced ASIA\w+ within replacementTimeout \(200 ms\)/),
    });
    expect(aws.records.requests).toHaveLength(1);
  });

  test("refreshOnExpiredToken: false hands the error to the caller untouched", async () => {
    aws.injectServiceFaults("ExpiredToken", 1, "dynamodb");
    await expect(dynamo({ refreshOnExpiredToken: false }).send(new ListTablesCommand({}))).rejects.toMatchObject({ name: "ExpiredTokenException" });
    expect(aws.records.credentialCalls()).toHaveLength(1);
  });
});

describe("clock skew", () => {
  test("with the service clock 20 minutes ahead, the SDK-style correction makes requests succeed", async () => {
    aws.configure({ clockOffsetMs: 20 * 60_000 });
    const client = dynamo();
    const first = await client.send(new ListTablesCommand({}));
    const second = await client.send(new ListTablesCommand({}));
    expect(first.$metadata.attempts).toBe(2);
    expect(second.$metadata.attempts).toBe(1);
    expect(aws.records.requests.map((r) => r.errorCode)).toEqual(["InvalidSignatureException", undefined, undefined]);
  });
});
