import { GetItemCommand, ListTablesCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, ListBucketsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { GetFunctionCommand, InvokeCommand, LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { startEmulator, type Emulator } from "@awscreds/emulator";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { STATIC_KEY, dynamo, flipSignatureByte, s3, sts, tamperAfterSigning } from "./support.js";

let aws: Emulator;
beforeEach(async () => {
  aws = await startEmulator({ staticKeys: [STATIC_KEY], dynamodb: { tables: [{ name: "orders" }] }, s3: { buckets: ["media"] }, lambda: { functions: ["resize"] } });
});
afterEach(() => aws.close());

describe("requests signed by real SDK clients with static keys", () => {
  test("DynamoDB JSON 1.0 requests verify and reach the in-memory table", async () => {
    const client = dynamo(aws);
    await client.send(new PutItemCommand({ TableName: "orders", Item: { pk: { S: "order#1" }, total: { N: "42" } } }));
    const { Item } = await client.send(new GetItemCommand({ TableName: "orders", Key: { pk: { S: "order#1" } } }));
    const { TableNames } = await client.send(new ListTablesCommand({}));
    expect(Item).toEqual({ pk: { S: "order#1" }, total: { N: "42" } });
    expect(TableNames).toEqual(["orders"]);
    expect(aws.records.requests.map((r) => [r.operation, r.signatureValid, r.status])).toEqual([
      ["PutItem", true, 200],
      ["GetItem", true, 200],
      ["ListTables", true, 200],
    ]);
  });

  test("S3 path-style requests verify with keys that need escaping, signed without double encoding", async () => {
    const client = s3(aws);
    const key = "reports/2026 Q4/späť+(final)*.txt";
    await client.send(new PutObjectCommand({ Bucket: "media", Key: key, Body: "quarterly numbers", ContentType: "text/plain" }));
    const object = await client.send(new GetObjectCommand({ Bucket: "media", Key: key }));
    const { Buckets } = await client.send(new ListBucketsCommand({}));
    expect(await object.Body?.transformToString()).toBe("quarterly numbers");
    expect(object.ContentType).toBe("text/plain");
    expect(Buckets?.map((b) => b.Name)).toEqual(["media"]);
    expect(aws.records.requests.every((r) => r.signatureValid && r.status === 200)).toBe(true);
  });

  test("Lambda REST-JSON requests verify, with an ARN in the path (non-S3 paths are encoded twice)", async () => {
    const client = new LambdaClient({ endpoint: aws.url, region: "eu-west-1", credentials: STATIC_KEY });
    const { Functions } = await client.send(new ListFunctionsCommand({}));
    const byArn = await client.send(new GetFunctionCommand({ FunctionName: "arn:aws:lambda:eu-west-1:123456789012:function:resize" }));
    const invoked = await client.send(new InvokeCommand({ FunctionName: "resize", Payload: new TextEncoder().encode('{"w":64}') }));
    expect(Functions?.map((f) => f.FunctionName)).toEqual(["resize"]);
    expect(byArn.Configuration?.FunctionName).toBe("resize");
    expect(new TextDecoder().decode(invoked.Payload)).toBe('{"w":64}');
    expect(aws.records.requests.map((r) => [r.service, r.operation, r.signatureValid])).toEqual([
      ["lambda", "ListFunctions", true],
      ["lambda", "GetFunction", true],
      ["lambda", "Invoke", true],
    ]);
    await expect(client.send(new GetFunctionCommand({ FunctionName: "missing" }))).rejects.toMatchObject({ name: "ResourceNotFoundException", $metadata: { httpStatusCode: 404 } });
    const tampered = new LambdaClient({ endpoint: aws.url, region: "eu-west-1", credentials: STATIC_KEY, maxAttempts: 1 });
    tampered.middlewareStack.use(tamperAfterSigning((request) => flipSignatureByte(request.headers)));
    await expect(tampered.send(new ListFunctionsCommand({}))).rejects.toMatchObject({ name: "InvalidSignatureException", $metadata: { httpStatusCode: 403 } });
  });

  test("signed STS calls (GetCallerIdentity) verify and report the caller", async () => {
    const identity = await sts(aws).send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe("123456789012");
    expect(identity.Arn).toBe("arn:aws:iam::123456789012:user/emulator");
    expect(aws.records.requests).toMatchObject([{ service: "sts", operation: "GetCallerIdentity", signatureValid: true }]);
  });

  test("an S3 presigned URL works with plain fetch, and fails once expired or altered", async () => {
    await s3(aws).send(new PutObjectCommand({ Bucket: "media", Key: "a b.txt", Body: "shared" }));
    const url = await getSignedUrl(s3(aws), new GetObjectCommand({ Bucket: "media", Key: "a b.txt" }), { expiresIn: 60 });
    const ok = await fetch(url);
    expect(await ok.text()).toBe("shared");
    expect(aws.records.requests.at(-1)).toMatchObject({ presigned: true, signatureValid: true });

    const altered = await fetch(url.replace("a%20b.txt", "a%20c.txt"));
    expect(altered.status).toBe(403);
    expect(await altered.text()).toContain("<Code>SignatureDoesNotMatch</Code>");

    aws.configure({ clockOffsetMs: 61_000 });
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain("<Message>Request has expired</Message>");
  });
});

describe("rejections, in each service's own error shape", () => {
  test("one changed byte of the signature: DynamoDB InvalidSignatureException, S3 and STS SignatureDoesNotMatch", async () => {
    const flip = (request: { headers: Record<string, string> }) => flipSignatureByte(request.headers);
    const ddb = dynamo(aws, { maxAttempts: 1 });
    ddb.middlewareStack.use(tamperAfterSigning(flip));
    const bucket = s3(aws, { maxAttempts: 1 });
    bucket.middlewareStack.use(tamperAfterSigning(flip));
    const stsClient = sts(aws, { maxAttempts: 1 });
    stsClient.middlewareStack.use(tamperAfterSigning(flip));

    await expect(ddb.send(new ListTablesCommand({}))).rejects.toMatchObject({ name: "InvalidSignatureException", $metadata: { httpStatusCode: 400 } });
    await expect(bucket.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: "SignatureDoesNotMatch", $metadata: { httpStatusCode: 403 } });
    await expect(stsClient.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: "SignatureDoesNotMatch", $metadata: { httpStatusCode: 403 } });
    expect(aws.records.requests.map((r) => [r.service, r.signatureValid])).toEqual([
      ["dynamodb", false],
      ["s3", false],
      ["sts", false],
    ]);
  });

  test("a body changed after signing fails the payload hash", async () => {
    const ddb = dynamo(aws, { maxAttempts: 1 });
    // Same length, so only the content differs from what was signed.
    ddb.middlewareStack.use(tamperAfterSigning((request) => void (request.body = new TextDecoder().decode(request.body as Uint8Array).replace("orders", "ordert"))));
    await expect(ddb.send(new GetItemCommand({ TableName: "orders", Key: { pk: { S: "x" } } }))).rejects.toMatchObject({ name: "InvalidSignatureException" });
  });

  test("the wrong secret for a known key is SignatureDoesNotMatch", async () => {
    const wrong = { ...STATIC_KEY, secretAccessKey: "not-the-secret" };
    await expect(s3(aws, { credentials: wrong, maxAttempts: 1 }).send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: "SignatureDoesNotMatch" });
  });

  test("an unknown key: UnrecognizedClientException (DynamoDB), InvalidAccessKeyId (S3), InvalidClientTokenId (STS)", async () => {
    const unknown = { accessKeyId: "AKIDNOBODYKNOWS", secretAccessKey: "x" };
    await expect(dynamo(aws, { credentials: unknown, maxAttempts: 1 }).send(new ListTablesCommand({}))).rejects.toMatchObject({ name: "UnrecognizedClientException" });
    await expect(s3(aws, { credentials: unknown, maxAttempts: 1 }).send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: "InvalidAccessKeyId" });
    await expect(sts(aws, { credentials: unknown, maxAttempts: 1 }).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: "InvalidClientTokenId" });
  });

  test("an issued key used without its session token, or with another one, is rejected", async () => {
    const issued = aws.issueCredentials();
    const noToken = { accessKeyId: issued.accessKeyId, secretAccessKey: issued.secretAccessKey };
    const otherToken = { ...issued, sessionToken: aws.issueCredentials().sessionToken };
    await expect(sts(aws, { credentials: noToken, maxAttempts: 1 }).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: "InvalidClientTokenId" });
    await expect(s3(aws, { credentials: otherToken, maxAttempts: 1 }).send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: "InvalidToken" });
  });

  test("a credential scoped to another region is rejected when the emulator pins a region", async () => {
    aws.configure({ region: "us-west-2" });
    await expect(dynamo(aws, { maxAttempts: 1 }).send(new ListTablesCommand({}))).rejects.toMatchObject({
      name: "IncompleteSignature",
      message: expect.stringContaining("Credential should be scoped to a valid region, not 'eu-west-1'"),
    });
    await expect(dynamo(aws, { region: "us-west-2" }).send(new ListTablesCommand({}))).resolves.toMatchObject({ TableNames: ["orders"] });
  });

  test("an unsigned request to a signed service is refused", async () => {
    const response = await fetch(`${aws.url}/`, { method: "POST", headers: { "x-amz-target": "DynamoDB_20120810.ListTables", "content-type": "application/x-amz-json-1.0" }, body: "{}" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: "com.amazon.coral.service#MissingAuthenticationTokenException" });
  });

  test("DynamoDB and S3 report missing resources like AWS does", async () => {
    await expect(dynamo(aws).send(new GetItemCommand({ TableName: "missing", Key: { pk: { S: "x" } } }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    await expect(s3(aws).send(new GetObjectCommand({ Bucket: "media", Key: "nope" }))).rejects.toMatchObject({ name: "NoSuchKey" });
    await expect(s3(aws).send(new GetObjectCommand({ Bucket: "nobucket", Key: "nope" }))).rejects.toMatchObject({ name: "NoSuchBucket" });
  });
});

describe("clock skew", () => {
  test.each([
    ["DynamoDB", "InvalidSignatureException", (a: Emulator) => dynamo(a).send(new ListTablesCommand({}))],
    ["S3", "RequestTimeTooSkewed", (a: Emulator) => s3(a).send(new ListBucketsCommand({}))],
    ["STS", "SignatureDoesNotMatch", (a: Emulator) => sts(a).send(new GetCallerIdentityCommand({}))],
  ] as const)("%s: a 20-minute offset fails the first attempt with %s, then the SDK corrects its clock from Date and succeeds", async (_, code, call) => {
    aws.configure({ clockOffsetMs: 20 * 60_000 });
    const output = await call(aws);
    expect(output.$metadata.attempts).toBe(2);
    expect(aws.records.requests.map((r) => [r.errorCode, r.status < 300])).toEqual([
      [code, false],
      [undefined, true],
    ]);
  });

  test("without retries the skew error reaches the caller", async () => {
    aws.configure({ clockOffsetMs: -20 * 60_000 });
    await expect(dynamo(aws, { maxAttempts: 1 }).send(new ListTablesCommand({}))).rejects.toMatchObject({
      name: "InvalidSignatureException",
      message: expect.stringContaining("Signature not yet current"),
    });
  });
});

test("S3 checks the declared payload hash against the body it received", async () => {
  const bucket = s3(aws, { maxAttempts: 1 });
  bucket.middlewareStack.use(tamperAfterSigning((request) => void (request.body = String(request.body).toUpperCase())));
  await expect(bucket.send(new PutObjectCommand({ Bucket: "media", Key: "k", Body: "lower case body" }))).rejects.toMatchObject({ name: "XAmzContentSHA256Mismatch" });
});
