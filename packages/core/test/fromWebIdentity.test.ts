import { ListTablesCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createCredentialSlot, fromWebIdentity, ConfigurationError, type CredentialSlot } from "@awscreds/core";
import { startEmulator, type Emulator, type StsMode } from "@awscreds/emulator";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { nextEvent } from "./helpers/nextEvent.js";

// Integration: the slot and fromWebIdentity against the emulator's real STS, over real HTTP.

const ROLE_ARN = "arn:aws:iam::123456789012:role/orders-service";
const REGION = "eu-west-1";
let aws: Emulator;
let tokenFile: string;
const slots: CredentialSlot[] = [];

beforeEach(async () => {
  aws = await startEmulator({ dynamodb: { tables: [{ name: "orders" }] } });
  tokenFile = join(mkdtempSync(join(tmpdir(), "awscreds-core-")), "token");
  writeFileSync(tokenFile, "web-identity-token-1");
  for (const name of ["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS"]) {
    vi.stubEnv(name, undefined);
  }
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(slots.splice(0).map((slot) => slot.close()));
  await aws.close();
});

function source(extra: Parameters<typeof fromWebIdentity>[0] = {}) {
  return fromWebIdentity({ roleArn: ROLE_ARN, webIdentityTokenFile: tokenFile, region: REGION, endpoint: aws.url, roleSessionName: "orders-pod-1", ...extra });
}

function slotOf(options: Partial<Parameters<typeof createCredentialSlot>[0]> = {}): CredentialSlot {
  const slot = createCredentialSlot({ source: source(), ...options });
  slots.push(slot);
  return slot;
}

describe("fromWebIdentity through the emulator's STS", () => {
  test("fetches web identity credentials that the signed services accept", async () => {
    const slot = slotOf();
    await slot.ready();
    const credentials = slot.current();
    expect(credentials?.accessKeyId).toMatch(/^ASIA/);
    expect(credentials?.accountId).toBe("123456789012");
    expect(aws.records.stsCalls).toMatchObject([{ action: "AssumeRoleWithWebIdentity", roleArn: ROLE_ARN, roleSessionName: "orders-pod-1", webIdentityToken: "web-identity-token-1", outcome: "ok" }]);

    const ddb = new DynamoDBClient({ region: REGION, endpoint: aws.url, credentials: slot.provider });
    await ddb.send(new ListTablesCommand({}));
    expect(aws.records.requests).toMatchObject([{ accessKeyId: credentials?.accessKeyId, signatureValid: true }]);
  });

  test("sends durationSeconds and honours it", async () => {
    const slot = createCredentialSlot({ source: source({ durationSeconds: 900 }) });
    slots.push(slot);
    await slot.ready();
    expect(aws.records.stsCalls[0]?.durationSeconds).toBe(900);
    expect((slot.current()?.expiration?.getTime() ?? 0) - aws.now()).toBeLessThanOrEqual(900_000);
  });

  test("re-reads the token file on every fetch: a rotated token is what STS gets next", async () => {
    const slot = slotOf();
    await slot.ready();
    writeFileSync(tokenFile, "web-identity-token-2");
    const refreshed = nextEvent(slot, "refreshed");
    slot.invalidate(slot.current()?.accessKeyId ?? "");
    await refreshed;
    expect(aws.records.stsCalls.map((c) => c.webIdentityToken)).toEqual(["web-identity-token-1", "web-identity-token-2"]);
  });

  test("calls the regional STS endpoint of the configured region, or AWS_REGION's", async () => {
    const hostOf = async (options: Parameters<typeof fromWebIdentity>[0]) => {
      const src = fromWebIdentity({ roleArn: ROLE_ARN, webIdentityTokenFile: tokenFile, ...options });
      let host = "";
      // Capture the request and stop it before it leaves the machine.
      src.stsClient.middlewareStack.add(
        () => async (args) => {
          host = (args.request as { hostname: string }).hostname;
          throw new Error("captured");
        },
        { step: "finalizeRequest", name: "captureHost" },
      );
      await expect(src(new AbortController().signal)).rejects.toThrow("captured");
      return host;
    };
    // The order: option → AWS_REGION → AWS_DEFAULT_REGION → the profile's region → fallbackRegion.
    const configFile = join(mkdtempSync(join(tmpdir(), "awscreds-profile-")), "config");
    writeFileSync(configFile, "[default]\nregion = sa-east-1\n");
    vi.stubEnv("AWS_CONFIG_FILE", configFile);
    const fallbackRegion = async () => "ca-central-1";
    vi.stubEnv("AWS_REGION", "ap-southeast-2");
    vi.stubEnv("AWS_DEFAULT_REGION", "us-west-1");
    expect(await hostOf({ region: "eu-central-1", fallbackRegion })).toBe("sts.eu-central-1.amazonaws.com");
    expect(await hostOf({ fallbackRegion })).toBe("sts.ap-southeast-2.amazonaws.com");
    vi.stubEnv("AWS_REGION", undefined);
    expect(await hostOf({ fallbackRegion })).toBe("sts.us-west-1.amazonaws.com");
    vi.stubEnv("AWS_DEFAULT_REGION", undefined);
    expect(await hostOf({ fallbackRegion })).toBe("sts.sa-east-1.amazonaws.com");
    vi.stubEnv("AWS_CONFIG_FILE", join(tmpdir(), "no-such-aws-config"));
    expect(await hostOf({ fallbackRegion })).toBe("sts.ca-central-1.amazonaws.com");
  });

  test("no region anywhere: the fetch fails with a ConfigurationError that says what to set, and is not retried quickly", async () => {
    const slot = createCredentialSlot({ source: fromWebIdentity({ roleArn: ROLE_ARN, webIdentityTokenFile: tokenFile, endpoint: aws.url }) });
    slots.push(slot);
    const { error } = await nextEvent(slot, "refreshFailed");
    expect(error.kind).toBe("nonRetryable");
    expect(error.cause).toMatchObject({ name: "ConfigurationError", message: expect.stringMatching(/no region for STS.*set AWS_REGION, a region in your AWS profile, or pass region/) });
    expect(aws.records.stsCalls).toHaveLength(0);
  });

  test("AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_SESSION_NAME are read from the environment", async () => {
    vi.stubEnv("AWS_ROLE_ARN", ROLE_ARN);
    vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile);
    vi.stubEnv("AWS_ROLE_SESSION_NAME", "from-env");
    vi.stubEnv("AWS_REGION", REGION);
    vi.stubEnv("AWS_ENDPOINT_URL_STS", aws.url);
    const slot = createCredentialSlot({ source: fromWebIdentity() });
    slots.push(slot);
    await slot.ready();
    expect(aws.records.stsCalls).toMatchObject([{ roleArn: ROLE_ARN, roleSessionName: "from-env", webIdentityToken: "web-identity-token-1" }]);
  });
});

