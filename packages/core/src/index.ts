/**
 * `@awscreds/core`: AWS credentials held hot in memory and refreshed ahead of expiry by a
 * background timer, so reading them never waits on the network.
 */
export { awsCredsPlugin } from "./awsCredsPlugin.js";
export type { AwsClientConfig, AwsCredsPluginOptions } from "./awsCredsPlugin.js";
export { closeDefaultSlot, defaultSlot } from "./defaultSlot.js";
export { OLDEST_SUPPORTED_SDK_VERSION } from "./supportedClient.js";
export { expiredTokenRecoveryMiddlewareOptions } from "./expiredTokenRecovery.js";
export { coldStartMiddlewareOptions } from "./coldStartMiddleware.js";
export { EXPIRED_CREDENTIALS_CODES, isExpiredCredentialsError } from "./expiredCredentialsError.js";
export { createCredentialSlot } from "./credentialSlot.js";
export type { CredentialSlot, CredentialSlotStats, GetCredentialsOptions, SlotCredentialProvider } from "./credentialSlotTypes.js";
export type { CredentialSlotOptions, CredentialSource } from "./credentialSlotOptions.js";
export type { CredentialSlotEvent, CredentialSlotEventName, CredentialSlotEvents, CredentialSlotListener } from "./slotEvents.js";
export { fromProvider } from "./fromProvider.js";
export { fromWebIdentity } from "./fromWebIdentity.js";
export { fromContainer } from "./fromContainer.js";
export type { ContainerOptions } from "./fromContainer.js";
export { fromEnvironmentKeys } from "./fromEnvironmentKeys.js";
export { fromSdkChain } from "./fromSdkChain.js";
export { chooseDefaultSource, decideDefaultSource } from "./chooseDefaultSource.js";
export type { DefaultSourceDecision, DefaultSourceFacts, DefaultSourceKind } from "./chooseDefaultSource.js";
export type { WebIdentityOptions, WebIdentitySource } from "./fromWebIdentity.js";
export { classifyError } from "./classifyError.js";
export { decide, isUsable, planRefresh, planRetry, planRetryOnDemand } from "./refreshPolicy.js";
export type { RefreshDecision, RefreshInput, RetryInput } from "./refreshPolicy.js";
export { DEFAULT_REFRESH_POLICY, resolveRefreshPolicy } from "./resolveRefreshPolicy.js";
export type { RefreshPolicyOptions } from "./resolveRefreshPolicy.js";
export {
  AwsCredsError,
  ConfigurationError,
  CredentialSourceError,
  CredentialsUnavailableError,
  InvalidCredentialsError,
  SlotClosedError,
  StartupTimeoutError,
} from "./errors.js";
export type { ErrorKind } from "./errors.js";
