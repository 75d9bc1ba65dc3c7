/** Credential sources: where a slot fetches credentials from (web identity, container, environment, the SDK chain, any provider). */
export { fromContainer } from "./fromContainer.js";
export type { ContainerOptions } from "./fromContainer.js";
export { fromEnvironmentKeys } from "./fromEnvironmentKeys.js";
export { fromProvider } from "./fromProvider.js";
export { SDK_CHAIN_LOOKS_FOR, fromSdkChain } from "./fromSdkChain.js";
export { fromWebIdentity } from "./fromWebIdentity.js";
export type { WebIdentityOptions, WebIdentitySource } from "./fromWebIdentity.js";
