import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { AssumeRoleWithWebIdentityCommand } from "@aws-sdk/client-sts";
import { startEmulator } from "@awscreds/emulator";
import { describe, expect, test } from "vitest";
import { ROLE_ARN, STATIC_KEY, dynamo, sts } from "./support.js";

describe("starting and stopping", () => {
  test("binds 127.0.0.1 on a free port by default and reports its URL", async () => {
    await using aws = await startEmulator();
    expect(aws.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(aws.port).toBeGreaterThan(0);
  });

  test("refuses to bind anything but loopback", async () => {
    await expect(startEmulator({ host: "0.0.0.0" })).rejects.toThrow(/binds loopback only; '0.0.0.0'/);
    await expect(startEmulator({ host: "10.0.0.1" })).rejects.toThrow(/loopback only/);
  });

  test("close() ends hung STS calls and frees the port; a second close() is harmless", async () => {
    const aws = await startEmulator({ sts: { mode: "hang" } });
    const pending = sts(aws, { maxAttempts: 1 }).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE_ARN, RoleSessionName: "s", WebIdentityToken: "t" }));
    await expect.poll(() => aws.hungRequests).toBe(1);
    await aws.close();
    await aws.close();
    await expect(pending).rejects.toThrow();
    await expect(fetch(aws.url)).rejects.toThrow();
  });

  test("`await using` closes it at the end of the scope", async () => {
    let url: string;
    {
      await using aws = await startEmulator();
      url = aws.url;
      expect((await fetch(`${url}/__emulator/settings`)).status).toBe(200);
    }
    await expect(fetch(url)).rejects.toThrow();
  });

  test("an unreferenced emulator does not keep the process alive (server unref'd)", async () => {
    // The child exits on its own once the event loop is empty, without calling close().
    const { execFileSync } = await import("node:child_process");
    const script = `import("${new URL("../src/index.ts", import.meta.url).pathname}").then(m => m.startEmulator()).then(a => console.log(a.url))`;
    const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], { timeout: 15_000, encoding: "utf8" });
    expect(out).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
  });
});

describe("the HTTP control path, for a service under test in another process", () => {
  test("configure, queue STS faults, read records", async () => {
    await using aws = await startEmulator({ staticKeys: [STATIC_KEY] });
    const post = (path: string, body: unknown) => fetch(`${aws.url}/__emulator/${path}`, { method: "POST", body: JSON.stringify(body) });
    expect((await post("configure", { sts: { latencyMs: 5 } })).status).toBe(200);
    expect(aws.settings.sts.latencyMs).toBe(5);
    expect((await post("configure", { sts: { mode: "nope" } })).status).toBe(400);
    expect(await (await post("sts-faults", { mode: "throttle", count: 1 })).json()).toEqual({ queued: 1 });

    await expect(sts(aws, { maxAttempts: 1 }).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE_ARN, RoleSessionName: "s", WebIdentityToken: "t" }))).rejects.toMatchObject({ name: "Throttling" });
    await dynamo(aws).send(new ListTablesCommand({}));
    const records = (await (await fetch(`${aws.url}/__emulator/records`)).json()) as { stsCalls: Array<{ outcome: string }>; requests: Array<{ operation: string }> };
    expect(records.stsCalls.map((c) => c.outcome)).toEqual(["Throttling"]);
    expect(records.requests.map((r) => r.operation)).toEqual(["ListTables"]);
  });
});
