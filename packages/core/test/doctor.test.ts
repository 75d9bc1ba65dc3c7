/**
 * `awscreds doctor` as an operator runs it: the real CLI in a child process
 * (`node --import tsx packages/core/src/cli.ts doctor [--json]`) with a controlled environment,
 * against the emulator's STS and container endpoint. A recording proxy in front of the emulator
 * keeps the secrets the child was given, so the tests can check that none of them is printed.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator, type Emulator, type EmulatorOptions } from "@awscreds/emulator";
import { afterAll, afterEach, describe, expect, test, vi } from "vitest";
import { decodeJwt } from "../src/doctor/decodeJwt.js";
import type { DoctorReport } from "../src/doctor/doctorReport.js";
import { formatText } from "../src/doctor/formatText.js";
import { redactor } from "../src/doctor/redact.js";
import { runDoctor } from "../src/doctor/runDoctor.js";
import { SDK_CHAIN_LOOKS_FOR } from "../src/sources/fromSdkChain.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const CHILD_TIMEOUT = 25_000;
const TEST_TIMEOUT = 40_000;
const ROLE_ARN = "arn:aws:iam::123456789012:role/orders-service";
const ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const SUBJECT = "system:serviceaccount:orders:orders-service";
/** The emulator's session tokens start so, like real ones. */
const SESSION_TOKEN_PREFIX = "IQoJb3JpZ2luX2Vj";

