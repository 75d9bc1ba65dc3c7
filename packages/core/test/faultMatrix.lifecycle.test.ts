/**
 * Fault matrix, lifecycle rows: the service revokes a key, the host clock jumps, the event loop
 * stalls, and the slot (or the default slot) is closed, all under load. See
 * helpers/loadHarness.ts for the rig, the time scale and the checks (a)–(e) every row shares.
 */
import { closeDefaultSlot, defaultSlot } from "@awscreds/core";
import { describe, expect, test } from "vitest";
import {
  FETCH_TIMEOUT,
  LIFETIME_MS,
  LOAD_SLACK_MS,
  READ_TIMEOUT,
  failOnUnhandledRejections,
  maxRefreshesWithin,
  runRow,
} from "./helpers/loadHarness.js";

failOnUnhandledRejections();

describe("fault matrix under load: lifecycle", () => {
  /*
   * 500 ms into the load the service revokes the key in use (the emulator ends its validity).
   * Requests signed with it meet ExpiredToken; the plugin invalidates the key once, waits for
   * the replacement and sends each such request once more.
   * Bound (c): 1 start-up + 1 replacement (one per revoked key, however many requests fail
   * with it) + ⌈T / 1.125 s⌉ refreshes.
   */
  test("the service revokes the key in use (ExpiredToken): every request recovers through the plugin, one STS call for all", () =>
    runRow(async (startRig) => {
      const rig = await startRig();
      const { aws } = rig;
      const started = rig.clock.now();
      const revokedAt = started + 500;
      let revoked = "";
      const slot = rig.slot;
      rig.at(revokedAt, () => {
        revoked = slot.current()?.accessKeyId ?? "";
        aws.expireKey(revoked);
      });

      const load = await rig.runFor(2_000);

      const rejected = aws.records.requests.filter((r) => r.errorCode !== undefined);
      expect(rejected.length).toBeGreaterThan(0);
      expect(rejected.every((r) => r.accessKeyId === revoked && r.at >= revokedAt && ["ExpiredTokenException", "ExpiredToken"].includes(r.errorCode ?? ""))).toBe(true);
      expect(load.failed).toEqual([]);
      load.expectServedWhileValid();
      // The revoked key is the one expired key the emulator may see; never after the replacement.
      const replacedAt = rig.events.find((e) => e.type === "refreshed" && e.at >= revokedAt)?.at ?? Infinity;
      load.expectNoExpiredKeyUsed((r) => r.accessKeyId === revoked && r.at >= revokedAt && r.at <= replacedAt + LOAD_SLACK_MS);
      expect(rig.pluginLogs.some((l) => l.level === "warn" && /AWS answered ExpiredToken(Exception)? for ASIA\w+; refreshing, sending once more with the replacement/.test(l.text))).toBe(true);
      const bound = 1 + 1 + maxRefreshesWithin(rig.clock.now() - started);
      expect(rig.stsCalls().length, `STS calls ≤ 2 + ⌈T/1.125 s⌉ = ${bound}`).toBeLessThanOrEqual(bound);
      load.report("service revokes the key (ExpiredToken)", { stsBound: bound, rejectedByService: rejected.length });
    }));

  /*
   * The host clock steps 11 s (two lifetimes) forward, 300 ms into the load, before the first
   * refresh: a suspended VM resuming, an NTP step. The emulator's clock steps with it, so STS's
   * expirations and its expiry checks agree with the host (the SDK's signing clock does not
   * move: 11 s of skew is well within SigV4's 15 minutes). The held key is now past its
   * expiration: the first read refreshes at once and requests wait for it (≤ readTimeout).
   * Requests signed just before the step and in flight across it meet ExpiredToken and are
   * recovered by the plugin. Bound (c): 1 start-up + 1 catch-up + ⌈T / 1.125 s⌉ refreshes.
   */
  test("clock jumps forward past expiry: the slot refreshes at once, no request fails, no key is signed after it expired", () =>
    runRow(async (startRig) => {
      const rig = await startRig();
      const k1 = rig.heldKey();
      let jumpedAt = Infinity;
      const host = rig;
      rig.at(rig.clock.now() + 300, () => {
        host.jumpClock(2 * LIFETIME_MS);
        jumpedAt = host.clock.now();
      });

      const load = await rig.runFor(2_000);

      const caughtUp = rig.events.find((e) => e.type === "refreshed" && e.at >= jumpedAt);
      expect(caughtUp?.at ?? Infinity).toBeLessThan(jumpedAt + LOAD_SLACK_MS);
      expect(rig.events.filter((e) => e.type === "refreshFailed")).toEqual([]);
      expect(load.failed).toEqual([]);
      load.expectServedWhileValid();
      // Only a request signed with the old key before the step and arriving after it.
      load.expectNoExpiredKeyUsed((r) => r.accessKeyId === k1.accessKeyId && r.at >= jumpedAt && r.at < jumpedAt + LOAD_SLACK_MS);
      expect(load.requests.every((r) => r.signed.every((s) => s.accessKeyId !== k1.accessKeyId || s.at < jumpedAt))).toBe(true);
      const bound = 1 + 1 + maxRefreshesWithin(rig.clock.now() - jumpedAt);
      expect(rig.stsCalls().length, `STS calls ≤ 2 + ⌈T/1.125 s⌉ = ${bound}`).toBeLessThanOrEqual(bound);
      load.report("clock jumps forward", { stsBound: bound, catchUpMs: Math.round((caughtUp?.at ?? NaN) - jumpedAt) });
    }));

  /*
   * The host clock (and the emulator's with it) steps 11 s back, 300 ms into the load. The held
   * key has 11 s more to live on both clocks, and the planned refresh is 11 s further away: the
   * slot must sleep on, not refresh early nor storm. Bound (c): exactly 1 STS call (start-up).
   */
  test("clock jumps backward: no refresh storm, no early refresh, requests unaffected", () =>
    runRow(async (startRig) => {
      const rig = await startRig();
      const k1 = rig.heldKey();
      const host = rig;
      rig.at(rig.clock.now() + 300, () => host.jumpClock(-2 * LIFETIME_MS));
      const seen = rig.events.length;

      const load = await rig.runFor(3_000);

      expect(rig.stsCalls(), "STS calls = 1").toHaveLength(1);
      expect(rig.slot.stats()).toMatchObject({ accessKeyId: k1.accessKeyId, nextRefreshAt: k1.refreshAt, usable: true });
      expect(rig.events.slice(seen)).toEqual([]);
      expect(load.failed).toEqual([]);
      load.expectServedWhileValid();
      load.expectNoExpiredKeyUsed();
      load.report("clock jumps backward", { stsBound: 1 });
    }));

  /*
   * A busy loop blocks the event loop (the emulator's too: it shares the process) from 100 ms
   * before the planned refresh until 200 ms past the edge, still before the key's expiration.
   * This row pins the refresh at lastStart (refreshBeforeExpiry 0, no jitter) so that the block
   * spans both instants in 850 ms. When the loop runs again the slot re-reads the clock: it
   * reports the expiry, refreshes at once, and the requests that queued up meanwhile wait for
   * it. Bound (c): 1 start-up + 1 catch-up + ⌈tail / 1.125 s⌉ refreshes.
   */
  test("event loop blocked past the refresh instant and the edge: the slot catches up at once, no expired key is used", () =>
    runRow(async (startRig) => {
      const rig = await startRig({ policy: { refreshBeforeExpiry: 0, jitterWindow: 0 } });
      const k1 = rig.heldKey();
      expect(k1.refreshAt).toBe(k1.lastStart);
      const blockedUntil = k1.edge + 200;
      const host = rig;
      rig.at(k1.refreshAt - 100, () => host.blockEventLoopUntil(blockedUntil));
      const tail = 1_000;

      const load = await rig.runUntil(blockedUntil + tail);

      const calls = rig.stsCalls();
      expect(calls[1]?.at ?? Infinity, "the refresh after the block").toBeLessThan(blockedUntil + LOAD_SLACK_MS);
      expect(calls.every((c) => c.outcome === "ok")).toBe(true);
      expect(rig.events.filter((e) => e.type === "expired").map((e) => e.accessKeyId)).toEqual([k1.accessKeyId]);
      load.expectServedWhileValid();
      load.expectNoExpiredKeyUsed();
      // Requests that queued during the block waited for the refresh; if any gave up, it was typed and bounded.
      load.expectFailuresFast(["CredentialsUnavailableError"], READ_TIMEOUT + LOAD_SLACK_MS);
      const refreshedAt = rig.events.find((e) => e.type === "refreshed" && e.at >= blockedUntil)?.at ?? Infinity;
      expect(load.requests.filter((r) => (r.readAt ?? 0) > refreshedAt && r.error !== undefined)).toEqual([]);
      const bound = 1 + 1 + maxRefreshesWithin(tail);
      expect(calls.length, `STS calls ≤ 2 + ⌈tail/1.125 s⌉ = ${bound}`).toBeLessThanOrEqual(bound);
      load.report("event loop blocked", { stsBound: bound, catchUpMs: Math.round(refreshedAt - blockedUntil), waitedRequests: load.requests.filter((r) => (r.identityWaitMs ?? 0) > 5).length });
    }));

  /*
   * close() 700 ms into the load, with the service answering in 30 ms so that many requests are
   * in flight. Those that had read credentials finish; those that read after close() fail at
   * once with SlotClosedError, without reaching the service. Bound (c): exactly 1 STS call.
   */
  test("close() under load while serving: in-flight requests finish, later ones fail at once with SlotClosedError", () =>
    runRow(async (startRig) => {
      const rig = await startRig({ emulator: { service: { latencyMs: 30 } } });
      const { slot, clock } = rig;
      let closeAt = Infinity;
      let closed: Promise<void> | undefined;
      rig.at(clock.now() + 700, () => {
        closeAt = clock.now();
        closed = slot.close();
      });

      const load = await rig.runFor(1_500);

      // The clock reads whole milliseconds: a read in the very millisecond of close() may go either way.
      const before = load.requests.filter((r) => r.readAt !== undefined && r.readAt < closeAt);
      const after = load.requests.filter((r) => (r.readAt ?? r.sentAt) > closeAt);
      expect(before.length).toBeGreaterThan(0);
      expect(after.length).toBeGreaterThan(0);
      expect(before.filter((r) => r.error !== undefined)).toEqual([]);
      expect(after.filter((r) => r.error?.name !== "SlotClosedError")).toEqual([]);
      load.expectFailuresFast(["SlotClosedError"], LOAD_SLACK_MS);
      await closed;
      expect(slot.stats()).toMatchObject({ closed: true, waiting: 0, usable: false });
      // Nothing signed after close reached the service.
      expect(rig.aws.records.requests.length).toBe(load.requests.length - load.failed.length);
      load.expectNoExpiredKeyUsed();
      expect(rig.stsCalls(), "STS calls = 1").toHaveLength(1);
      load.report("close() while serving", { stsBound: 1 });
    }));

  /*
   * STS hangs from the start, so requests wait on the first fetch (each up to readTimeout,
   * then CredentialsUnavailableError). close() 600 ms in rejects the waiting ones at once with
   * SlotClosedError and aborts the fetch; later requests fail at once too.
   * Bound (c): attempts of the first fetch only, each hanging until fetchTimeout:
   * ≤ ⌈(close − first attempt) / 500 ms⌉ + 1.
   */
  test("close() under load while requests wait for credentials: the waiting ones fail at once with SlotClosedError", () =>
    runRow(async (startRig) => {
      const rig = await startRig({ cold: true, emulator: { sts: { mode: "hang" } } });
      const { slot, clock } = rig;
      let closeAt = Infinity;
      let closed: Promise<void> | undefined;
      rig.at(clock.now() + 600, () => {
        closeAt = clock.now();
        closed = slot.close();
      });

      const load = await rig.runFor(1_000);

      // Waiting at close: read before it, and not yet given up (readTimeout) when it came.
      const waiting = load.requests.filter((r) => r.readAt !== undefined && r.readAt < closeAt && r.readAt + READ_TIMEOUT > closeAt + 10);
      expect(waiting.length).toBeGreaterThan(0);
      for (const r of waiting) {
        expect(r.error?.name).toBe("SlotClosedError");
        expect((r.readAt ?? 0) + (r.latencyMs ?? Infinity)).toBeLessThan(closeAt + LOAD_SLACK_MS);
      }
      expect(load.requests.filter((r) => (r.readAt ?? r.sentAt) > closeAt && r.error?.name !== "SlotClosedError")).toEqual([]);
      load.expectFailuresFast(["SlotClosedError", "CredentialsUnavailableError"], READ_TIMEOUT + LOAD_SLACK_MS);
      await closed;
      expect(slot.stats()).toMatchObject({ closed: true, waiting: 0, inFlight: false });
      expect(rig.aws.records.requests).toEqual([]);
      const bound = Math.ceil((closeAt - (rig.stsCalls()[0]?.at ?? NaN)) / FETCH_TIMEOUT) + 1;
      expect(rig.stsCalls().length, `STS calls ≤ ⌈(close − first attempt) / fetchTimeout⌉ + 1 = ${bound}`).toBeLessThanOrEqual(bound);
      load.report("close() while requests wait", { stsBound: bound, waitingAtClose: waiting.length });
    }));

  /*
   * Clients on the process-wide default slot (IRSA variables pointing at the emulator; the
   * default policy, so credentials live an hour here). closeDefaultSlot() 500 ms into the load:
   * in-flight requests finish, and later ones are served by the next default slot, which the
   * first of them creates from the environment (clients follow the default slot, by design).
   * Bound (c): exactly 2 STS calls, one per default slot.
   */
  test("closeDefaultSlot() under load: in-flight requests finish, later ones are served by a new default slot", () =>
    runRow(async (startRig) => {
      const rig = await startRig({ defaultSlot: true, emulator: { sts: { credentialLifetimeSeconds: 3_600 } } });
      const first = defaultSlot();
      const { clock } = rig;
      let closeAt = Infinity;
      let closed: Promise<void> | undefined;
      rig.at(clock.now() + 500, () => {
        closeAt = clock.now();
        closed = closeDefaultSlot();
      });

      const load = await rig.runFor(1_500);

      await closed;
      expect(first.stats()).toMatchObject({ closed: true, waiting: 0 });
      const second = defaultSlot();
      rig.watch(second);
      expect(second).not.toBe(first);
      expect(load.failed).toEqual([]);
      load.expectServedWhileValid();
      load.expectNoExpiredKeyUsed();
      const keys = rig.stsCalls().map((c) => c.accessKeyId);
      expect(keys).toHaveLength(2);
      expect(new Set(load.requests.flatMap((r) => r.signed.map((s) => s.accessKeyId)))).toEqual(new Set(keys));
      expect(load.requests.filter((r) => (r.readAt ?? 0) > closeAt && r.signed.some((s) => s.accessKeyId === keys[0]))).toEqual([]);
      load.report("closeDefaultSlot()", { stsBound: 2, waitedForNewSlot: load.requests.filter((r) => (r.identityWaitMs ?? 0) > 5).length });
    }));
});
