import type { CredentialSlot, CredentialSlotEvents } from "@awscreds/core";

/** Resolves with the slot's next `event`, then stops listening. */
export function nextEvent<E extends keyof CredentialSlotEvents>(slot: CredentialSlot, event: E): Promise<CredentialSlotEvents[E]> {
  return new Promise((resolve) => {
    const listener = (payload: CredentialSlotEvents[E]) => {
      slot.off(event, listener);
      resolve(payload);
    };
    slot.on(event, listener);
  });
}
