import { HttpRequest } from "@smithy/core/protocols";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@smithy/core/checksum";
import { describe, expect, test } from "vitest";
import { parseQuery, type IncomingRequest } from "../src/incomingRequest.js";
import { KeyStore } from "../src/keyStore.js";
import { canonicalUri } from "../src/sigv4/canonicalRequest.js";
import { verifySigV4 } from "../src/sigv4/verifySigV4.js";

// Cross-checks the emulator's hand-written verifier against the SDK's signer on requests the
// SDK clients in the other tests never produce: odd paths, repeated query keys, folded headers.

const keys = new KeyStore();
const key = keys.addStatic({ accessKeyId: "AKIDCROSSCHECK", secretAccessKey: "cross/check/secret" }, "123456789012");
const signingDate = new Date("2026-11-24T02:00:00Z");

async function signedIncoming(service: string, path: string, query: Record<string, string | string[]>, headers: Record<string, string>, body: string): Promise<IncomingRequest> {
  const signer = new SignatureV4({ credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey }, region: "eu-west-1", service, sha256: Sha256, uriEscapePath: service !== "s3" });
  const request = new HttpRequest({ method: "POST", hostname: "127.0.0.1", port: 4566, path, query, headers: { host: "127.0.0.1:4566", ...headers }, body });
  const signed = await signer.sign(request, { signingDate });
  const rawQuery = Object.entries(signed.query ?? {})
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((value) => `${encodeURIComponent(k)}=${encodeURIComponent(String(value))}`))
    .join("&");
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) lower[name.toLowerCase()] = value;
  return { method: "POST", rawPath: signed.path /* what goes on the wire */, rawQuery, query: parseQuery(rawQuery), headers: lower, body: Buffer.from(body) };
}

const cases = [
  ["dynamodb", "/", {}, {}],
  ["dynamodb", "/a%20b/./c/../d", { b: "2", a: "1" }, { "x-amz-meta": "  padded   value  " }],
  ["sts", "/path/with(parens)!/", { list: ["z", "a"], "with space": "v w" }, {}],
  ["s3", "/bucket/key%20with%20spaces/%28x%29", { "list-type": "2", prefix: "a/b" }, { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }],
] as const;

describe("the emulator's verifier agrees with @smithy/signature-v4", () => {
  test.each(cases)("%s %s", async (service, path, query, headers) => {
    const request = await signedIncoming(service, path, query as Record<string, string>, headers as Record<string, string>, "payload");
    const now = signingDate.getTime();
    const outcome = verifySigV4(request, { service, keys, now });
    expect(outcome.error?.message).toBeUndefined();
    expect(outcome.signatureValid).toBe(true);
    const altered = { ...request, headers: { ...request.headers, host: "127.0.0.1:4567" } };
    expect(verifySigV4(altered, { service, keys, now })).toMatchObject({ signatureValid: false, error: { code: expect.stringMatching(/Signature/) } });
  });
});

describe("canonical URI", () => {
  test("S3 keeps the path as sent; other services normalize and encode it again", () => {
    expect(canonicalUri("/b/a%20b/../c", "s3")).toBe("/b/a%20b/../c");
    expect(canonicalUri("/b/a%20b/../c", "dynamodb")).toBe("/b/c");
    expect(canonicalUri("/x/a%20b//", "sts")).toBe("/x/a%2520b/");
  });
});
