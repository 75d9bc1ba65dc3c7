/** The credential slot: hot credentials in memory, replaced atomically by its refresh loop. */
export { createCredentialSlot, isSlotClosed } from "./credentialSlot.js";
export type { CredentialSlotOptions, CredentialSource } from "./credentialSlotOptions.js";
export type { CredentialSlot, CredentialSlotStats, GetCredentialsOptions, SlotCredentialProvider } from "./credentialSlotTypes.js";
export { describeSource } from "./credentialSourceDescription.js";
export type { CredentialSlotEvent, CredentialSlotEventName, CredentialSlotEvents, CredentialSlotListener } from "./slotEvents.js";