describe("bad configuration fails at once, naming what to set", () => {
  test.each([
    [{ roleArn: undefined }, /AWS_ROLE_ARN is not set/],
    [{ webIdentityTokenFile: undefined }, /AWS_WEB_IDENTITY_TOKEN_FILE is not set/],
    [{ roleArn: "my-role" }, /'my-role' is not an IAM role ARN/],
    [{ durationSeconds: 60 }, /durationSeconds must be a whole number from 900 to 43200, not 60/],
  ])("%o", (override, message) => {
    const options = { roleArn: ROLE_ARN, webIdentityTokenFile: tokenFile, region: REGION, ...override };
    expect(() => fromWebIdentity(options)).toThrow(ConfigurationError);
    expect(() => fromWebIdentity(options)).toThrow(message);
  });

  test("an unreadable token file is a retryable failure naming the file", async () => {
    const slot = createCredentialSlot({ source: fromWebIdentity({ roleArn: ROLE_ARN, webIdentityTokenFile: join(tmpdir(), "no-such-token"), region: REGION, endpoint: aws.url }) });
    slots.push(slot);
    const { error } = await nextEvent(slot, "refreshFailed");
    expect(error.kind).toBe("retryable");
    expect(error.message).toMatch(/cannot read the web identity token file .*no-such-token \(ENOENT\)/);
    expect(aws.records.stsCalls).toHaveLength(0);
  });
});