const scratch = mkdtempSync(join(tmpdir(), "awscreds-doctor-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const base64url = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

/** A real-looking, unsigned service-account token: header.payload.signature, base64url. */
function serviceAccountJwt(claims: { aud: string; exp: number; iat?: number }): string {
  const header = { alg: "RS256", kid: "doctor-test-key", typ: "JWT" };
  const payload = { iss: ISSUER, sub: SUBJECT, iat: Math.floor(Date.now() / 1000) - 60, nbf: Math.floor(Date.now() / 1000) - 60, ...claims };
  return `${base64url(header)}.${base64url(payload)}.${randomBytes(256).toString("base64url")}`;
}

function tokenFile(content: string): string {
  const file = join(mkdtempSync(join(scratch, "token-")), "token");
  writeFileSync(file, content);
  return file;
}

/**
 * Forwards to the emulator and keeps every response body, so a test knows the secret keys and
 * session tokens the child received (the emulator does not expose them).
 */
async function recordingProxy(target: string): Promise<{ url: string; secrets(): string[] }> {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    const upstream = request(new URL(req.url ?? "/", target), { method: req.method, headers: req.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on("data", (chunk: Buffer) => chunks.push(chunk));
      answer.on("end", () => {
        const body = Buffer.concat(chunks);
        bodies.push(body.toString("utf8"));
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.end(body);
      });
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const patterns = [/<SecretAccessKey>([^<]+)<\/SecretAccessKey>/g, /<SessionToken>([^<]+)<\/SessionToken>/g, /"SecretAccessKey":"([^"]+)"/g, /"Token":"([^"]+)"/g];
  return {
    url: `http://127.0.0.1:${port}`,
    secrets: () => bodies.flatMap((body) => patterns.flatMap((p) => [...body.matchAll(p)].map((m) => m[1] as string))),
  };
}

async function emulator(options: EmulatorOptions): Promise<Emulator> {
  const aws = await startEmulator(options);
  closers.push(() => aws.close());
  return aws;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a user runs it, with only `env` plus the isolation every test needs. */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const home = mkdtempSync(join(scratch, "home-")); // keeps this machine's ~/.aws out
  const childEnv = {
    PATH: process.env.PATH ?? "",
    HOME: home,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: join(home, "no-such-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "no-such-credentials"),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...env,
  };
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: REPO_ROOT, env: childEnv, timeout: CHILD_TIMEOUT, killSignal: "SIGKILL" }, (_error, stdout, stderr) =>
      resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

async function doctorJson(env: Record<string, string>): Promise<{ run: Run; report: DoctorReport }> {
  const run = await cli(["doctor", "--json"], env);
  return { run, report: JSON.parse(run.stdout) as DoctorReport };
}

/** `issued`: the secret key and session token the child received (one fetch), `others`: tokens it read. */
function expectNoSecrets(output: string, issued: readonly string[], others: readonly string[]): void {
  expect(issued).toHaveLength(2);
  for (const secret of [...issued, ...others]) expect(output).not.toContain(secret);
  expect(output).not.toContain(SESSION_TOKEN_PREFIX);
}

/** IRSA against the emulator's STS (through the recording proxy): the environment EKS sets. */
async function irsa(options: EmulatorOptions = {}) {
  const aws = await emulator(options);
  const proxy = await recordingProxy(aws.url);
  const exp = Math.floor(Date.now() / 1000) + 86_400;
  const jwt = serviceAccountJwt({ aud: "sts.amazonaws.com", exp });
  const file = tokenFile(jwt);
  const env = { AWS_ROLE_ARN: ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE: file, AWS_ROLE_SESSION_NAME: "doctor-test", AWS_REGION: "eu-west-1", AWS_ENDPOINT_URL_STS: proxy.url };
  return { aws, proxy, jwt, exp, file, env };
}

describe("awscreds doctor: web identity (IRSA)", () => {
  test(
    "picks web identity and says why; measures latency, clock skew and the refresh window in one real fetch",
    async () => {
      const { aws, proxy, jwt, exp, file, env } = await irsa({ clockOffsetMs: 120_000, sts: { latencyMs: 300 } });
      const { run, report } = await doctorJson(env);
      expect(run.code).toBe(0);
      expect(report.exitCode).toBe(0);

      expect(report.source).toEqual({ kind: "webIdentity", reason: "AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are set (EKS IRSA)", description: `web identity ${ROLE_ARN} via ${proxy.url}` });
      expect(report.endpoint).toEqual({ kind: "sts", url: proxy.url, via: "AWS_ENDPOINT_URL_STS", region: "eu-west-1" });
      expect(report.fetch.ok).toBe(true);
      expect(report.fetch.latencyMs).toBeGreaterThanOrEqual(300);
      expect(report.fetch.latencyMs).toBeLessThan(5_000);

      // The emulator's clock is 120 s ahead: this host is 120 s behind STS.
      expect(report.clockSkew.measured).toBe(true);
      const skew = report.clockSkew as Extract<DoctorReport["clockSkew"], { measured: true }>;
      expect(Math.abs(skew.skewMs - 120_000)).toBeLessThanOrEqual(2_000);

      // The credentials are those the emulator issued, and the refresh window is the policy's.
      const [call] = aws.records.credentialCalls();
      expect(call).toMatchObject({ action: "AssumeRoleWithWebIdentity", roleArn: ROLE_ARN, roleSessionName: "doctor-test", webIdentityToken: jwt, outcome: "ok" });
      const credentials = report.credentials;
      expect(credentials?.accessKeyId).toBe(call?.accessKeyId);
      expect(credentials?.accountId).toBe("123456789012");
      expect(credentials?.hasSessionToken).toBe(true);
      const expiration = Date.parse(credentials?.expiration ?? "");
      expect(Math.abs(expiration - (call?.expiration ?? 0))).toBeLessThan(1_000); // STS answers whole seconds
      const earliest = Date.parse(credentials?.refresh.earliest ?? "");
      const latest = Date.parse(credentials?.refresh.latest ?? "");
      // The default window of 1 h credentials: [exp − 25 min, exp − 10 min].
      expect(earliest).toBeGreaterThanOrEqual(expiration - 25 * 60_000);
      expect(latest).toBeLessThanOrEqual(expiration - 10 * 60_000);
      expect(earliest).toBeLessThan(latest);

      // The token file, decoded: its claims, never the token.
      expect(report.tokenFiles).toEqual([
        {
          variable: "AWS_WEB_IDENTITY_TOKEN_FILE",
          path: file,
          readable: true,
          sizeBytes: jwt.length,
          modifiedAt: expect.any(String),
          ageMs: expect.any(Number),
          trailingWhitespace: false,
          token: expect.objectContaining({ isJwt: true, alg: "RS256", exp: new Date(exp * 1000).toISOString(), aud: "sts.amazonaws.com", sub: SUBJECT, iss: ISSUER }),
        },
      ]);
      const jwtClaims = report.tokenFiles[0]?.readable === true ? report.tokenFiles[0].token : undefined;
      expect(jwtClaims?.isJwt === true && jwtClaims.expiresInMs).toBeGreaterThan(86_000_000);

      const variable = (name: string) => report.environment.find((v) => v.name === name);
      expect(variable("AWS_ROLE_ARN")).toEqual({ name: "AWS_ROLE_ARN", set: true, secret: false, value: ROLE_ARN, length: ROLE_ARN.length });
      expect(variable("AWS_SECRET_ACCESS_KEY")).toEqual({ name: "AWS_SECRET_ACCESS_KEY", set: false, secret: true });
      expect(variable("AWS_PROFILE")?.set).toBe(false);

      // Credentials came; the 2-minute skew is worth fixing, and the verdict says so.
      expect(report.verdict.status).toBe("warn");
      expect(report.verdict.fixes).toEqual([expect.stringMatching(/^this host's clock is 1[12]\d s behind STS: .*fix its time sync/)]);
      expectNoSecrets(run.stdout, proxy.secrets(), [jwt]);
    },
    TEST_TIMEOUT,
  );

  test(
    "the text report fits one screen, is aligned and plain, and prints no secret key, session token or JWT",
    async () => {
      const { proxy, jwt, env } = await irsa({ sts: { latencyMs: 50 } });
      const run = await cli(["doctor"], env);
      expect(run.code).toBe(0);
      const lines = run.stdout.trimEnd().split("\n");
      expect(lines.length).toBeLessThanOrEqual(25);
      expect(run.stdout).not.toContain("\u001b["); // no colours: stdout is not a TTY
      expect(lines[0]).toMatch(/^awscreds doctor, \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
      // Every row: a 13-column label (or none), then the text.
      for (const line of lines.slice(1)) expect(line).toMatch(/^(?:[a-z][a-z ]{12}| {13})/);
      expect(run.stdout).toMatch(/^source {7}webIdentity: AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are set \(EKS IRSA\)$/m);
      expect(run.stdout).toMatch(/^environment {2}AWS_REGION {19}eu-west-1$/m);
      expect(run.stdout).toMatch(/^token file {3}AWS_WEB_IDENTITY_TOKEN_FILE: \d+ bytes, written \S+Z \([\d.]+ m?s ago\)$/m);
      expect(run.stdout).toMatch(/^ {13}JWT RS256, exp \S+Z \(in 24 h\), iat \S+Z$/m);
      expect(run.stdout).toContain(`aud sts.amazonaws.com, sub ${SUBJECT}`);
      expect(run.stdout).toMatch(new RegExp(`^endpoint {5}${proxy.url} \\(AWS_ENDPOINT_URL_STS\\)$`, "m"));
      expect(run.stdout).toMatch(/^fetch {8}ok in [\d.]+ m?s \(timeout 10 s\)$/m);
      expect(run.stdout).toMatch(/^clock skew {3}none/m);
      expect(run.stdout).toMatch(/^credentials {2}ASIA[A-Z2-7]{16}, account 123456789012, expires \S+Z \(in 1 h\)$/m);
      expect(run.stdout).toMatch(/^refresh {6}between \S+Z and \S+Z \(in 35 min to 50 min, of a 1 h lifetime\)$/m);
      expect(run.stdout).toMatch(/^verdict {6}OK: credentials from webIdentity in [\d.]+ m?s; next refresh in 35 min to 50 min$/m);
      expectNoSecrets(run.stdout, proxy.secrets(), [jwt, ...jwt.split(".")]);
    },
    TEST_TIMEOUT,
  );

  test(
    "STS refuses (AccessDenied): exit 1, the error named, the trust policy to check",
    async () => {
      const { aws, jwt, env } = await irsa({ sts: { mode: "accessDenied" } });
      const { run, report } = await doctorJson(env);
      expect(run.code).toBe(1);
      expect(aws.records.credentialCalls().map((c) => c.outcome)).toEqual(["AccessDenied"]);
      expect(report.fetch).toMatchObject({ ok: false, error: { name: "AccessDenied", httpStatus: 403 } });
      expect(report.credentials).toBeUndefined();
      // The Date header of the error answer is read too.
      expect(report.clockSkew.measured).toBe(true);
      expect(report.verdict).toEqual({
        status: "fail",
        summary: "no credentials: STS refused AssumeRoleWithWebIdentity (AccessDenied)",
        fixes: [`check the role's trust policy: it must allow sts:AssumeRoleWithWebIdentity for sub ${SUBJECT} and aud sts.amazonaws.com from the OIDC provider ${ISSUER}`],
      });

      const text = await cli(["doctor"], env);
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/^fetch {8}FAILED after [\d.]+ m?s: AccessDenied \(HTTP 403\): /m);
      expect(text.stdout).toMatch(/^credentials {2}none$/m);
      expect(text.stdout).toMatch(/^verdict {6}FAIL: no credentials: STS refused AssumeRoleWithWebIdentity \(AccessDenied\)$/m);
      expect(text.stdout).not.toContain(jwt.split(".")[2]);
    },
    TEST_TIMEOUT,
  );

  test(
    "an unreadable token file: which error, for which file",
    async () => {
      const aws = await emulator({});
      const missing = join(scratch, "no-such-dir", "token");
      const { run, report } = await doctorJson({ AWS_ROLE_ARN: ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE: missing, AWS_REGION: "eu-west-1", AWS_ENDPOINT_URL_STS: aws.url });
      expect(run.code).toBe(1);
      expect(report.tokenFiles).toEqual([{ variable: "AWS_WEB_IDENTITY_TOKEN_FILE", path: missing, readable: false, error: { name: "Error", code: "ENOENT", message: expect.stringContaining(missing) } }]);
      expect(report.fetch.error).toMatchObject({ name: "CredentialSourceError", message: expect.stringContaining(`cannot read the web identity token file ${missing} (ENOENT)`) });
      expect(aws.records.stsCalls).toHaveLength(0);
    },
    TEST_TIMEOUT,
  );

  test(
    "a token file that is not a JWT is reported as such",
    async () => {
      const aws = await emulator({});
      const { report } = await doctorJson({ AWS_ROLE_ARN: ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile("not-a-jwt\n"), AWS_REGION: "eu-west-1", AWS_ENDPOINT_URL_STS: aws.url });
      expect(report.tokenFiles[0]).toMatchObject({ readable: true, trailingWhitespace: true, token: { isJwt: false, reason: "1 part separated by '.', a JWT has 3" } });
      expect(report.verdict.status).toBe("warn"); // the emulator takes any token; STS would not
      expect(report.verdict.fixes).toEqual([expect.stringMatching(/holds no JWT/), expect.stringMatching(/ends with a line break or spaces/)]);
    },
    TEST_TIMEOUT,
  );
});

describe("awscreds doctor: other sources", () => {
  test(
    "environment keys: kind environment, nothing to call, the secret shown only as its length",
    async () => {
      const secret = randomBytes(30).toString("base64"); // 40 characters, as AWS's
      const sessionToken = `FwoGZXIvYXdzE${randomBytes(200).toString("base64")}`;
      const env = { AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: secret, AWS_SESSION_TOKEN: sessionToken };
      const { run, report } = await doctorJson(env);
      expect(run.code).toBe(0);
      expect(report.source).toMatchObject({ kind: "environment", reason: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set", description: "environment keys AKIAIOSFODNN7EXAMPLE (AWS_ACCESS_KEY_ID)" });
      expect(report.endpoint.kind).toBe("none");
      expect(report.clockSkew).toEqual({ measured: false, reason: "only measured against STS, for web identity" });
      expect(report.credentials).toMatchObject({ accessKeyId: "AKIAIOSFODNN7EXAMPLE", hasSessionToken: true });
      expect(report.credentials?.expiration).toBeUndefined();
      // No expiration: refreshed (re-read) hourly, minus up to 15 min of jitter.
      const obtainedAt = Date.parse(report.credentials?.obtainedAt ?? "");
      expect(Date.parse(report.credentials?.refresh.earliest ?? "")).toBe(obtainedAt + 45 * 60_000);
      expect(Date.parse(report.credentials?.refresh.latest ?? "")).toBe(obtainedAt + 60 * 60_000);
      expect(report.environment.find((v) => v.name === "AWS_SECRET_ACCESS_KEY")).toEqual({ name: "AWS_SECRET_ACCESS_KEY", set: true, secret: true, length: 40 });
      expect(report.verdict.status).toBe("ok");
      expect(run.stdout).not.toContain(secret);
      expect(run.stdout).not.toContain(sessionToken);

      const text = await cli(["doctor"], env);
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/^ {13}AWS_SECRET_ACCESS_KEY +set \(40 chars\)$/m);
      expect(text.stdout).toMatch(new RegExp(`^ {13}AWS_SESSION_TOKEN +set \\(${sessionToken.length} chars\\)$`, "m"));
      expect(text.stdout).not.toContain(secret);
      expect(text.stdout).not.toContain(sessionToken);
    },
    TEST_TIMEOUT,
  );

  test(
    "no credentials at all: exit 1, and the verdict lists what to set",
    async () => {
      const { run, report } = await doctorJson({});
      expect(run.code).toBe(1);
      expect(report.source.kind).toBe("chain");
      expect(report.endpoint).toEqual({ kind: "chain", via: "the SDK chain (EC2 instance metadata last)" });
      expect(report.fetch).toMatchObject({ ok: false, error: { name: "CredentialSourceError", message: expect.stringMatching(/^no AWS credentials found/) } });
      expect(report.verdict).toEqual({ status: "fail", summary: "no credentials: the SDK chain found none; set one of these (its order)", fixes: [...SDK_CHAIN_LOOKS_FOR] });

      const text = await cli(["doctor"], {});
      expect(text.code).toBe(1);
      expect(text.stdout.trimEnd().split("\n").length).toBeLessThanOrEqual(25);
      expect(text.stdout).toMatch(/^verdict {6}FAIL: no credentials: the SDK chain found none; set one of these \(its order\)$/m);
      for (const what of ["AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", "aws sso login", "AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_EC2_METADATA_DISABLED"]) {
        expect(text.stdout).toContain(what);
      }
    },
    TEST_TIMEOUT,
  );

  test(
    "a named profile with credential_process (AWS_PROFILE): kind profile, the SDK chain runs the process once",
    async () => {
      const home = mkdtempSync(join(scratch, "profile-"));
      const runs = join(home, "runs");
      const expiration = new Date(Date.now() + 3_600_000).toISOString();
      const script = join(home, "creds.sh");
      writeFileSync(script, `#!/bin/sh\necho run >> "${runs}"\necho '{"Version":1,"AccessKeyId":"ASIAPROFILEEXAMPLE01","SecretAccessKey":"profile-secret-do-not-print","SessionToken":"profile-token-do-not-print","Expiration":"${expiration}"}'\n`);
      chmodSync(script, 0o755);
      writeFileSync(join(home, "config"), `[profile dev]\ncredential_process = ${script}\n`);
      const { run, report } = await doctorJson({ AWS_PROFILE: "dev", AWS_CONFIG_FILE: join(home, "config") });
      expect(run.code).toBe(0);
      expect(report.source).toMatchObject({ kind: "profile", reason: expect.stringMatching(/AWS_PROFILE=dev is set/) });
      expect(report.credentials?.accessKeyId).toBe("ASIAPROFILEEXAMPLE01");
      expect(readFileSync(runs, "utf8").trim().split("\n")).toHaveLength(1);
      expect(run.stdout).not.toContain("profile-secret-do-not-print");
      expect(run.stdout).not.toContain("profile-token-do-not-print");
    },
    TEST_TIMEOUT,
  );

  test(
    "ECS (relative URI): the container endpoint on the agent's host, credentials from it",
    async () => {
      const aws = await emulator({});
      const { run, report } = await doctorJson({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/task-1", AWSCREDS_CONTAINER_RELATIVE_URI_HOST: aws.url });
      expect(run.code).toBe(0);
      expect(report.source).toMatchObject({ kind: "container", reason: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set (ECS)" });
      expect(report.endpoint).toMatchObject({ kind: "container", url: `${aws.url}/v2/credentials/task-1` });
      expect(report.credentials?.accessKeyId).toBe(aws.records.containerCalls[0]?.accessKeyId);
    },
    TEST_TIMEOUT,
  );

  test(
    "EKS Pod Identity: the container endpoint, its authorization token file decoded, no secret printed",
    async () => {
      const podToken = serviceAccountJwt({ aud: "pods.eks.amazonaws.com", exp: Math.floor(Date.now() / 1000) + 86_400 });
      const aws = await emulator({ container: { latencyMs: 100, expectedAuthorizationToken: podToken } });
      const proxy = await recordingProxy(aws.url);
      const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${proxy.url}/v1/credentials`, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile(podToken) };
      const { run, report } = await doctorJson(env);
      expect(run.code).toBe(0);
      expect(report.source).toEqual({ kind: "container", reason: "AWS_CONTAINER_CREDENTIALS_FULL_URI is set (EKS Pod Identity)", description: `container credentials from ${proxy.url}/v1/credentials` });
      expect(report.endpoint).toEqual({ kind: "container", url: `${proxy.url}/v1/credentials`, via: "AWS_CONTAINER_CREDENTIALS_FULL_URI (EKS Pod Identity agent)" });
      expect(report.fetch.latencyMs).toBeGreaterThanOrEqual(100);
      const [call] = aws.records.containerCalls;
      expect(call).toMatchObject({ path: "/v1/credentials", authorization: podToken, outcome: "ok" });
      expect(report.credentials?.accessKeyId).toBe(call?.accessKeyId);
      expect(report.clockSkew.measured).toBe(false);
      expect(report.tokenFiles).toEqual([expect.objectContaining({ variable: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", readable: true, token: expect.objectContaining({ aud: "pods.eks.amazonaws.com", sub: SUBJECT }) })]);
      expect(report.verdict.status).toBe("ok");
      expectNoSecrets(run.stdout, proxy.secrets(), [podToken]);

      const text = await cli(["doctor"], env);
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/^source {7}container: AWS_CONTAINER_CREDENTIALS_FULL_URI is set \(EKS Pod Identity\)$/m);
      expectNoSecrets(text.stdout, proxy.secrets().slice(2), [podToken, ...podToken.split(".")]);
    },
    TEST_TIMEOUT,
  );
});

describe("awscreds command line", () => {
  test(
    "usage errors exit 2 with the usage on stderr; --help exits 0 with it on stdout",
    async () => {
      const [none, unknown, badOption, help] = await Promise.all([cli([]), cli(["frobnicate"]), cli(["doctor", "--yaml"]), cli(["doctor", "--help"])]);
      expect(none).toMatchObject({ code: 2, stdout: "", stderr: expect.stringContaining("usage: awscreds doctor [--json] [--help]") });
      expect(unknown).toMatchObject({ code: 2, stdout: "", stderr: expect.stringMatching(/^awscreds: unknown command 'frobnicate'\n\nusage: /) });
      expect(badOption).toMatchObject({ code: 2, stdout: "", stderr: expect.stringMatching(/^awscreds doctor: unknown option '--yaml'/) });
      expect(help).toMatchObject({ code: 0, stderr: "", stdout: expect.stringMatching(/^usage: awscreds doctor/) });
    },
    TEST_TIMEOUT,
  );
});

describe("runDoctor in-process: the findings that need a slow or skewed STS", () => {
  afterEach(() => void vi.unstubAllEnvs());
  const stubIrsa = (env: Record<string, string | undefined>) => {
    for (const name of ["AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]) vi.stubEnv(name, undefined);
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  };

  test("a slow STS and a clock 6 min off: credentials, with both to fix", async () => {
    const aws = await emulator({ clockOffsetMs: -6 * 60_000, sts: { latencyMs: 1_200 } });
    stubIrsa({ AWS_ROLE_ARN: ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile(serviceAccountJwt({ aud: "sts.amazonaws.com", exp: Math.floor(Date.now() / 1000) + 3600 })), AWS_REGION: "eu-west-1", AWS_ENDPOINT_URL_STS: aws.url });
    const { report } = await runDoctor();
    expect(report.exitCode).toBe(0);
    expect(report.fetch.latencyMs).toBeGreaterThanOrEqual(1_200);
    expect(report.verdict.status).toBe("warn");
    expect(report.verdict.fixes).toEqual([
      expect.stringMatching(/^this host's clock is 3[56]\d s ahead of STS: fix its time sync \(NTP\); SigV4 refuses requests 5 min off/),
      expect.stringMatching(/^the fetch took 1\.\d s: a first request waits that long on a cold slot; await defaultSlot\(\)\.ready\(\) at start-up/),
    ]);
    expect(formatText(report)).toMatch(/^clock skew {3}-3[56]\d s: this host's clock is ahead of STS/m);
  });

  test("no region: the configuration error, and what the plugin would do", async () => {
    const aws = await emulator({});
    stubIrsa({ AWS_ROLE_ARN: ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile(serviceAccountJwt({ aud: "sts.amazonaws.com", exp: Math.floor(Date.now() / 1000) + 3600 })), AWS_REGION: undefined, AWS_ENDPOINT_URL_STS: aws.url });
    const { report } = await runDoctor();
    expect(report.exitCode).toBe(1);
    expect(report.endpoint).toEqual({ kind: "sts", url: aws.url, via: "AWS_ENDPOINT_URL_STS" });
    expect(report.fetch.error?.name).toBe("ConfigurationError");
    expect(report.verdict.fixes).toEqual([expect.stringMatching(/^no region for STS: .*set AWS_REGION.*\(awsCredsPlugin falls back to the first client's region; the doctor has none\)$/)]);
    expect(aws.records.stsCalls).toHaveLength(0);
  });

  test("colours the verdict word only when asked (a TTY)", async () => {
    stubIrsa({ AWS_ROLE_ARN: undefined, AWS_WEB_IDENTITY_TOKEN_FILE: undefined, AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: randomBytes(30).toString("base64") });
    const { report } = await runDoctor();
    expect(formatText(report, { color: true })).toContain("\nverdict      \u001b[32mOK\u001b[0m: credentials from environment");
    expect(formatText(report)).toMatch(/^verdict {6}OK: /m);
  });
});

describe("pieces", () => {
  test("decodeJwt gives the claims, and says why something is not a JWT", () => {
    const now = Date.UTC(2025, 0, 1);
    const token = `${base64url({ alg: "RS256" })}.${base64url({ exp: now / 1000 + 60, aud: ["a", "b"], sub: "s", iss: "i", secret: "x" })}.sig`;
    expect(decodeJwt(token, now)).toEqual({ isJwt: true, alg: "RS256", exp: "2025-01-01T00:01:00.000Z", expiresInMs: 60_000, aud: ["a", "b"], sub: "s", iss: "i" });
    expect(decodeJwt("", now)).toEqual({ isJwt: false, reason: "the file is empty" });
    expect(decodeJwt("a.b", now)).toEqual({ isJwt: false, reason: "2 parts separated by '.', a JWT has 3" });
    expect(decodeJwt("a.b.c", now)).toEqual({ isJwt: false, reason: "its header is not base64url-encoded JSON" });
    expect(decodeJwt(`${base64url({ alg: "none" })}.${base64url("[1]")}.`, now)).toEqual({ isJwt: false, reason: "its payload is not base64url-encoded JSON" });
  });

  test("the redactor replaces every known secret, longest first, and ignores short values", () => {
    const redact = redactor(["secret-key-1234", "secret-key-1234-and-more", "short", undefined]);
    expect(redact("a secret-key-1234-and-more b secret-key-1234 c short")).toBe("a [redacted] b [redacted] c short");
  });
});
