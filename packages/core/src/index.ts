/**
 * `@awscreds/core`: AWS credentials held hot in memory and refreshed ahead of expiry by a
 * background timer, so reading them never waits on the network.
 */
export {
  awsCredsPlugin,
  coldStartMiddlewareOptions,
  EXPIRED_CREDENTIALS_CODES,
  expiredTokenRecoveryMiddlewareOptions,
  isExpiredCredentialsError,
  OLDEST_SUPPORTED_SDK_VERSION,
} from "./plugin/index.js";
export type { AwsClientConfig, AwsCredsPluginOptions } from "./plugin/index.js";
export { createCredentialSlot } from "./slot/index.js";
export type {
  CredentialSlot,
  CredentialSlotEvent,
  CredentialSlotEventName,
  CredentialSlotEvents,
  CredentialSlotListener,
  CredentialSlotOptions,
  CredentialSlotStats,
  CredentialSource,
  GetCredentialsOptions,
  SlotCredentialProvider,
} from "./slot/index.js";
export { fromContainer, fromEnvironmentKeys, fromProvider, fromSdkChain, fromWebIdentity } from "./sources/index.js";
export type { ContainerOptions, WebIdentityOptions, WebIdentitySource } from "./sources/index.js";
export { chooseDefaultSource, closeDefaultSlot, decideDefaultSource, defaultSlot } from "./defaults/index.js";
export type { DefaultSourceDecision, DefaultSourceFacts, DefaultSourceKind } from "./defaults/index.js";
export { classifyError, decide, DEFAULT_REFRESH_POLICY, isUsable, planRefresh, planRetry, planRetryOnDemand, resolveRefreshPolicy } from "./policy/index.js";
export type { RefreshDecision, RefreshInput, RefreshPolicyOptions, RetryInput } from "./policy/index.js";
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
