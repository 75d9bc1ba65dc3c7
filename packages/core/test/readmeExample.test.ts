import { closeDefaultSlot } from "@awscreds/core";
import { startEmulator } from "@awscreds/emulator";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test, vi } from "vitest";

const example = readFileSync(new URL("../examples/quickStart.ts", import.meta.url), "utf8");
const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");

afterEach(async () => {
  await closeDefaultSlot();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

test("the README's first example is examples/quickStart.ts, verbatim", () => {
  const firstTsBlock = /```ts[^\n]*\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(firstTsBlock).toBe(example);
});

test("the README's first example runs: with only the IRSA environment, the request is signed from the slot", async () => {
  await using aws = await startEmulator({ dynamodb: { tables: [{ name: "orders" }] } });
  const tokenFile = join(mkdtempSync(join(tmpdir(), "awscreds-readme-")), "token");
  writeFileSync(tokenFile, "readme-token");
  vi.stubEnv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/orders-service");
  vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile);
  vi.stubEnv("AWS_REGION", "eu-west-1");
  vi.stubEnv("AWS_ENDPOINT_URL", aws.url); // every service, STS included, goes to the emulator
  const printed: unknown[] = [];
  vi.spyOn(console, "log").mockImplementation((value: unknown) => void printed.push(value));

  await import("../examples/quickStart.js");

  expect(printed).toEqual([["orders"]]);
  expect(aws.records.credentialCalls()).toHaveLength(1);
  expect(aws.records.requests).toMatchObject([{ operation: "ListTables", signatureValid: true, accessKeyId: aws.records.stsCalls[0]?.accessKeyId }]);
});
