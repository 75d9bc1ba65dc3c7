/** The SDK v3 plugin: middlewares that sign every attempt from a slot, so no request waits on STS. */
export { awsCredsPlugin } from "./awsCredsPlugin.js";
export type { AwsClientConfig, AwsCredsPluginOptions } from "./awsCredsPlugin.js";
export { coldStartMiddlewareOptions } from "./coldStartMiddleware.js";
export { EXPIRED_CREDENTIALS_CODES, isExpiredCredentialsError } from "./expiredCredentialsError.js";
export { expiredTokenRecoveryMiddlewareOptions } from "./expiredTokenRecovery.js";
export { OLDEST_SUPPORTED_SDK_VERSION } from "./supportedClient.js";
