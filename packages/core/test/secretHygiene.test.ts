/**
 * Secret hygiene: every path of our packages that logs, throws, emits an event, traces or
 * serialises is driven with real secrets (keys STS issued, a session token, a web identity
 * token), and everything it produced is scanned for them. `util.inspect` with `showHidden` and
 * depth, error `cause` chains and `toJSON`/`JSON.stringify` are what a user's logger does.
 */
import { execFile } from "node:child_process";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { inspect, promisify } from "node:util";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AwsCredsError, awsCredsPlugin, createCredentialSlot, fromEnvironmentKeys, fromWebIdentity } from "@awscreds/core";
import type { CredentialSlot, CredentialSlotOptions } from "@awscreds/core";
import { startEmulator, type Emulator } from "@awscreds/emulator";
import { SAMPLE_CHANNEL, signTrace } from "@awscreds/sign-trace";

const WEB_IDENTITY_TOKEN = "eyJhbGciOiJSUzI1NiJ9.SECRET-WEB-IDENTITY-TOKEN-7f3a9c.c2lnbmF0dXJl";
const ENV_SECRET_KEY = "SECRET-ENV-ACCESS-KEY-0123456789abcdefghij";
const ENV_SESSION_TOKEN = "SECRET-ENV-SESSION-TOKEN-9d8c7b6a5f4e3d2c1b0a";
const REGION = "eu-west-1";
const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));

/** Everything our packages produced, as text: log lines, events, errors, stats, samples, output. */
const produced: string[] = [];
/** Secrets handed out during the run, besides the fixed ones above. */
const secrets = new Set<string>([WEB_IDENTITY_TOKEN, ENV_SECRET_KEY, ENV_SESSION_TOKEN]);

/** What a logger or a debugger would print of `value`: inspect with hidden fields, and JSON. */
function capture(value: unknown): void {
  produced.push(inspect(value, { showHidden: true, depth: 8, getters: true }));
  try {
    produced.push(JSON.stringify(value) ?? "");
  } catch (error) {
    produced.push(`JSON.stringify threw ${(error as Error).message}`);
  }
  if (value instanceof Error) {
    for (let cause: unknown = value.cause, depth = 0; cause !== undefined && depth < 8; cause = (cause as Error).cause, depth++) capture(cause);
    const toJSON = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof toJSON === "function") produced.push(JSON.stringify(toJSON.call(value)));
    produced.push(String(value), value.stack ?? "");
  }
}

const logger = {
  debug: (...args: unknown[]) => args.forEach(capture),
  info: (...args: unknown[]) => args.forEach(capture),
  warn: (...args: unknown[]) => args.forEach(capture),
  error: (...args: unknown[]) => args.forEach(capture),
};

let emulator: Emulator;
let directory: string;
let tokenFile: string;
const slots: CredentialSlot[] = [];

function slotOn(options: Partial<CredentialSlotOptions> = {}): CredentialSlot {
  const slot = createCredentialSlot({
    source: fromWebIdentity({ roleArn: "arn:aws:iam::123456789012:role/hygiene", webIdentityTokenFile: tokenFile, region: REGION, endpoint: emulator.url }),
    logger,
    onEvent: capture,
    name: "hygiene",
    ...options,
  });
  slots.push(slot);
  return slot;
}

/** Reads the slot's credentials and remembers their secrets for the scan. */
function remember(slot: CredentialSlot): void {
  if (slot.stats().closed) return;
  const credentials = slot.current();
  if (credentials?.secretAccessKey) secrets.add(credentials.secretAccessKey);
  if (credentials?.sessionToken) secrets.add(credentials.sessionToken);
}

/** Waits for `promise` and captures its error, if any; a success is credentials or an SDK answer, not ours to scan. */
const settle = async <T>(promise: Promise<T>): Promise<void> => {
  await promise.then(() => undefined, capture);
};

/**
 * What `client.send` rejected with. Our errors (and what they wrap) are scanned whole. An SDK
 * service error is the SDK's own object: its non-enumerable `$response` holds the socket, whose
 * request header has `x-amz-security-token`, so `inspect(error, { showHidden: true })` prints
 * the session token with or without awscreds. Of those we scan what we may have touched: the
 * message (the ExpiredToken recovery annotates it), the name, and the enumerable fields.
 */
