/**
 * Fault matrix, token file rows: the projected service-account token that `fromWebIdentity()`
 * re-reads on every fetch goes missing, empty, unreadable, or is rotated, under load. See
 * helpers/loadHarness.ts for the rig, the time scale and the checks (a)–(e) every row shares.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { POLICY, TOKEN, failOnUnhandledRejections, maxAttemptsWithin, maxRefreshesWithin, runRow, LOAD_SLACK_MS } from "./helpers/loadHarness.js";

failOnUnhandledRejections();

/** The file is fixed this long before lastStart; load goes on until this long past the edge. */
const BEFORE_LAST_START = 300;
const TAIL = 500;

/**
 * Makes the token file unreadable: mode 000 where that stops reads, else (as root, which
 * chmod does not stop) a directory in its place, so the row runs, and fails, either way.
 * Returns the error code the read now fails with.
 */
function makeUnreadable(file: string): "EACCES" | "EISDIR" {
  chmodSync(file, 0o000);
  try {
    readFileSync(file);
  } catch {
    return "EACCES";
  }
  rmSync(file);
  mkdirSync(file);
  return "EISDIR";
}

function restoreTokenFile(file: string): void {
  rmSync(file, { recursive: true, force: true });
  writeFileSync(file, TOKEN);
}

interface TokenFault {
  /** Breaks the file; returns the error code its read fails with. */
  readonly breakFile: (file: string) => string;
  /** `refreshFailed` message the operator sees, naming the file and the code. */
  readonly message: (file: string, code: string) => RegExp;
}

const unreadableMessage = (file: string, code: string) => new RegExp(`cannot read the web identity token file ${file} \\(${code}\\); check that the service-account token volume is mounted and readable`);

const faults: Array<[string, TokenFault]> = [
  [
    "token file missing",
    {
      breakFile: (file) => {
        rmSync(file);
        return "ENOENT";
      },
      message: unreadableMessage,
    },
  ],
  ["token file unreadable", { breakFile: makeUnreadable, message: unreadableMessage }],
];

