import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { fromHttp } from "@aws-sdk/credential-provider-http";
import { startEmulator, type ContainerMode, type Emulator } from "@awscreds/emulator";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { STATIC_KEY, dynamo, sts } from "./support.js";

let aws: Emulator;
let tokenFile: string;
beforeEach(async () => {
  // fromHttp falls back to these; a developer's shell must not redirect the provider.
  for (const name of ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]) {
    vi.stubEnv(name, undefined);
  }
  aws = await startEmulator({ staticKeys: [STATIC_KEY] });
  tokenFile = join(mkdtempSync(join(tmpdir(), "awscreds-container-")), "eks-pod-identity-token");
  writeFileSync(tokenFile, "pod-identity-token-1");
});
afterEach(async () => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  await aws.close();
});

/** The SDK's own container provider, as on EKS Pod Identity (`/v1/credentials`) or ECS (`/v2/credentials/<id>`). */
const provider = (options: { path?: string; timeout?: number; maxRetries?: number; token?: string } = {}) =>
  fromHttp({
    awsContainerCredentialsFullUri: `${aws.url}${options.path ?? "/v1/credentials"}`,
    ...(options.token === undefined ? { awsContainerAuthorizationTokenFile: tokenFile } : { awsContainerAuthorizationToken: options.token }),
    maxRetries: options.maxRetries ?? 0,
    timeout: options.timeout ?? 1000,
  });

/** How one provider call ended: `ok`, or the SDK error's `Code` (4xx) or message. */
const outcome = (run: Promise<unknown>) =>
  run.then(
    () => "ok",
    (e: Error & { Code?: string }) => e.Code ?? e.message,
  );

describe("EKS Pod Identity: GET /v1/credentials", () => {
  test("fromHttp gets fresh credentials that DynamoDB and GetCallerIdentity accept", async () => {
    const before = aws.now();
    const credentials = await provider()();
    expect(credentials.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(credentials.sessionToken).toBeTruthy();
    expect(credentials.expiration).toBeInstanceOf(Date);
    const expiresIn = (credentials.expiration?.getTime() ?? 0) - before;
    expect(expiresIn).toBeGreaterThan(3600_000 - 2_000);
    expect(expiresIn).toBeLessThanOrEqual(3600_000 + 1_000);

    await dynamo(aws, { credentials }).send(new ListTablesCommand({}));
    const identity = await sts(aws, { credentials }).send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: "123456789012", Arn: "arn:aws:sts::123456789012:assumed-role/eks-pod-identity/eks-emulator-pod" });
    expect(aws.records.requests.map((r) => [r.operation, r.accessKeyId, r.signatureValid])).toEqual([
      ["ListTables", credentials.accessKeyId, true],
      ["GetCallerIdentity", credentials.accessKeyId, true],
    ]);
    expect(aws.records.containerCalls).toEqual([
      {
        at: expect.any(Number),
        durationMs: expect.any(Number),
        method: "GET",
        path: "/v1/credentials",
        authorization: "pod-identity-token-1",
        outcome: "ok",
        accessKeyId: credentials.accessKeyId,
        expiration: expect.any(Number),
      },
    ]);
    expect(aws.records.credentialCalls()).toEqual([]);
  });

  test("the answer carries AccountId and an RFC 3339 Expiration, as the agent's does", async () => {
    const response = await fetch(`${aws.url}/v1/credentials`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body)).toEqual(["AccessKeyId", "SecretAccessKey", "Token", "AccountId", "Expiration"]);
    expect(body.AccountId).toBe("123456789012");
    expect(body.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  test("the token file is re-read on every call: a rotated token reaches the endpoint", async () => {
    const fetchCredentials = provider();
    const first = await fetchCredentials();
    writeFileSync(tokenFile, "pod-identity-token-2");
    const second = await fetchCredentials();
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(aws.records.containerCalls.map((c) => c.authorization)).toEqual(["pod-identity-token-1", "pod-identity-token-2"]);
  });

  test("with an expected token, a wrong or missing Authorization header is AccessDeniedException, without echoing the token", async () => {
    aws.configure({ container: { expectedAuthorizationToken: "pod-identity-token-2" } });
    const wrong = await provider()().catch((e: Error & { Code?: string; Message?: string }) => e);
    expect(wrong).toMatchObject({ name: "CredentialsProviderError", message: "Server responded with status: 403", Code: "AccessDeniedException" });
    const message = (wrong as { Message?: string }).Message ?? "";
    expect(message).toMatch(/does not match the expected container authorization token/);
    expect(message).not.toContain("pod-identity-token");

    const missing = await fetch(`${aws.url}/v1/credentials`);
    expect(missing.status).toBe(403);
    expect(await missing.json()).toEqual({ Code: "AccessDeniedException", Message: expect.stringMatching(/no Authorization header/) });

    writeFileSync(tokenFile, "pod-identity-token-2");
    await expect(provider()()).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    await expect(provider({ token: "pod-identity-token-2" })()).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    expect(aws.records.containerCalls.map((c) => [c.authorization, c.outcome])).toEqual([
      ["pod-identity-token-1", "AccessDeniedException"],
      [undefined, "AccessDeniedException"],
      ["pod-identity-token-2", "ok"],
      ["pod-identity-token-2", "ok"],
    ]);
  });

  test("credentialLifetimeSeconds is honoured, on the emulator's clock, and the key expires at the signed services", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    aws.configure({ container: { credentialLifetimeSeconds: 900 }, clockOffsetMs: 0 });
    const before = aws.now();
    const credentials = await provider()();
    const expiresIn = (credentials.expiration?.getTime() ?? 0) - before;
    expect(expiresIn).toBeGreaterThan(900_000 - 2_000);
    expect(expiresIn).toBeLessThanOrEqual(900_000);
    const recorded = aws.records.containerCalls[0]?.expiration ?? 0;
    expect(Math.floor(recorded / 1000) * 1000).toBe(credentials.expiration?.getTime());

    await dynamo(aws, { credentials }).send(new ListTablesCommand({}));
    vi.setSystemTime(Date.now() + 901_000); // client and emulator clocks move together: no skew
    await expect(dynamo(aws, { credentials, maxAttempts: 1 }).send(new ListTablesCommand({}))).rejects.toMatchObject({ name: "ExpiredTokenException" });
  });

  test("a clock offset moves Expiration with the emulator's clock", async () => {
    aws.configure({ clockOffsetMs: 7200_000 });
    const credentials = await provider()();
    expect((credentials.expiration?.getTime() ?? 0) - Date.now()).toBeGreaterThan(7200_000 + 3600_000 - 5_000);
  });

  test("latency delays the answer and is recorded", async () => {
    aws.configure({ container: { latencyMs: { min: 50, max: 60 } } });
    await provider()();
    expect(aws.records.containerCalls[0]?.durationMs).toBeGreaterThanOrEqual(49);
  });
});

