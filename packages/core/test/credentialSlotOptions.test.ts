import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { ConfigurationError, createCredentialSlot, type CredentialSlotOptions } from "@awscreds/core";
import { FakeSource, T0 } from "./helpers/fakeSource.js";

beforeEach(() => void vi.useFakeTimers({ now: T0 }));
afterEach(() => void vi.useRealTimers());

describe("createCredentialSlot options are validated eagerly", () => {
  const source = new FakeSource().fn;
  test.each([
    { name: "no options", options: undefined, message: "needs an options object" },
    { name: "no source", options: {}, message: "source must be a function" },
    { name: "negative readTimeout", options: { source, readTimeout: -1 }, message: "readTimeout must be ≥ 0 ms" },
    { name: "zero startupTimeout", options: { source, startupTimeout: 0 }, message: "startupTimeout must be > 0 ms" },
    { name: "NaN fetchTimeout", options: { source, fetchTimeout: Number.NaN }, message: "fetchTimeout must be > 0 ms" },
    { name: "bad policy", options: { source, policy: { refreshBeforeExpiry: -5 } }, message: "refreshBeforeExpiry must be ≥ 0 ms" },
    { name: "unknown policy key", options: { source, policy: { refreshWindow: 1 } }, message: 'unknown refresh policy option "refreshWindow"' },
    { name: "logger without warn", options: { source, logger: { debug() {}, info() {}, error() {} } }, message: "logger must have debug, info, warn and error methods" },
    { name: "non-boolean failFast", options: { source, failFast: "yes" }, message: "failFast must be a boolean" },
    { name: "non-function now", options: { source, now: 5 }, message: "now must be a function" },
    { name: "non-signal signal", options: { source, signal: {} }, message: "signal must be an AbortSignal" },
  ])("$name", ({ options, message }) => {
    const create = (): unknown => createCredentialSlot(options as unknown as CredentialSlotOptions);
    expect(create).toThrow(ConfigurationError);
    expect(create).toThrow(message);
    expect(vi.getTimerCount()).toBe(0); // nothing started
  });

  test("valid options start the slot; readTimeout 0 never waits", async () => {
    const fake = new FakeSource().hold();
    const slot = createCredentialSlot({ source: fake.fn, readTimeout: 0, name: "orders", policy: { jitterWindow: 0 } });
    expect(fake.count).toBe(1);
    const read = slot.get().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);
    expect(await read).toMatchObject({ name: "CredentialsUnavailableError" });
    expect(slot.stats()).toMatchObject({ name: "orders", inFlight: true, closed: false });
    await slot.close();
  });
});
