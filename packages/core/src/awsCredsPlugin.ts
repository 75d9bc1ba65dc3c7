import type { Logger, Pluggable } from "@smithy/types";
import type { CredentialSlot } from "./credentialSlotTypes.js";
import { defaultSlot } from "./defaultSlot.js";
import { ConfigurationError } from "./errors.js";
import { SlotSigV4Signer } from "./slotSigner.js";
import { slotSigningMiddleware, slotSigningMiddlewareOptions, type SigningClientConfig } from "./slotSigningMiddleware.js";

/** Options of {@link awsCredsPlugin}, per client. */
export interface AwsCredsPluginOptions {
  /** The slot to sign from. @default the process-wide {@link defaultSlot} (web identity from the environment) */
  slot?: CredentialSlot;
  /** Where this client's plugin logs (an `ExpiredToken` recovery). @default none */
  logger?: Logger;
  /** When AWS answers `ExpiredToken`, refresh that key and let the SDK retry once. @default true */
  refreshOnExpiredToken?: boolean;
  /** How long that retry waits for the replacement credentials, in ms. @default 5000 */
  replacementTimeout?: number;
}

/** The resolved config of an AWS SDK v3 client: `client.config`. */
export type AwsClientConfig = SigningClientConfig;

/**
 * Makes a client take its credentials from a slot and sign every attempt from it, so no
 * request waits on STS: not the first, not near expiry, not on retry.
 *
 * It needs the client's config because the SDK awaits `config.credentials` before signing (in
 * the serialize step, and for DynamoDB in endpoint resolution); a plugin that only replaced the
 * signer would leave those waits in place. The plugin points `config.credentials` at the slot
 * (marked `memoized`, so the SDK adds no 5-minute wrapper) and replaces the SDK's signing
 * middleware in place.
 *
 * @example
 * ```ts
 * const dynamodb = new DynamoDBClient({});
 * dynamodb.middlewareStack.use(awsCredsPlugin(dynamodb.config));
 * ```
 */
export function awsCredsPlugin<Input extends object, Output extends object>(config: AwsClientConfig, options: AwsCredsPluginOptions = {}): Pluggable<Input, Output> {
  if (typeof config !== "object" || config === null || !("credentials" in config)) {
    throw new ConfigurationError("awsCredsPlugin needs the client's config: client.middlewareStack.use(awsCredsPlugin(client.config))");
  }
  const slot = options.slot ?? defaultSlot();
  const signer = new SlotSigV4Signer(slot, options);
  return {
    applyToStack(stack) {
      config.credentials = slot.provider;
      stack.addRelativeTo(slotSigningMiddleware<Input, Output>(config, signer), slotSigningMiddlewareOptions);
    },
  };
}