describe("every STS fault mode surfaces as the right outcome", () => {
  test.each([
    ["error5xx", "retryable", "ServiceUnavailable"],
    ["throttle", "throttling", "Throttling"],
    ["invalidIdentityToken", "retryable", "InvalidIdentityTokenException"],
    ["expiredIdentityToken", "retryable", "ExpiredTokenException"],
    ["accessDenied", "nonRetryable", "AccessDenied"],
    ["garbage", "retryable", "Error"],
    ["expiredCredentials", "retryable", "InvalidCredentialsError"],
  ] as const)("%s → refreshFailed (%s, cause %s), and no credentials handed out", async (mode: StsMode, kind, causeName) => {
    aws.configure({ sts: { mode } });
    const slot = slotOf({ readTimeout: 50 });
    const { error, attempt } = await nextEvent(slot, "refreshFailed");
    expect(error.kind).toBe(kind);
    expect((error.cause as Error).name).toBe(causeName);
    expect(attempt).toBe(1);
    expect(slot.current()).toBeUndefined();
    await expect(slot.get()).rejects.toMatchObject({ name: "CredentialsUnavailableError" });
  });

  test("hang → the attempt times out (fetchTimeout) and is retried", async () => {
    aws.configure({ sts: { mode: "hang" } });
    const slot = slotOf({ fetchTimeout: 100 });
    const { error } = await nextEvent(slot, "refreshFailed");
    expect(error.kind).toBe("retryable");
    expect(aws.hungRequests).toBeLessThanOrEqual(1);
  });

  test("attemptTimeout ends a hung STS call itself, with a TimeoutError and no warning on stderr", async () => {
    aws.configure({ sts: { mode: "hang" } });
    const warn = vi.spyOn(console, "warn");
    const slot = createCredentialSlot({ source: source({ attemptTimeout: 200 }), fetchTimeout: 60_000 });
    slots.push(slot);
    const { error } = await nextEvent(slot, "refreshFailed");
    expect(error.kind).toBe("retryable");
    expect(error.cause).toMatchObject({ name: "TimeoutError", message: expect.stringMatching(/200 ms requestTimeout/) });
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  test("noExpiration → accepted, and refreshed on the no-expiration period rather than kept forever", async () => {
    aws.configure({ sts: { mode: "noExpiration" } });
    const slot = slotOf();
    const refreshed = await nextEvent(slot, "refreshed");
    expect(refreshed.expiration).toBeUndefined();
    expect(refreshed.nextRefreshAt.getTime() - Date.now()).toBeLessThanOrEqual(3600_000);
  });
});

describe("STS hanging during a refresh", () => {
  test("reads keep returning the valid credentials while the refresh is stuck on STS", async () => {
    const slot = slotOf();
    await slot.ready();
    const before = slot.current();
    aws.configure({ sts: { mode: "hang" } });
    slot.invalidate(before?.accessKeyId ?? "");
    await expect.poll(() => aws.hungRequests).toBe(1);

    const ddb = new DynamoDBClient({ region: REGION, endpoint: aws.url, credentials: slot.provider });
    for (let i = 0; i < 50; i++) {
      expect(slot.current()).toBe(before);
      await expect(slot.get()).resolves.toBe(before);
    }
    const results = await Promise.all(Array.from({ length: 50 }, () => ddb.send(new ListTablesCommand({}))));
    expect(results).toHaveLength(50);
    expect(aws.hungRequests).toBe(1); // every read and request completed while STS still hung
    expect(slot.stats().inFlight).toBe(true);

    aws.configure({ sts: { mode: "ok" } });
    const refreshed = nextEvent(slot, "refreshed");
    aws.releaseHungRequests();
    expect((await refreshed).accessKeyId).not.toBe(before?.accessKeyId);
  });
});

describe("secrets stay out of everything observable", () => {
  test("JSON.stringify(slot), stats(), events, errors and log lines never hold a secret", async () => {
    const lines: string[] = [];
    const log = (...args: unknown[]) => lines.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    const logger = { debug: log, info: log, warn: log, error: log };
    const events: unknown[] = [];
    const slot = slotOf({ logger, onEvent: (e) => events.push(e) });
    await slot.ready();
    aws.configure({ sts: { mode: "accessDenied" } });
    const failed = nextEvent(slot, "refreshFailed");
    slot.invalidate(slot.current()?.accessKeyId ?? "");
    const { error } = await failed;
    const credentials = slot.current();
    const secrets = [credentials?.secretAccessKey, credentials?.sessionToken, "web-identity-token-1"] as string[];
    const observable = [JSON.stringify(slot), JSON.stringify(slot.stats()), JSON.stringify(events), lines.join("\n"), String(error), error.stack ?? "", JSON.stringify(error)].join("\n");
    expect(lines.length).toBeGreaterThan(0);
    expect(observable).toContain(credentials?.accessKeyId);
    for (const secret of secrets) expect(observable).not.toContain(secret);
  });
});

describe("lifecycle", () => {
  test("closing the slot destroys the source's STS client", async () => {
    const src = source();
    let destroyed = 0;
    const destroy = src.stsClient.destroy.bind(src.stsClient);
    src.stsClient.destroy = () => {
      destroyed++;
      destroy();
    };
    const slot = createCredentialSlot({ source: src });
    await slot.ready();
    await slot.close();
    expect(destroyed).toBe(1);
  });
});
