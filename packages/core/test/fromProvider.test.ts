import { describe, expect, test, vi } from "vitest";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { ConfigurationError, fromProvider } from "@awscreds/core";

const creds = { accessKeyId: "ASIAPROVIDER", secretAccessKey: "s" };

describe("fromProvider", () => {
  test("calls the provider with forceRefresh: true on every fetch (defeats a memoized provider)", async () => {
    let calls = 0;
    // A memoized provider: returns its cached value unless forced.
    const memoized: AwsCredentialIdentityProvider = async (props) => (props?.forceRefresh === true ? { ...creds, accessKeyId: `ASIA${++calls}` } : creds);
    const source = fromProvider(memoized);
    expect((await source(new AbortController().signal)).accessKeyId).toBe("ASIA1");
    expect((await source(new AbortController().signal)).accessKeyId).toBe("ASIA2");
  });

  test("aborting the signal rejects the wait with its reason, even if the provider ignores it", async () => {
    const hanging = vi.fn<AwsCredentialIdentityProvider>(() => new Promise(() => {}));
    const controller = new AbortController();
    const pending = fromProvider(hanging)(controller.signal);
    const reason = new Error("attempt timed out");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect(fromProvider(hanging)(AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(hanging).toHaveBeenCalledTimes(1); // not called at all when already aborted
  });

  test("a provider that throws synchronously rejects", async () => {
    const throwing: AwsCredentialIdentityProvider = () => {
      throw new Error("no token file");
    };
    await expect(fromProvider(throwing)(new AbortController().signal)).rejects.toThrow("no token file");
  });

  test("rejects a non-function eagerly", () => {
    expect(() => fromProvider(undefined as unknown as AwsCredentialIdentityProvider)).toThrow(ConfigurationError);
  });
});