describe("ECS: GET /v2/credentials/<id>", () => {
  test("fromHttp gets credentials for the task; GetCallerIdentity names the task role and id", async () => {
    const credentials = await provider({ path: "/v2/credentials/abc" })();
    const identity = await sts(aws, { credentials }).send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe("arn:aws:sts::123456789012:assumed-role/ecs-task-role/abc");
    expect(aws.records.containerCalls).toMatchObject([{ path: "/v2/credentials/abc", outcome: "ok", accessKeyId: credentials.accessKeyId }]);
  });
});

describe("routing", () => {
  test("container paths come before S3 path-style; other paths are still S3's", async () => {
    await fetch(`${aws.url}/v1/credentials?x=1`);
    await fetch(`${aws.url}/v2/credentials/abc`);
    expect(aws.records.containerCalls.map((c) => c.path)).toEqual(["/v1/credentials", "/v2/credentials/abc"]);
    expect(aws.records.requests).toEqual([]);
    expect((await fetch(`${aws.url}/v1/credentials/extra`)).status).toBe(403); // an unsigned S3 GetObject
    expect((await fetch(`${aws.url}/v2/credentials/`)).status).toBe(403);
    expect(aws.records.containerCalls).toHaveLength(2);
    expect(aws.records.requests.map((r) => r.service)).toEqual(["s3", "s3"]);
  });

  test("any method but GET is 405 MethodNotAllowed in the JSON error shape, and takes no injected fault", async () => {
    aws.injectContainerFaults("error5xx");
    const response = await fetch(`${aws.url}/v1/credentials`, { method: "POST", body: "{}" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET");
    expect(await response.json()).toEqual({ Code: "MethodNotAllowed", Message: expect.stringContaining("GET only") });
    expect(aws.records.containerCalls).toMatchObject([{ method: "POST", outcome: "MethodNotAllowed" }]);
    expect(await outcome(provider()())).toBe("Server responded with status: 500");
  });
});

describe("modes: what the SDK's fromHttp raises", () => {
  test.each([
    ["error5xx", "Server responded with status: 500", "InternalServerException"],
    ["accessDenied", "AccessDeniedException", "AccessDeniedException"],
    ["garbage", expect.stringContaining("JSON"), "garbage"],
    ["noExpiration", expect.stringContaining("HTTP credential provider response not of the required format"), "ok"],
  ] as const)("%s", async (mode, sdkOutcome, recorded) => {
    aws.configure({ container: { mode } });
    expect(await outcome(provider()())).toEqual(sdkOutcome);
    expect(aws.records.containerCalls.map((c) => c.outcome)).toEqual([recorded]);
  });

  test("accessDenied answers the JSON the SDK copies onto its error", async () => {
    aws.configure({ container: { mode: "accessDenied" } });
    await expect(provider()()).rejects.toMatchObject({ message: "Server responded with status: 403", Code: "AccessDeniedException", Message: expect.any(String) });
  });

  test("garbage: the SDK's JSON.parse throws a bare SyntaxError, not a CredentialsProviderError", async () => {
    aws.configure({ container: { mode: "garbage" } });
    await expect(provider()()).rejects.toMatchObject({ name: "SyntaxError" });
  });

  test("noExpiration: 200 with credentials but no Expiration; the key is still issued", async () => {
    aws.configure({ container: { mode: "noExpiration" } });
    const body = (await (await fetch(`${aws.url}/v1/credentials`)).json()) as Record<string, unknown>;
    expect(body.AccessKeyId).toMatch(/^ASIA/);
    expect(body).not.toHaveProperty("Expiration");
    expect(aws.records.containerCalls[0]).toMatchObject({ outcome: "ok", accessKeyId: body.AccessKeyId, expiration: expect.any(Number) });
  });

  test("hang: fromHttp's `timeout` does not end the call (the SDK only warns); release answers it and leaves nothing held", async () => {
    // @smithy/node-http-handler 4.x treats requestTimeout as a warning unless the handler has
    // throwOnRequestTimeout, which fromHttp does not set: a hung agent hangs the provider.
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    aws.configure({ container: { mode: "hang" } });
    let settled = false;
    const pending = provider({ timeout: 100 })().finally(() => (settled = true));
    await expect.poll(() => aws.hungRequests).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(settled).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("exceeded the configured 100 ms requestTimeout"));
    expect(aws.records.containerCalls).toMatchObject([{ outcome: "hung", durationMs: undefined }]);

    aws.configure({ container: { mode: "ok" } });
    expect(aws.releaseHungRequests()).toBe(1);
    await expect(pending).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    expect(aws.hungRequests).toBe(0);
    expect(aws.records.containerCalls[0]).toMatchObject({ outcome: "ok", durationMs: expect.any(Number) });
  });

  test("hang with hang still configured: a release answers with the configured mode, so the call hangs again", async () => {
    aws.configure({ container: { mode: "hang" } });
    const waiting = fetch(`${aws.url}/v1/credentials`).catch((e: Error) => e);
    await expect.poll(() => aws.hungRequests).toBe(1);
    expect(aws.releaseHungRequests()).toBe(1);
    expect(aws.hungRequests).toBe(1);
    aws.configure({ container: { mode: "error5xx" } });
    expect(aws.releaseHungRequests()).toBe(1);
    expect(await waiting).toMatchObject({ status: 500 });
    expect(aws.hungRequests).toBe(0);
  });

  test("hang, released while a client still waits: it gets the mode configured at release", async () => {
    aws.injectContainerFaults("hang");
    const pending = provider({ timeout: 10_000 })();
    await expect.poll(() => aws.hungRequests).toBe(1);
    expect(aws.releaseHungRequests()).toBe(1);
    await expect(pending).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
  });

  test("hang: close() cuts the hung calls, frees the port and resolves", async () => {
    aws.configure({ container: { mode: "hang" } });
    const waiting = fetch(`${aws.url}/v1/credentials`);
    const viaSdk = provider({ timeout: 10_000 })();
    waiting.catch(() => {});
    viaSdk.catch(() => {});
    await expect.poll(() => aws.hungRequests).toBe(2);
    await aws.close();
    expect(aws.hungRequests).toBe(0);
    await expect(waiting).rejects.toThrow();
    await expect(viaSdk).rejects.toMatchObject({ name: "CredentialsProviderError" });
    await expect(fetch(`${aws.url}/v1/credentials`)).rejects.toThrow();
  });

  test("injected faults are used once each, in order, then the configured mode resumes", async () => {
    aws.injectContainerFaults("error5xx", 2);
    aws.injectContainerFaults("accessDenied");
    aws.injectContainerFaults("garbage");
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) outcomes.push(await outcome(provider()()));
    expect(outcomes).toEqual(["Server responded with status: 500", "Server responded with status: 500", "AccessDeniedException", expect.stringContaining("JSON"), "ok"]);
    expect(aws.records.containerCalls.map((c) => c.outcome)).toEqual(["InternalServerException", "InternalServerException", "AccessDeniedException", "garbage", "ok"]);
  });

  test("the SDK's own retries get past injected 5xx faults", async () => {
    aws.injectContainerFaults("error5xx", 2);
    await expect(provider({ maxRetries: 2, timeout: 20 })()).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    expect(aws.records.containerCalls.map((c) => c.outcome)).toEqual(["InternalServerException", "InternalServerException", "ok"]);
  });

  test("STS faults and container faults are separate queues", async () => {
    aws.injectStsFaults("throttle");
    await expect(provider()()).resolves.toBeDefined();
    aws.configure({ sts: { mode: "error5xx" } });
    await expect(provider()()).resolves.toBeDefined();
  });
});

