import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { awsCredsPlugin, createCredentialSlot, fromWebIdentity, type CredentialSlot } from "@awscreds/core";
import { startEmulator, type Emulator } from "@awscreds/emulator";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { countingSha256 } from "./helpers/countingSha256.js";

// A client on the SDK's default signer signs with one SignatureV4 per slot credentials; any
// other signer stays the client's. Real clients against the emulator, which verifies signatures.

const REGION = "eu-west-1";
let aws: Emulator;
let slot: CredentialSlot;

beforeEach(async () => {
  aws = await startEmulator({ dynamodb: { tables: [{ name: "orders" }] }, s3: { buckets: ["media"] } });
  const tokenFile = join(mkdtempSync(join(tmpdir(), "awscreds-slot-signer-")), "token");
  writeFileSync(tokenFile, "slot-signer-token");
  slot = createCredentialSlot({ source: fromWebIdentity({ roleArn: "arn:aws:iam::123456789012:role/orders", webIdentityTokenFile: tokenFile, region: REGION, endpoint: aws.url }) });
  await slot.ready();
});
afterEach(async () => {
  await slot.close();
  await aws.close();
});

const hmacs = (uses: string[]) => uses.filter((use) => use === "hmac").length;
const slotKey = () => slot.current()?.accessKeyId;

async function rotate(): Promise<void> {
  const refreshed = new Promise<void>((resolve) => {
    const listener = () => {
      slot.off("refreshed", listener);
      resolve();
    };
    slot.on("refreshed", listener);
  });
  slot.invalidate(slotKey() ?? "");
  await refreshed;
}

describe("one SignatureV4 per slot credentials", () => {
  test("once warm, a request hashes the access key no more: one HMAC per request, where the stock client spends two", async () => {
    const withPlugin: string[] = [];
    const stockUses: string[] = [];
    const attached = new DynamoDBClient({ region: REGION, endpoint: aws.url, sha256: countingSha256(withPlugin) });
    attached.middlewareStack.use(awsCredsPlugin(attached.config, { slot }));
    const stock = new DynamoDBClient({ region: REGION, endpoint: aws.url, credentials: aws.issueCredentials(), sha256: countingSha256(stockUses) });
    // The first signature is the SDK's own (it tells whether config.signer is the default), the second derives the key.
    for (let i = 0; i < 2; i++) for (const client of [attached, stock]) await client.send(new ListTablesCommand({}));
    withPlugin.length = 0;
    stockUses.length = 0;

    for (let i = 0; i < 4; i++) for (const client of [attached, stock]) await client.send(new ListTablesCommand({}));

    expect(hmacs(withPlugin)).toBe(4);
    expect(hmacs(stockUses)).toBe(8);
    expect(aws.records.requests.every((r) => r.signatureValid && r.status === 200)).toBe(true);
  });

  test("when the slot rotates, the next request signs with the new key, and the key after that is derived again once", async () => {
    const uses: string[] = [];
    const client = new DynamoDBClient({ region: REGION, endpoint: aws.url, sha256: countingSha256(uses) });
    client.middlewareStack.use(awsCredsPlugin(client.config, { slot }));
    await client.send(new ListTablesCommand({}));
    const before = slotKey();
    await rotate();
    uses.length = 0;

    await client.send(new ListTablesCommand({}));
    await client.send(new ListTablesCommand({}));

    expect(aws.records.requests.map((r) => r.accessKeyId)).toEqual([before, slotKey(), slotKey()]);
    expect(slotKey()).not.toBe(before);
    // The new key's derivation (4 HMACs, plus the one SignatureV4 hashes the key with), then one per signature.
    expect(hmacs(uses)).toBe(5 + 1 + 1);
    expect(aws.records.requests.every((r) => r.signatureValid)).toBe(true);
  });

  test("a signer function of the client's own is called for every signature, and signs with its own keys", async () => {
    const own = aws.issueCredentials();
    let calls = 0;
    const signer = async () => {
      calls++;
      return new SignatureV4({ credentials: own, region: REGION, service: "dynamodb", sha256: countingSha256([]) });
    };
    const client = new DynamoDBClient({ region: REGION, endpoint: aws.url, signer });
    client.middlewareStack.use(awsCredsPlugin(client.config, { slot }));
    for (let i = 0; i < 3; i++) await client.send(new ListTablesCommand({}));
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(aws.records.requests.map((r) => [r.accessKeyId, r.signatureValid])).toEqual(Array.from({ length: 3 }, () => [own.accessKeyId, true]));
  });

  test("a client with a signerConstructor (S3's multi-region signer) keeps the SDK's signer", async () => {
    const client = new S3Client({ region: REGION, endpoint: aws.url, forcePathStyle: true });
    client.middlewareStack.use(awsCredsPlugin(client.config, { slot }));
    for (let i = 0; i < 2; i++) await client.send(new ListBucketsCommand({}));
    const signer = await client.config.signer();
    expect(signer.constructor.name).toBe("SignatureV4MultiRegion");
    expect(aws.records.requests.map((r) => [r.accessKeyId, r.signatureValid])).toEqual([
      [slotKey(), true],
      [slotKey(), true],
    ]);
  });

  test("credentials assigned to the client afterwards are signed with, through the SDK's signer", async () => {
    const client = new DynamoDBClient({ region: REGION, endpoint: aws.url });
    client.middlewareStack.use(awsCredsPlugin(client.config, { slot }));
    await client.send(new ListTablesCommand({}));
    const later = aws.issueCredentials();
    client.config.credentials = async () => later;
    await client.send(new ListTablesCommand({}));
    expect(aws.records.requests.map((r) => r.accessKeyId)).toEqual([slotKey(), later.accessKeyId]);
    expect(aws.records.requests.every((r) => r.signatureValid)).toBe(true);
  });
});
