import { GetItemCommand, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { AssumeRoleWithWebIdentityCommand } from "@aws-sdk/client-sts";
import { startEmulator, type Emulator, type StsMode } from "@awscreds/emulator";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ROLE_ARN, STATIC_KEY, dynamo, s3, sts } from "./support.js";

let aws: Emulator;
beforeEach(async () => {
  aws = await startEmulator({ staticKeys: [STATIC_KEY], dynamodb: { tables: [{ name: "orders" }] } });
});
afterEach(() => aws.close());

const assume = (options: { maxAttempts?: number; requestTimeout?: number } = {}) => {
  const client = sts(aws, { maxAttempts: options.maxAttempts ?? 1 });
  return client.send(
    new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE_ARN, RoleSessionName: "faults", WebIdentityToken: "token" }),
    options.requestTimeout ? { abortSignal: AbortSignal.timeout(options.requestTimeout) } : {},
  );
};

describe("every STS error mode surfaces as the error the real STS client raises", () => {
  test.each([
    ["error5xx", "ServiceUnavailable", 503],
    ["throttle", "Throttling", 400],
    ["invalidIdentityToken", "InvalidIdentityTokenException", 400],
    ["expiredIdentityToken", "ExpiredTokenException", 400],
    ["accessDenied", "AccessDenied", 403],
  ] as const)("%s → %s (HTTP %i)", async (mode, name, status) => {
    aws.configure({ sts: { mode } });
    await expect(assume()).rejects.toMatchObject({ name, $metadata: { httpStatusCode: status } });
    expect(aws.records.stsCalls).toMatchObject([{ action: "AssumeRoleWithWebIdentity", outcome: expect.any(String) }]);
    expect(aws.records.stsCalls[0]?.accessKeyId).toBeUndefined();
  });

  test("the SDK retries 5xx and throttling on its own: three attempts reach the emulator", async () => {
    aws.configure({ sts: { mode: "throttle" } });
    await expect(assume({ maxAttempts: 3 })).rejects.toMatchObject({ name: "Throttling", $metadata: { attempts: 3 } });
    expect(aws.records.stsCalls.map((c) => c.outcome)).toEqual(["Throttling", "Throttling", "Throttling"]);
  });

  test("garbage: a 200 that is not XML fails to deserialize", async () => {
    aws.configure({ sts: { mode: "garbage" } });
    await expect(assume()).rejects.toMatchObject({ message: expect.stringContaining("Deserialization error"), $metadata: { httpStatusCode: 200 } });
    expect(aws.records.stsCalls[0]?.outcome).toBe("garbage");
  });

  test("expiredCredentials: the credentials are issued already expired", async () => {
    aws.configure({ sts: { mode: "expiredCredentials" } });
    const { Credentials } = await assume();
    expect(Credentials?.Expiration?.getTime()).toBeLessThan(aws.now());
  });

  test("noExpiration: the credentials come without Expiration", async () => {
    aws.configure({ sts: { mode: "noExpiration" } });
    const { Credentials } = await assume();
    expect(Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(Credentials?.Expiration).toBeUndefined();
  });

  test("hang: the call never answers; the client's own timeout ends it", async () => {
    aws.configure({ sts: { mode: "hang" } });
    await expect(assume({ requestTimeout: 200 })).rejects.toMatchObject({ name: expect.stringMatching(/Abort|Timeout/) });
    expect(aws.records.stsCalls[0]?.outcome).toBe("hung");
  });

  test("injected faults are used once each, in order, then the configured mode resumes", async () => {
    aws.injectStsFaults("throttle", 2);
    aws.injectStsFaults("error5xx");
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) outcomes.push(await assume().then(() => "ok", (e: Error) => e.name));
    expect(outcomes).toEqual(["Throttling", "Throttling", "ServiceUnavailable", "ok"]);
  });

  test("latency delays STS by at least the configured time and is recorded", async () => {
    aws.configure({ sts: { latencyMs: { min: 50, max: 60 } } });
    await assume();
    expect(aws.records.stsCalls[0]?.durationMs).toBeGreaterThanOrEqual(49);
  });
});

describe("a hung STS blocks nothing else", () => {
  test("while an AssumeRoleWithWebIdentity hangs, service requests complete; release answers it", async () => {
    aws.configure({ sts: { mode: "hang" } });
    const pending = assume();
    await expect.poll(() => aws.hungRequests).toBe(1);
    const results = await Promise.all(Array.from({ length: 25 }, () => dynamo(aws).send(new ListTablesCommand({}))));
    expect(results.every((r) => r.TableNames?.[0] === "orders")).toBe(true);
    expect(aws.hungRequests).toBe(1);

    aws.configure({ sts: { mode: "ok" } });
    expect(aws.releaseHungRequests()).toBe(1);
    await expect(pending).resolves.toMatchObject({ Credentials: { AccessKeyId: expect.stringMatching(/^ASIA/) } });
    expect(aws.records.stsCalls[0]?.outcome).toBe("ok");
  });
});

describe("service faults and latency", () => {
  test("an injected ExpiredToken answers in each service's words, once", async () => {
    aws.injectServiceFaults("ExpiredToken", 1, "dynamodb");
    aws.injectServiceFaults("ExpiredToken", 1, "s3");
    await expect(dynamo(aws, { maxAttempts: 1 }).send(new ListTablesCommand({}))).rejects.toMatchObject({ name: "ExpiredTokenException" });
    await expect(s3(aws, { maxAttempts: 1 }).send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: "ExpiredToken" });
    await expect(dynamo(aws).send(new ListTablesCommand({}))).resolves.toMatchObject({ TableNames: ["orders"] });
  });

  test("an injected throttle is retried by the SDK", async () => {
    aws.injectServiceFaults("Throttling", 1);
    const out = await dynamo(aws).send(new GetItemCommand({ TableName: "orders", Key: { pk: { S: "x" } } }));
    expect(out.$metadata.attempts).toBe(2);
    expect(aws.records.requests.map((r) => r.errorCode)).toEqual(["ThrottlingException", undefined]);
  });

  test("invalid settings are refused with a message that says what to use", () => {
    expect(() => aws.configure({ sts: { mode: "sleepy" as StsMode } })).toThrow(/Unknown STS mode 'sleepy'; use one of ok, error5xx/);
    expect(() => aws.configure({ service: { latencyMs: { min: 5, max: 1 } } })).toThrow(/service.latencyMs must be/);
    expect(aws.settings.sts.mode).toBe("ok");
  });
});
