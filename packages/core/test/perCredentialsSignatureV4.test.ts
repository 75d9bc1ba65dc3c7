import { Sha256 } from "@smithy/core/checksum";
import { HttpRequest } from "@smithy/core/protocols";
import { SignatureV4 } from "@smithy/signature-v4";
import { inspect } from "node:util";
import { describe, expect, test } from "vitest";
import { PerCredentialsSignatureV4 } from "../src/plugin/perCredentialsSignatureV4.js";
import { countingSha256 } from "./helpers/countingSha256.js";

// The signer the plugin builds once per slot credentials must sign byte for byte as SignatureV4
// does, whatever the date, region or service, and only skip work that depends on nothing else.

const CREDENTIALS = { accessKeyId: "ASIAPERCREDENTIALS01", secretAccessKey: "per-credentials-secret", sessionToken: "per-credentials-token" };
const OTHER = { accessKeyId: "ASIAOTHERCREDENTIALS", secretAccessKey: "other-secret", sessionToken: "other-token" };
const init = { region: "eu-west-1", service: "dynamodb", sha256: Sha256 };

const request = () =>
  new HttpRequest({
    method: "POST",
    protocol: "https:",
    hostname: "dynamodb.eu-west-1.amazonaws.com",
    path: "/",
    headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.GetItem", host: "dynamodb.eu-west-1.amazonaws.com" },
    body: '{"TableName":"orders","Key":{"pk":{"S":"order#1"}}}',
  });

const DATES = [new Date("2026-03-01T23:59:59.400Z"), new Date("2026-03-01T23:59:59.900Z"), new Date("2026-03-02T00:00:00.100Z"), new Date("2026-03-02T08:15:00Z")];
const SCOPES = [
  { signingRegion: undefined, signingService: undefined },
  { signingRegion: "us-east-1", signingService: undefined },
  { signingRegion: "eu-west-1", signingService: "execute-api" },
];

describe("PerCredentialsSignatureV4", () => {
  test("signs every request exactly as SignatureV4 does, across seconds, days, regions and services, in any order", async () => {
    const reference = new SignatureV4({ ...init, credentials: CREDENTIALS });
    const signer = new PerCredentialsSignatureV4({ ...init, credentials: CREDENTIALS });
    const cases = DATES.flatMap((signingDate) => SCOPES.map((scope) => ({ signingDate, ...scope })));
    for (const options of [...cases, ...[...cases].reverse()]) {
      const [expected, actual] = await Promise.all([reference.sign(request(), options), signer.sign(request(), options)]);
      expect(actual.headers).toEqual(expected.headers);
    }
  });

  test("presigns as SignatureV4 does", async () => {
    const options = { signingDate: DATES[0], expiresIn: 300 };
    const expected = await new SignatureV4({ ...init, credentials: CREDENTIALS }).presign(request(), options);
    const actual = await new PerCredentialsSignatureV4({ ...init, credentials: CREDENTIALS }).presign(request(), options);
    expect(actual.query).toEqual(expected.query);
  });

  test("other credentials (an event stream's) are signed with those, as SignatureV4 would", async () => {
    const signer = new PerCredentialsSignatureV4({ ...init, credentials: CREDENTIALS });
    const options = { signingDate: DATES[3], eventStreamCredentials: OTHER };
    await signer.sign(request(), { signingDate: DATES[3] }); // its own key, derived and kept
    const expected = await new SignatureV4({ ...init, credentials: CREDENTIALS }).sign("string to sign", options);
    expect(await signer.sign("string to sign", options)).toBe(expected);
    expect(await signer.sign("string to sign", { signingDate: DATES[3] })).not.toBe(expected);
  });

  test("derives its signing key once per day, region and service: one HMAC per later signature, where SignatureV4 spends two", async () => {
    const perCredentials: string[] = [];
    const reference: string[] = [];
    const signer = new PerCredentialsSignatureV4({ ...init, credentials: CREDENTIALS, sha256: countingSha256(perCredentials) });
    const plain = new SignatureV4({ ...init, credentials: CREDENTIALS, sha256: countingSha256(reference) });
    await signer.sign(request(), { signingDate: DATES[0] });
    await plain.sign(request(), { signingDate: DATES[0] });
    perCredentials.length = 0;
    reference.length = 0;
    for (let i = 0; i < 5; i++) {
      await signer.sign(request(), { signingDate: DATES[1] });
      await plain.sign(request(), { signingDate: DATES[1] });
    }
    const hmacs = (uses: string[]) => uses.filter((use) => use === "hmac").length;
    expect(hmacs(perCredentials)).toBe(5);
    expect(hmacs(reference)).toBe(10);
  });

  test("inspecting it shows no secret", () => {
    const shown = inspect(new PerCredentialsSignatureV4({ ...init, credentials: CREDENTIALS }), { showHidden: true, depth: 5 });
    expect(shown).not.toContain(CREDENTIALS.secretAccessKey);
    expect(shown).not.toContain(CREDENTIALS.sessionToken);
  });
});