describe("fault matrix under load: the web identity token file", () => {
  /*
   * Timeline: the file breaks at ready; the refresh R1 fails on it and is retried with backoff;
   * the file is fixed at lastStart − 300 ms; the attempt at lastStart at the latest succeeds.
   * Bound (c): no STS call while the file is broken (the source fails before calling STS), so
   * STS calls ≤ 1 start-up + 1 success + ⌈tail / 1.125 s⌉; slot attempts ≤ A(W) spaced by full
   * jitter's floor min(100 ms, 25 ms × 2^(n−1)), + 1 snapped to lastStart.
   */
  test.for(faults)("%s until shortly before lastStart: a retryable failure naming the file, no STS call, no request fails", ([row, fault]) =>
    runRow(async (startRig) => {
      const rig = await startRig();
      const { tokenFile } = rig;
      const k1 = rig.heldKey();
      const fixedAt = k1.lastStart - BEFORE_LAST_START;
      expect(k1.refreshAt, "the refresh falls inside the fault window").toBeLessThan(fixedAt - 500);
      const code = fault.breakFile(tokenFile);
      rig.at(fixedAt, () => restoreTokenFile(tokenFile));

      const load = await rig.runUntil(k1.edge + TAIL);

      const failures = rig.events.filter((e) => e.type === "refreshFailed");
      expect(failures.length).toBeGreaterThan(0);
      for (const failure of failures) {
        expect(failure.error?.kind).toBe("retryable");
        expect(failure.error?.message).toMatch(fault.message(tokenFile, code));
      }
      const calls = rig.stsCalls();
      expect(calls.every((c) => c.outcome === "ok" && c.webIdentityToken === TOKEN)).toBe(true);
      expect(calls.filter((c) => c.at > k1.refreshAt - 5 && c.at < fixedAt)).toEqual([]);
      expect(rig.events.find((e) => e.type === "refreshed" && e.at > fixedAt)?.at ?? Infinity).toBeLessThan(k1.edge);
      expect(rig.events.filter((e) => e.type === "expired")).toEqual([]);
      expect(load.failed).toEqual([]);
      load.expectServedWhileValid();
      load.expectNoExpiredKeyUsed();
      const attemptBound = maxAttemptsWithin(fixedAt - k1.refreshAt + LOAD_SLACK_MS, POLICY.backoffBase) + 1;
      expect(failures.length, `failed attempts ≤ A(W) + 1 = ${attemptBound}`).toBeLessThanOrEqual(attemptBound);
      const bound = 1 + 1 + maxRefreshesWithin(k1.edge + TAIL - fixedAt);
      expect(calls.length, `STS calls ≤ 2 + ⌈tail/1.125 s⌉ = ${bound}`).toBeLessThanOrEqual(bound);
      load.report(row, { stsBound: bound, attemptBound, failedAttempts: failures.length, code });
    }));

  /*
   * The same with an empty file (a volume mounted but not yet written, a non-atomic rewrite).
   * Expected, as for a missing file: a retryable failure naming the file, and no call to STS
   * with an empty token. Bound (c) as above.
   *
   * This row found a bug, since fixed in fromWebIdentity.ts: the empty token went to STS, which
   * answered ValidationError ("Value null at 'webIdentityToken'"), classified nonRetryable, so the
   * next attempt was nonRetryableRetryDelay away (5–10 min in production) and the credentials
   * expired although the file was fixed before lastStart.
   */
  test("token file empty until shortly before lastStart: a retryable failure naming the file, no STS call, no request fails", () =>
    runRow(async (startRig) => {
      const rig = await startRig();
      const { tokenFile } = rig;
      const k1 = rig.heldKey();
      const fixedAt = k1.lastStart - BEFORE_LAST_START;
      writeFileSync(tokenFile, "");
      rig.at(fixedAt, () => restoreTokenFile(tokenFile));

      const load = await rig.runUntil(k1.edge + TAIL);

      load.report("token file empty", { failedAttempts: rig.events.filter((e) => e.type === "refreshFailed").length });
      const failures = rig.events.filter((e) => e.type === "refreshFailed");
      expect(failures.length).toBeGreaterThan(0);
      for (const failure of failures) {
        expect(failure.error?.kind).toBe("retryable");
        expect(failure.error?.message).toMatch(new RegExp(`web identity token file ${tokenFile}.*empty`));
      }
      const calls = rig.stsCalls();
      expect(calls.filter((c) => c.webIdentityToken !== TOKEN)).toEqual([]);
      expect(rig.events.filter((e) => e.type === "expired")).toEqual([]);
      expect(load.failed).toEqual([]);
      load.expectServedWhileValid();
      load.expectNoExpiredKeyUsed();
      expect(calls.length).toBeLessThanOrEqual(1 + 1 + maxRefreshesWithin(k1.edge + TAIL - fixedAt));
    }));

  /*
   * kubelet rotates the token mid-run; from then on the identity provider accepts only the new
   * one (the emulator's expectedWebIdentityToken). The next fetch must read it: no failure.
   * Bound (c): 1 start-up + ⌈T / 1.125 s⌉ refreshes, every one answered.
   */
  test("token file rotated mid-run: the next fetch sends the new token, nothing fails", () =>
    runRow(async (startRig) => {
      const rig = await startRig();
      const { tokenFile, aws } = rig;
      const k1 = rig.heldKey();
      const rotatedAt = rig.clock.now() + 300;
      const rotated = "web-identity-token-2";
      rig.at(rotatedAt, () => {
        writeFileSync(tokenFile, rotated);
        aws.configure({ sts: { expectedWebIdentityToken: rotated } });
      });
      const started = rig.clock.now();

      const load = await rig.runUntil(k1.edge + TAIL);

      const calls = rig.stsCalls();
      expect(calls.length).toBeGreaterThanOrEqual(2);
      expect(calls.map((c) => [c.outcome, c.webIdentityToken])).toEqual(calls.map((_, i) => ["ok", i === 0 ? TOKEN : rotated]));
      expect(rig.events.filter((e) => e.type !== "refreshed")).toEqual([]);
      expect(load.failed).toEqual([]);
      load.expectServedWhileValid();
      load.expectNoExpiredKeyUsed();
      const bound = 1 + maxRefreshesWithin(rig.clock.now() - started);
      expect(calls.length, `STS calls ≤ 1 + ⌈T/1.125 s⌉ = ${bound}`).toBeLessThanOrEqual(bound);
      load.report("token file rotated", { stsBound: bound });
    }));
});
