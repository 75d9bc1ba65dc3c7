// The code shown in docs/credential-slot.md, kept here so it is type-checked and linted.
// Snippets that would call real AWS are only compiled; the rest run against a fake source.
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { afterEach, expect, test, vi } from "vitest";
import type { AwsCredentialIdentity } from "@smithy/types";
import { createCredentialSlot, CredentialsUnavailableError, fromWebIdentity, type CredentialSlot, type CredentialSource } from "@awscreds/core";

// docs: "Getting started"
export async function gettingStarted(): Promise<void> {
  const slot = createCredentialSlot({
    source: fromWebIdentity(), // IRSA: AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_REGION
    name: "sts",
    logger: console,
  });
  await slot.ready(); // first credentials, or StartupTimeoutError after 10 s

  const sts = new STSClient({ region: "eu-west-1", credentials: slot.provider });
  await sts.send(new GetCallerIdentityCommand({}));

  process.once("SIGTERM", () => void slot.close());
}

// docs: "Events and stats"
export function observe(slot: CredentialSlot, metrics: { count(name: string, tags?: Record<string, string>): void }): void {
  slot.on("refreshed", ({ accessKeyId, expiration }) => console.warn(`new credentials ${accessKeyId} until ${expiration?.toISOString()}`));
  slot.on("refreshFailed", ({ error, attempt, nextAttemptAt }) => metrics.count("awscreds_refresh_failed", { kind: error.kind, attempt: String(attempt), next: nextAttemptAt.toISOString() }));
  slot.on("expired", ({ accessKeyId }) => metrics.count("awscreds_expired", { accessKeyId }));
}

afterEach(() => void vi.useRealTimers());

// docs: "Testing your code"
test("my service copes with a slow credential source", async () => {
  vi.useFakeTimers();
  let answer: (credentials: AwsCredentialIdentity) => void = () => {};
  const source: CredentialSource = () => new Promise((resolve) => (answer = resolve));
  const slot = createCredentialSlot({ source, random: () => 0.5 }); // deterministic jitter

  const read = slot.get().catch((e: unknown) => e);
  await vi.advanceTimersByTimeAsync(5_000); // readTimeout
  expect(await read).toBeInstanceOf(CredentialsUnavailableError);

  answer({ accessKeyId: "ASIATEST", secretAccessKey: "test", expiration: new Date(Date.now() + 3_600_000) });
  await vi.advanceTimersByTimeAsync(0);
  expect(slot.current()?.accessKeyId).toBe("ASIATEST");
  expect(slot.stats().nextRefreshAt).toBe(Date.now() + 42.5 * 60_000); // random 0.5: exp − 10 min − 0.5 × 15 min of jitter

  await slot.close();
  expect(vi.getTimerCount()).toBe(0);
});

test("the snippets compile", () => {
  expect(typeof gettingStarted).toBe("function");
  expect(typeof observe).toBe("function");
});
