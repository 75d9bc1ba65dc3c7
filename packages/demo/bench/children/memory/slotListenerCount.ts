import type { CredentialSlot } from "@awscreds/core";

/**
 * Counts the listeners on a slot's events API: the slot offers `on`/`off` but no count, so this
 * wraps both on the instance and mirrors what they add and remove. Call it right after creating
 * the slot, before anything (the plugin included) could add a listener.
 */
export function countSlotListeners(slot: CredentialSlot): () => number {
  const registered = new Map<string, Set<unknown>>();
  const on = slot.on.bind(slot);
  const off = slot.off.bind(slot);
  slot.on = ((event, listener) => {
    let set = registered.get(event);
    if (set === undefined) registered.set(event, (set = new Set()));
    set.add(listener);
    return on(event, listener);
  }) as CredentialSlot["on"];
  slot.off = ((event, listener) => {
    registered.get(event)?.delete(listener);
    return off(event, listener);
  }) as CredentialSlot["off"];
  return () => [...registered.values()].reduce((sum, set) => sum + set.size, 0);
}
