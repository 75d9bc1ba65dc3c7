import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { planRefresh } from "@awscreds/core";
import { EmulatorRecords } from "@awscreds/emulator";
import { afterAll, describe, expect, it } from "vitest";
import { EmulatorTally } from "../soak/emulatorTally.js";
import { lifetimeSecondsFor, MAX_PERIOD_MS, MIN_PERIOD_MS, rotationPeriodMs } from "../soak/pacing.js";
import { parseSoakArguments, SoakArgumentError } from "../soak/soakArguments.js";
import type { SoakReport } from "../soak/soakReport.js";

const MAIN = fileURLToPath(new URL("../soak/main.ts", import.meta.url));
const QUICK_TIMEOUT_MS = 240_000;

describe("npm run soak -- --quick", () => {
  const out = mkdtempSync(join(tmpdir(), "awscreds-soak-test-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const jsonPath = join(out, "soak.json");
  // One smoke run shared by the assertions below: 6,000 requests, at least 3 rotations.
  const run = promisify(execFile)(process.execPath, ["--import", "tsx", MAIN, "--quick", "--out", jsonPath], {
    env: { ...process.env, INIT_CWD: out },
    timeout: QUICK_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    (result) => ({ code: 0, stdout: result.stdout }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, stdout: `${error.stdout ?? ""}${error.stderr ?? ""}` }),
  );
  const report = async () => {
    await run;
    return JSON.parse(readFileSync(jsonPath, "utf8")) as SoakReport;
  };

  it(
    "meets every goal and exits 0",
    async () => {
      const { code, stdout } = await run;
      const { goals } = await report();
      expect(goals.filter((goal) => !goal.met).map((goal) => `${goal.id}: ${goal.measured} (goal ${goal.goal})`)).toEqual([]);
      expect(code, stdout).toBe(0);
      expect(stdout).toContain("every goal met");
    },
    QUICK_TIMEOUT_MS,
  );

  it(
    "counts every request on both sides, with rotations, and no failure of any kind",
    async () => {
      const { figures, run: soak } = await report();
      expect(figures.requests).toBe(6_000);
      expect(figures.emulatorSignedRequests).toBe(6_001); // + the seeded object
      expect(figures.failedRequests).toBe(0);
      expect(figures.signatureFailures).toBe(0);
      expect(figures.expiredKeyUses).toBe(0);
      expect(figures.rotations).toBeGreaterThanOrEqual(3);
      expect(figures.stsCalls).toBe(figures.rotations + 1);
      expect(figures.keysUsed).toBeGreaterThanOrEqual(figures.rotations);
      expect(soak.summary?.signedSends).toBeGreaterThanOrEqual(6_001);
      expect(soak.emulator.recordsDrained).toBe(soak.emulator.signedRequests);
    },
    QUICK_TIMEOUT_MS,
  );

  it(
    "samples both processes after the warm-up and at the end, and writes the sample table",
    async () => {
      const { run: soak, figures, machine } = await report();
      expect(soak.clientSamples.map((sample) => sample.requests)).toEqual([2_000, 3_000, 4_000, 5_000, 6_000]);
      expect(soak.emulatorSamples.map((sample) => sample.requests)).toEqual([2_000, 3_000, 4_000, 5_000, 6_000]);
      expect(soak.emulatorSamples.every((sample) => sample.requestRecordsHeld === 0)).toBe(true);
      expect(figures.heap.firstBytes).toBeGreaterThan(1_000_000);
      expect(soak.clientSamples.every((sample) => sample.slotListeners >= 1 && sample.pooledSockets <= 16)).toBe(true);
      expect(machine.cores).toBeGreaterThan(0);
      const { stdout } = await run;
      expect(stdout).toMatch(/│ *requests *│/);
    },
    QUICK_TIMEOUT_MS,
  );
});

describe("soak pieces", () => {
  it("parses its options, with the full run as default and --quick as a smoke run", () => {
    const full = parseSoakArguments([], "/somewhere");
    expect(full).toMatchObject({ requests: 1_000_000, rotations: 100, concurrency: 16, warmupRequests: 50_000, sampleEvery: 25_000, outPath: "/somewhere/awscreds-soak.json", quick: false });
    expect(parseSoakArguments(["--quick"], "/x")).toMatchObject({ requests: 6_000, rotations: 3, warmupRequests: 2_000, sampleEvery: 1_000 });
    expect(parseSoakArguments(["--requests", "200,000", "--rotations", "20", "--concurrency", "4", "--out", "r.json"], "/x")).toMatchObject({
      requests: 200_000,
      rotations: 20,
      concurrency: 4,
      outPath: "/x/r.json",
    });
    expect(() => parseSoakArguments(["--requests", "0"])).toThrow(SoakArgumentError);
    expect(() => parseSoakArguments(["--requests", "100", "--warmup", "100"])).toThrow(/--warmup/);
    expect(() => parseSoakArguments(["--bogus"])).toThrow(SoakArgumentError);
  });

  it("paces rotations so the rest of the run sees the rotations still needed, within bounds", () => {
    // 100,000 of 1,000,000 done in 200 s: 1,800 s left; 126 rotations aimed at, 10 done.
    expect(rotationPeriodMs({ requests: 1_000_000, done: 100_000, elapsedMs: 200_000, rotations: 10, targetRotations: 100 })).toBeCloseTo(1_800_000 / 116, 0);
    expect(rotationPeriodMs({ requests: 1_000_000, done: 999_000, elapsedMs: 1_000_000, rotations: 10, targetRotations: 100 })).toBe(MIN_PERIOD_MS);
    expect(rotationPeriodMs({ requests: 1_000_000, done: 1_000, elapsedMs: 1_000_000, rotations: 0, targetRotations: 1 })).toBe(MAX_PERIOD_MS);
    expect(rotationPeriodMs({ requests: 1_000, done: 0, elapsedMs: 0, rotations: 0, targetRotations: 3 })).toBe(MIN_PERIOD_MS);
  });

  it("with those lifetimes, the default policy replaces a key about one period after it was issued", () => {
    for (const periodMs of [MIN_PERIOD_MS, 5_000, 12_345, MAX_PERIOD_MS]) {
      for (const random of [0, 0.5, 0.999]) {
        const obtainedAt = 1_700_000_000_250;
        const issuedExpiration = obtainedAt + lifetimeSecondsFor(periodMs) * 1000;
        const expiration = Math.floor(issuedExpiration / 1000) * 1000; // as the client reads it
        const refreshAt = planRefresh({ expiration, obtainedAt, fetchTimeout: 10_000 }, random) - obtainedAt;
        expect(refreshAt).toBeGreaterThanOrEqual(periodMs - 500);
        expect(refreshAt).toBeLessThanOrEqual(periodMs + 1_000);
      }
    }
  });

  it("drains the emulator's request records into counters", () => {
    const records = new EmulatorRecords();
    const request = { at: 1_000, durationMs: 1, service: "dynamodb" as const, operation: "GetItem", accessKeyId: "ASIAONE", signatureValid: true, keyExpired: false, presigned: false, latencyMs: 0, status: 200 };
    records.requests.push(request, { ...request, at: 2_000, signatureValid: false, status: 403, errorCode: "SignatureDoesNotMatch" }, { ...request, accessKeyId: "ASIASTRAY" });
    const tally = new EmulatorTally();
    tally.drain(records);
    expect(records.requests).toHaveLength(0);
    expect(tally).toMatchObject({ signedRequests: 3, signatureFailures: 1, expiredKeyUses: 0, errorAnswers: { SignatureDoesNotMatch: 1 }, drained: 3 });
    const check = tally.crossCheck([{ at: 0, durationMs: 1, action: "AssumeRoleWithWebIdentity", outcome: "ok", accessKeyId: "ASIAONE", expiration: 12_000 }]);
    expect(check).toEqual({ keysIssued: 1, keysUsed: 1, closestUseToExpiryMs: 10_000 });
    expect(tally.requestsWithUnknownKey).toBe(1);
  });
});
