import type { AwsCredentialIdentity } from "@smithy/types";
import type { CredentialSlot } from "./credentialSlotTypes.js";

/**
 * Resolves with the slot's credentials once they are no longer `staleKey`, or with whatever it
 * holds when `timeout` ms pass or a refresh fails. Only a retry after AWS said `ExpiredToken`
 * waits here: the request failed already, and signing it again with the same key cannot work.
 */
export async function awaitReplacement(slot: CredentialSlot, staleKey: string, timeout: number): Promise<AwsCredentialIdentity> {
  const held = slot.current();
  if (held !== undefined && held.accessKeyId !== staleKey) return held;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      slot.off("refreshed", done).off("refreshFailed", done);
      resolve();
    };
    const timer = setTimeout(done, timeout);
    timer.unref?.();
    slot.on("refreshed", done).on("refreshFailed", done);
  });
  return slot.current() ?? slot.get();
}
