/** The process-wide default slot and the source it picks from the environment. */
export { chooseDefaultSource, decideDefaultSource } from "./chooseDefaultSource.js";
export type { DefaultSourceDecision, DefaultSourceFacts, DefaultSourceKind } from "./chooseDefaultSource.js";
export { closeDefaultSlot, defaultSlot, ensureDefaultSlot } from "./defaultSlot.js";
export { sourceForDecision } from "./defaultSource.js";
