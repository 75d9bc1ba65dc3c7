import { HttpRequest } from "@smithy/core/protocols";
import { SMITHY_CONTEXT_KEY, type HttpSigner, type Identity } from "@smithy/types";
import { createCredentialSlot, type CredentialSlot } from "@awscreds/core";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { SlotSigV4Signer } from "../src/slotSigner.js";
import { slotSigningMiddleware } from "../src/slotSigningMiddleware.js";

// Unit tests of the scheme dispatch, in addition to the real-client tests in awsCredsPlugin.test.ts:
// schemes the emulator cannot produce (SigV4a, S3 Express, bearer) must reach the SDK's own signer.

let slot: CredentialSlot;
beforeEach(async () => {
  slot = createCredentialSlot({ source: async () => ({ accessKeyId: "ASIASLOT", secretAccessKey: "slot-secret", sessionToken: "slot-token", expiration: new Date(Date.now() + 3600_000) }) });
  await slot.ready();
});
afterEach(() => slot.close());

function recordingSigner(label: string, calls: string[]): HttpSigner {
  return {
    async sign(request: HttpRequest) {
      calls.push(label);
      return request;
    },
  } as HttpSigner;
}

async function run(schemeId: string, sdkSigner: HttpSigner, extraContext: Record<string, unknown> = {}, config: object = {}) {
  const next = async (args: { request: unknown }) => ({ output: {}, response: { statusCode: 200, headers: {} }, request: args.request });
  const context = {
    [SMITHY_CONTEXT_KEY]: { selectedHttpAuthScheme: { httpAuthOption: { schemeId, signingProperties: {} }, identity: { token: "bearer" } as Identity, signer: sdkSigner } },
    ...extraContext,
  };
  const handler = slotSigningMiddleware(config, new SlotSigV4Signer(slot))(next as never, context as never);
  const request = new HttpRequest({ method: "GET", hostname: "example.com", path: "/", headers: { host: "example.com" } });
  return handler({ input: {}, request } as never);
}

describe("which signer signs", () => {
  test.each(["aws.auth#sigv4a", "smithy.api#httpBearerAuth", "smithy.api#noAuth"])("%s goes to the SDK's own signer", async (schemeId) => {
    const calls: string[] = [];
    await run(schemeId, recordingSigner("sdk", calls));
    expect(calls).toEqual(["sdk"]);
  });

  test("an S3 Express session identity is signed by the client's own signWithCredentials", async () => {
    const calls: string[] = [];
    const config = { signer: async () => ({ signWithCredentials: async (request: HttpRequest, identity: Identity) => (calls.push(`express:${(identity as { accessKeyId: string }).accessKeyId}`), request) }) };
    await run("aws.auth#sigv4", recordingSigner("sdk", calls), { s3ExpressIdentity: { accessKeyId: "EXPRESS" } }, config);
    expect(calls).toEqual(["express:EXPRESS"]);
  });

  test("a non-HTTP request passes through untouched", async () => {
    const raw = { not: "http" };
    let passed: unknown;
    const next = async (args: { request: unknown }) => ((passed = args.request), { output: {}, response: {} });
    const handler = slotSigningMiddleware({}, new SlotSigV4Signer(slot))(next as never, {} as never);
    await handler({ input: {}, request: raw } as never);
    expect(passed).toBe(raw);
  });

  test("no selected auth scheme is an error that says so", async () => {
    const handler = slotSigningMiddleware({}, new SlotSigV4Signer(slot))((async () => ({ output: {}, response: {} })) as never, {} as never);
    const request = new HttpRequest({ method: "GET", hostname: "example.com", path: "/" });
    await expect(handler({ input: {}, request } as never)).rejects.toThrow(/No HttpAuthScheme was selected/);
  });
});
