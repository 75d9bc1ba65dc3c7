import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ConfigurationError, createCredentialSlot, fromContainer, type CredentialSlot } from "@awscreds/core";
import { startEmulator, type Emulator } from "@awscreds/emulator";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { nextEvent } from "./helpers/nextEvent.js";

// The container source (EKS Pod Identity agent, ECS) against the emulator's agent endpoint.

let aws: Emulator;
let tokenFile: string;
const slots: CredentialSlot[] = [];

beforeEach(async () => {
  aws = await startEmulator({ dynamodb: { tables: [{ name: "orders" }] }, container: { expectedAuthorizationToken: "pod-token-1" } });
  tokenFile = join(mkdtempSync(join(tmpdir(), "awscreds-container-")), "token");
  writeFileSync(tokenFile, "pod-token-1");
  for (const name of ["AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]) vi.stubEnv(name, undefined);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(slots.splice(0).map((slot) => slot.close()));
  await aws.close();
});

function podIdentitySlot(options: Partial<Parameters<typeof createCredentialSlot>[0]> = {}, attemptTimeout = 2_000): CredentialSlot {
  const slot = createCredentialSlot({ source: fromContainer({ fullUri: `${aws.url}/v1/credentials`, authorizationTokenFile: tokenFile, attemptTimeout }), ...options });
  slots.push(slot);
  return slot;
}

describe("fromContainer", () => {
  test("Pod Identity: credentials from the agent, accepted by a signed service, warm ahead of the agent's expiry", async () => {
    const slot = podIdentitySlot();
    await slot.ready();
    const { expiresAt, nextRefreshAt, accessKeyId } = slot.stats();
    expect(nextRefreshAt).toBeLessThanOrEqual((expiresAt ?? 0) - 10 * 60_000); // refreshed at least 10 min before the agent's expiry
    expect(nextRefreshAt).toBeGreaterThanOrEqual((expiresAt ?? 0) - 25 * 60_000); // jittered over 15 min
    await new DynamoDBClient({ region: "eu-west-1", endpoint: aws.url, credentials: slot.provider }).send(new ListTablesCommand({}));
    expect(aws.records.requests).toMatchObject([{ accessKeyId, signatureValid: true, status: 200 }]);
    expect(aws.records.containerCalls).toMatchObject([{ path: "/v1/credentials", authorization: "pod-token-1", outcome: "ok" }]);
    expect(slot.stats().source).toBe(`container credentials from ${aws.url}/v1/credentials`);
  });

  test("the token file is re-read on every fetch: a rotated token is what the agent gets next", async () => {
    const slot = podIdentitySlot();
    await slot.ready();
    writeFileSync(tokenFile, "pod-token-2");
    aws.configure({ container: { expectedAuthorizationToken: "pod-token-2" } });
    const refreshed = nextEvent(slot, "refreshed");
    slot.invalidate(slot.current()?.accessKeyId ?? "");
    await refreshed;
    expect(aws.records.containerCalls.map((c) => c.authorization)).toEqual(["pod-token-1", "pod-token-2"]);
  });

  test.each([
    { mode: "error5xx", kind: "retryable", message: /status: 500/ },
    { mode: "noExpiration", kind: "retryable", message: /Expiration: string/ },
    { mode: "garbage", kind: "retryable", message: /JSON|Unexpected/ },
  ] as const)("the agent answers $mode: a failed fetch ($kind), old credentials kept, then recovery", async ({ mode, kind, message }) => {
    const slot = podIdentitySlot();
    await slot.ready();
    const held = slot.current();
    aws.injectContainerFaults(mode, 1);
    const failed = nextEvent(slot, "refreshFailed");
    slot.invalidate(held?.accessKeyId ?? "");
    const { error } = await failed;
    expect(error.kind).toBe(kind);
    expect((error.cause as Error).message).toMatch(message);
    expect(slot.current()).toBe(held);
    const refreshed = await nextEvent(slot, "refreshed");
    expect(refreshed.accessKeyId).not.toBe(held?.accessKeyId);
  });

  test("the agent refuses the pod (403 AccessDeniedException): non-retryable, reported with the agent's code, retried at most once a minute", async () => {
    const slot = podIdentitySlot();
    await slot.ready();
    const held = slot.current();
    aws.injectContainerFaults("accessDenied", 1);
    const failed = nextEvent(slot, "refreshFailed");
    slot.invalidate(held?.accessKeyId ?? "");
    const { error, nextAttemptAt } = await failed;
    expect(error.kind).toBe("nonRetryable");
    expect(error.cause).toMatchObject({ Code: "AccessDeniedException" });
    expect(nextAttemptAt.getTime() - Date.now()).toBeGreaterThanOrEqual(59_000);
    expect(slot.current()).toBe(held);
  });

  test("the agent hangs: attemptTimeout ends the call, and the next attempt succeeds", async () => {
    aws.injectContainerFaults("hang", 1);
    const slot = podIdentitySlot({ fetchTimeout: 60_000 }, 300);
    const { error } = await nextEvent(slot, "refreshFailed");
    expect(error.kind).toBe("retryable");
    expect(error.cause).toMatchObject({ name: "TimeoutError" }); // ours: the slot's fetchTimeout is a minute
    await slot.ready();
    expect(slot.current()?.accessKeyId).toMatch(/^ASIA/);
  });

  test("an explicit fullUri beats the environment's relative URI (which would go to the ECS host)", async () => {
    vi.stubEnv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/elsewhere");
    const slot = podIdentitySlot();
    await slot.ready();
    expect(aws.records.containerCalls.map((c) => c.path)).toEqual(["/v1/credentials"]);
  });

  test("no URI anywhere: a ConfigurationError naming both variables", () => {
    expect(() => fromContainer()).toThrow(ConfigurationError);
    expect(() => fromContainer()).toThrow(/AWS_CONTAINER_CREDENTIALS_FULL_URI nor AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/);
  });

  test("the authorization token never reaches stats, events or logs", async () => {
    const lines: string[] = [];
    const log = (line: string) => void lines.push(line);
    aws.injectContainerFaults("error5xx", 1);
    const slot = podIdentitySlot({ logger: { debug: log, info: log, warn: log, error: log } });
    await slot.ready();
    expect(lines.some((line) => line.includes("status: 500"))).toBe(true);
    expect(JSON.stringify([slot.stats(), lines])).not.toContain("pod-token-1");
    expect(JSON.stringify(slot.stats())).not.toContain(slot.current()?.secretAccessKey ?? "no secret");
  });
});
