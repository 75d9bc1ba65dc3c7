import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { fromTokenFile } from "@aws-sdk/credential-provider-web-identity";
import { startEmulator, type Emulator } from "@awscreds/emulator";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { REGION, ROLE_ARN, STATIC_KEY, dynamo, sts } from "./support.js";

let aws: Emulator;
beforeEach(async () => {
  aws = await startEmulator({ staticKeys: [STATIC_KEY] });
});
afterEach(async () => {
  vi.useRealTimers();
  await aws.close();
});

const assume = (client = sts(aws), extra: Partial<{ DurationSeconds: number; WebIdentityToken: string; RoleArn: string }> = {}) =>
  client.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE_ARN, RoleSessionName: "app-session", WebIdentityToken: "header.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6cHJvZDphcHAifQ.sig", ...extra }));

describe("AssumeRoleWithWebIdentity over the Query protocol", () => {
  test("each call issues a fresh ASIA key, secret and token expiring after the configured lifetime", async () => {
    aws.configure({ sts: { credentialLifetimeSeconds: 1800 } });
    const before = aws.now();
    const first = await assume();
    const second = await assume();
    expect(first.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(second.Credentials?.AccessKeyId).not.toBe(first.Credentials?.AccessKeyId);
    expect(second.Credentials?.SecretAccessKey).not.toBe(first.Credentials?.SecretAccessKey);
    expect(second.Credentials?.SessionToken).not.toBe(first.Credentials?.SessionToken);
    const expiresIn = (first.Credentials?.Expiration?.getTime() ?? 0) - before;
    expect(expiresIn).toBeGreaterThan(1800_000 - 2_000);
    expect(expiresIn).toBeLessThanOrEqual(1800_000 + 1_000);
    expect(first.AssumedRoleUser?.Arn).toBe("arn:aws:sts::123456789012:assumed-role/app-role/app-session");
    expect(first.SubjectFromWebIdentityToken).toBe("system:serviceaccount:prod:app");
    expect(aws.records.credentialCalls().map((c) => [c.action, c.outcome, c.accessKeyId])).toEqual([
      ["AssumeRoleWithWebIdentity", "ok", first.Credentials?.AccessKeyId],
      ["AssumeRoleWithWebIdentity", "ok", second.Credentials?.AccessKeyId],
    ]);
  });

  test("DurationSeconds sets the lifetime and is validated against 900 s and the role's maximum", async () => {
    aws.configure({ sts: { maxSessionDurationSeconds: 7200 } });
    const before = aws.now();
    const out = await assume(sts(aws), { DurationSeconds: 900 });
    expect((out.Credentials?.Expiration?.getTime() ?? 0) - before).toBeLessThanOrEqual(901_000);
    expect(aws.records.stsCalls[0]?.durationSeconds).toBe(900);
    await expect(assume(sts(aws), { DurationSeconds: 899 })).rejects.toMatchObject({ name: "ValidationError" });
    await expect(assume(sts(aws), { DurationSeconds: 7201 })).rejects.toMatchObject({ name: "ValidationError", message: expect.stringContaining("MaxSessionDuration") });
  });

  test("the role ARN format is checked", async () => {
    await expect(assume(sts(aws), { RoleArn: "arn:aws:iam::123:role/x" })).rejects.toMatchObject({ name: "ValidationError", message: expect.stringContaining("Request ARN is invalid") });
    await expect(assume(sts(aws), { RoleArn: "arn:aws:iam::123456789012:user/bob" })).rejects.toMatchObject({ name: "ValidationError" });
  });

  test("with an expected token configured, any other token is InvalidIdentityToken (InvalidIdentityTokenException in the SDK)", async () => {
    aws.configure({ sts: { expectedWebIdentityToken: "the-right-token" } });
    await expect(assume(sts(aws), { WebIdentityToken: "a-wrong-token" })).rejects.toMatchObject({ name: "InvalidIdentityTokenException" }); // wire code InvalidIdentityToken
    await expect(assume(sts(aws), { WebIdentityToken: "the-right-token" })).resolves.toMatchObject({ Credentials: { AccessKeyId: expect.stringMatching(/^ASIA/) } });
    expect(aws.records.stsCalls.map((c) => [c.webIdentityToken, c.outcome])).toEqual([
      ["a-wrong-token", "InvalidIdentityToken"],
      ["the-right-token", "ok"],
    ]);
  });

  test("the SDK's own web identity provider (nested STS client) gets credentials from a token file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "awscreds-emulator-"));
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, "token-from-file");
    const provider = fromTokenFile({ webIdentityTokenFile: tokenFile, roleArn: ROLE_ARN, roleSessionName: "from-file", clientConfig: { endpoint: aws.url, region: REGION } });
    const credentials = await provider();
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    expect(credentials.expiration).toBeInstanceOf(Date);
    expect(aws.records.stsCalls).toMatchObject([{ action: "AssumeRoleWithWebIdentity", webIdentityToken: "token-from-file", roleSessionName: "from-file", outcome: "ok" }]);
  });

  test("AWS_ENDPOINT_URL_STS points the SDK's provider at the emulator with no code change", async () => {
    const dir = mkdtempSync(join(tmpdir(), "awscreds-emulator-"));
    writeFileSync(join(dir, "token"), "env-token");
    vi.stubEnv("AWS_ENDPOINT_URL_STS", aws.url);
    try {
      const credentials = await fromTokenFile({ webIdentityTokenFile: join(dir, "token"), roleArn: ROLE_ARN, clientConfig: { region: REGION } })();
      expect(credentials.accessKeyId).toMatch(/^ASIA/);
      expect(aws.records.stsCalls[0]?.webIdentityToken).toBe("env-token");
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe("issued keys at the signed services", () => {
  test("STS-issued keys verify at DynamoDB, and GetCallerIdentity names the assumed role", async () => {
    const { Credentials } = await assume();
    const credentials = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
    await dynamo(aws, { credentials }).send(new ListTablesCommand({}));
    const identity = await sts(aws, { credentials }).send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe("arn:aws:sts::123456789012:assumed-role/app-role/app-session");
    expect(aws.records.requests.map((r) => [r.accessKeyId, r.signatureValid, r.keyExpired])).toEqual([
      [credentials.accessKeyId, true, false],
      [credentials.accessKeyId, true, false],
    ]);
  });

  test("the same key is rejected with ExpiredTokenException once its Expiration passes", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { Credentials } = await assume(sts(aws), { DurationSeconds: 900 });
    const credentials = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
    await dynamo(aws, { credentials }).send(new ListTablesCommand({}));
    vi.setSystemTime(Date.now() + 901_000); // client and emulator clocks move together: no skew
    await expect(dynamo(aws, { credentials, maxAttempts: 1 }).send(new ListTablesCommand({}))).rejects.toMatchObject({
      name: "ExpiredTokenException",
      message: "The security token included in the request is expired",
    });
    await expect(sts(aws, { credentials, maxAttempts: 1 }).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: "ExpiredToken" });
    expect(aws.records.requests.map((r) => [r.signatureValid, r.keyExpired])).toEqual([
      [true, false],
      [true, true],
      [true, true],
    ]);
  });

  test("AssumeRole needs a signature and issues a key for the role", async () => {
    const out = await sts(aws).send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: "chained" }));
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(aws.records.requests).toMatchObject([{ service: "sts", operation: "AssumeRole", signatureValid: true }]);
    const unsigned = await fetch(aws.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `Action=AssumeRole&Version=2011-06-15&RoleArn=${ROLE_ARN}&RoleSessionName=x` });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain("<Code>MissingAuthenticationToken</Code>");
  });

  test("an unknown action or version is refused in the Query protocol's error shape", async () => {
    const response = await fetch(aws.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "Action=DecodeAuthorizationMessage&Version=2011-06-15" });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text).toMatch(/^<ErrorResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code>/);
  });
});