describe("settings, records and the control path", () => {
  test("invalid container settings are refused with TypeError and change nothing", async () => {
    expect(() => aws.configure({ container: { mode: "sleepy" as ContainerMode } })).toThrow(/Unknown container mode 'sleepy'; use one of ok, error5xx, hang/);
    expect(() => aws.configure({ container: { credentialLifetimeSeconds: 0 } })).toThrow(/container.credentialLifetimeSeconds must be a positive/);
    expect(() => aws.configure({ container: { latencyMs: { min: 5, max: 1 } } })).toThrow(/container.latencyMs must be/);
    expect(() => aws.configure({ container: { latencyMs: -1 } })).toThrow(TypeError);
    expect(() => aws.configure({ container: { expectedAuthorizationToken: "" } })).toThrow(/expectedAuthorizationToken must be a non-empty string/);
    expect(() => aws.configure({ container: { mode: "hang", credentialLifetimeSeconds: -5 } })).toThrow(TypeError);
    expect(() => aws.injectContainerFaults("later" as ContainerMode)).toThrow(/Unknown container mode 'later'/);
    expect(aws.settings.container).toEqual({ mode: "ok", latencyMs: 0, credentialLifetimeSeconds: 3600, expectedAuthorizationToken: undefined });
    await expect(startEmulator({ container: { mode: "nope" as ContainerMode } })).rejects.toThrow(/Unknown container mode 'nope'/);
    await expect(startEmulator({ container: { credentialLifetimeSeconds: Number.NaN } })).rejects.toThrow(TypeError);
  });

  test("start options set the container settings; configure changes one field and keeps the rest", async () => {
    await using other = await startEmulator({ container: { mode: "accessDenied", latencyMs: 5, credentialLifetimeSeconds: 1200, expectedAuthorizationToken: "t" } });
    other.configure({ container: { mode: "ok" } });
    expect(other.settings.container).toEqual({ mode: "ok", latencyMs: 5, credentialLifetimeSeconds: 1200, expectedAuthorizationToken: "t" });
    other.configure({ container: { expectedAuthorizationToken: undefined } });
    expect(other.settings.container.expectedAuthorizationToken).toBeUndefined();
  });

  test("records.clear() clears container calls too", async () => {
    await provider()();
    expect(aws.records.containerCalls).toHaveLength(1);
    aws.records.clear();
    expect(aws.records.containerCalls).toEqual([]);
  });

  test("over HTTP: configure the container endpoint, queue container faults, read container records", async () => {
    const post = (path: string, body: unknown) => fetch(`${aws.url}/__emulator/${path}`, { method: "POST", body: JSON.stringify(body) });
    expect((await post("configure", { container: { credentialLifetimeSeconds: 1000 } })).status).toBe(200);
    expect(aws.settings.container.credentialLifetimeSeconds).toBe(1000);
    expect((await post("configure", { container: { mode: "nope" } })).status).toBe(400);
    expect((await post("container-faults", { mode: "nope" })).status).toBe(400);
    expect(await (await post("container-faults", { mode: "accessDenied", count: 1 })).json()).toEqual({ queued: 1 });

    expect(await outcome(provider()())).toBe("AccessDeniedException");
    await provider()();
    const records = (await (await fetch(`${aws.url}/__emulator/records`)).json()) as { containerCalls: Array<{ outcome: string; authorization: string }> };
    expect(records.containerCalls.map((c) => [c.outcome, c.authorization])).toEqual([
      ["AccessDeniedException", "pod-identity-token-1"],
      ["ok", "pod-identity-token-1"],
    ]);
  });
});