const settleRequest = async <T>(promise: Promise<T>): Promise<void> => {
  await promise.then(
    () => undefined,
    (error: unknown) => {
      if (error instanceof AwsCredsError || !(error instanceof Error)) return capture(error);
      produced.push(error.name, error.message, JSON.stringify(error), inspect(error, { depth: 8 }));
    },
  );
};

beforeAll(async () => {
  emulator = await startEmulator({ dynamodb: { tables: [{ name: "orders" }] }, s3: { buckets: ["invoices"] } });
  directory = mkdtempSync(join(tmpdir(), "awscreds-hygiene-"));
  tokenFile = join(directory, "token");
  writeFileSync(tokenFile, WEB_IDENTITY_TOKEN);
});

afterAll(async () => {
  await Promise.all(slots.map((slot) => slot.close()));
  await emulator.close();
  rmSync(directory, { recursive: true, force: true });
});

describe("secret hygiene", () => {
  test("a slot's logs, events, stats and errors, through success, every STS failure, expiry and close", async () => {
    const slot = slotOn();
    await slot.ready();
    remember(slot);
    capture(slot.stats());
    capture(slot);

    // Every way STS can fail a refresh, each seen by events, logs and the errors readers get.
    for (const mode of ["error5xx", "throttle", "invalidIdentityToken", "expiredIdentityToken", "accessDenied", "garbage", "expiredCredentials", "noExpiration"] as const) {
      emulator.injectStsFaults(mode, 1);
      const failing = slotOn({ failFast: true, startupTimeout: 2_000, fetchTimeout: 1_000 });
      await settle(failing.ready());
      await settle(failing.get({ timeout: 0 }));
      remember(failing);
      capture(failing.stats());
      await failing.close();
      await settle(failing.get());
    }
    // A hung STS: the attempt times out.
    emulator.injectStsFaults("hang", 1);
    const hung = slotOn({ failFast: true, startupTimeout: 1_500, fetchTimeout: 500 });
    await settle(hung.ready());
    emulator.releaseHungRequests();

    // Expiry and revocation: the slot's key is invalidated and replaced.
    const key = slot.current()!.accessKeyId;
    slot.invalidate(key);
    await settle(slot.get({ replacing: key, timeout: 5_000 }));
    remember(slot);
    capture(slot.stats());
  });

  test("requests through the plugin: SDK errors, ExpiredToken recovery, a stream that cannot be resent, sign-trace samples", async () => {
    const slot = slotOn();
    await slot.ready();
    remember(slot);
    const samplesOnChannel = (message: unknown) => capture(message);
    subscribe(SAMPLE_CHANNEL, samplesOnChannel);
    try {
      const trace = signTrace({ onSample: capture });
      const dynamodb = new DynamoDBClient({ region: REGION, endpoint: emulator.url, maxAttempts: 1 });
      dynamodb.middlewareStack.use(awsCredsPlugin(dynamodb.config, { slot }));
      dynamodb.middlewareStack.use(trace);
      const s3 = new S3Client({ region: REGION, endpoint: emulator.url, forcePathStyle: true, maxAttempts: 1 });
      s3.middlewareStack.use(awsCredsPlugin(s3.config, { slot }));
      s3.middlewareStack.use(trace);

      await settleRequest(dynamodb.send(new ListTablesCommand({})));
      emulator.injectServiceFaults("ExpiredToken", 1, "dynamodb"); // recovered by the plugin
      await settleRequest(dynamodb.send(new ListTablesCommand({})));
      remember(slot);
      emulator.injectServiceFaults("ExpiredToken", 1, "s3"); // a stream body is not resent: annotated error
      await settleRequest(s3.send(new PutObjectCommand({ Bucket: "invoices", Key: "k", Body: Readable.from(["a stream"]), ContentLength: 8 })));
      remember(slot);
      emulator.injectServiceFaults("InternalError", 1);
      await settleRequest(dynamodb.send(new ListTablesCommand({})));
      capture(trace.snapshot());

      await slot.close(); // requests now fail with SlotClosedError
      await settleRequest(dynamodb.send(new ListTablesCommand({})));
      dynamodb.destroy();
      s3.destroy();
    } finally {
      unsubscribe(SAMPLE_CHANNEL, samplesOnChannel);
    }
  });

  test("environment keys: a source error names the variable, never its value", async () => {
    const env = { AWS_ACCESS_KEY_ID: "AKIAHYGIENE", AWS_SECRET_ACCESS_KEY: ENV_SECRET_KEY, AWS_SESSION_TOKEN: ENV_SESSION_TOKEN };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const slot = createCredentialSlot({ source: fromEnvironmentKeys(), logger, onEvent: capture });
      slots.push(slot);
      await slot.ready();
      capture(slot.stats());
      delete process.env.AWS_SECRET_ACCESS_KEY; // half-set keys: the next fetch fails
      slot.invalidate("AKIAHYGIENE");
      await settle(slot.get({ replacing: "AKIAHYGIENE", timeout: 500 }));
      capture(slot.stats());
    } finally {
      process.env = saved;
    }
  });

  test("awscreds doctor, text and --json, on IRSA and on environment keys", async () => {
    const run = promisify(execFile);
    const base = { PATH: process.env.PATH, AWS_EC2_METADATA_DISABLED: "true", AWS_CONFIG_FILE: "/nonexistent/c", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/s" };
    const irsa = { ...base, AWS_REGION: REGION, AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/hygiene", AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ENDPOINT_URL_STS: emulator.url };
    const keys = { ...base, AWS_ACCESS_KEY_ID: "AKIAHYGIENE", AWS_SECRET_ACCESS_KEY: ENV_SECRET_KEY, AWS_SESSION_TOKEN: ENV_SESSION_TOKEN };
    for (const env of [irsa, keys]) {
      for (const args of [["doctor"], ["doctor", "--json"]]) {
        const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", CLI, ...args], { env }).catch((error: { stdout: string; stderr: string }) => error);
        expect(stdout.length).toBeGreaterThan(100); // it did report
        produced.push(stdout, stderr);
      }
    }
  }, 60_000);

  test("nothing produced holds a secret, whole or in part", () => {
    expect(secrets.size).toBeGreaterThan(6); // keys were issued and remembered, so the scan means something
    expect(produced.length).toBeGreaterThan(100);
    const text = produced.join("\n");
    const leaks = findLeaks(text, secrets);
    if (leaks.length > 0) console.warn(contexts(text, secrets).join("\n---\n"));
    expect(leaks).toEqual([]);
  });

  test("the scan finds a secret when one is there, whole or in part (it can fail)", () => {
    const secret = [...secrets].find((value) => value.length >= 40)!;
    expect(findLeaks(`x ${secret} y`, [secret])).toHaveLength(1);
    expect(findLeaks(`secretAccessKey=${secret.slice(0, 34)}…`, [secret])).toHaveLength(1);
    expect(findLeaks(`…${secret.slice(-18)}`, [secret])).toHaveLength(1);
    expect(findLeaks(`${secret.slice(0, 12)}…`, [secret])).toHaveLength(0);
  });
});

/**
 * Which secrets appear in `text`: whole, or 16 of their characters from the end or from the middle
 * (a truncated log field). Not from the start: STS session tokens all begin alike (`IQoJb3JpZ2luX2Vj`).
 */
function findLeaks(text: string, candidates: Iterable<string>): string[] {
  return [...candidates].flatMap((secret) => (probesOf(secret).some((probe) => text.includes(probe)) ? [`${secret.slice(0, 6)}…`] : []));
}

function probesOf(secret: string): string[] {
  return [secret, secret.slice(-16), secret.slice(16, 32)];
}

function contexts(text: string, candidates: Iterable<string>): string[] {
  return [...candidates].flatMap((secret) =>
    probesOf(secret).flatMap((probe) => {
      const at = text.indexOf(probe);
      return at < 0 ? [] : [`${probe}: ${text.slice(Math.max(0, at - 300), at + 100)}`];
    }),
  );
}
