import type { AwsCredentialIdentityProvider, Logger, Pluggable, Provider } from "@smithy/types";
import { coldStartMiddleware, coldStartMiddlewareOptions } from "./coldStartMiddleware.js";
import type { CredentialSlot } from "../slot/index.js";
import { defaultSlot, ensureDefaultSlot } from "../defaults/index.js";
import { ConfigurationError } from "../errors.js";
import { expiredTokenRecoveryMiddleware, expiredTokenRecoveryMiddlewareOptions } from "./expiredTokenRecovery.js";
import { ownIdentitySlot } from "./ownIdentitySlot.js";
import { useSlotSigner } from "./slotSigner.js";
import { assertSupportedClient } from "./supportedClient.js";

/** Options of {@link awsCredsPlugin}, per client. */
export interface AwsCredsPluginOptions {
  /**
   * The slot to sign from.
   * @default the client's own credentials kept warm in a slot of its own when its constructor was
   *   given `credentials`; otherwise the process-wide {@link defaultSlot}
   */
  slot?: CredentialSlot;
  /** Where this client's plugin logs (an `ExpiredToken` recovery). @default none */
  logger?: Logger;
  /** When AWS answers `ExpiredToken` for a slot key, refresh it and send the request once more. @default true */
  refreshOnExpiredToken?: boolean;
  /** How long that second send waits for the replacement credentials, in ms. @default 5000 */
  replacementTimeout?: number;
}

/** The resolved config of an AWS SDK v3 client: `client.config`. */
export interface AwsClientConfig {
  credentials?: unknown;
  serviceId?: unknown;
  region?: unknown;
}

/** How a client attached to the plugin reads credentials: its slot (looked up per use) and provider. */
interface Binding {
  readonly slot: () => CredentialSlot;
  readonly provider: AwsCredentialIdentityProvider;
}

const bindings = new WeakMap<object, Binding>();

// The default slot is looked up on every use, so clients follow a `closeDefaultSlot()` to the
// next default slot instead of failing with an error their owner cannot act on.
const defaultBinding: Binding = {
  slot: defaultSlot,
  provider: Object.assign((props?: Record<string, unknown>) => defaultSlot().provider(props), { memoized: true as const }),
};

function isSlot(value: unknown): value is CredentialSlot {
  const slot = value as Partial<Record<keyof CredentialSlot, unknown>> | null;
  return (
    typeof slot === "object" &&
    slot !== null &&
    (["current", "get", "invalidate", "stats", "on", "off", "close"] as const).every((method) => typeof slot[method] === "function") &&
    typeof slot.provider === "function"
  );
}

function validate(config: AwsClientConfig, options: AwsCredsPluginOptions): void {
  if (typeof config !== "object" || config === null || !("credentials" in config)) {
    throw new ConfigurationError("awsCredsPlugin needs the client's config: client.middlewareStack.use(awsCredsPlugin(client.config))");
  }
  if (typeof options !== "object" || options === null) throw new ConfigurationError("awsCredsPlugin options must be an object");
  if (options.slot !== undefined && !isSlot(options.slot)) {
    throw new ConfigurationError("awsCredsPlugin({ slot }) must be a credential slot made by createCredentialSlot() (or defaultSlot())");
  }
  const { replacementTimeout, refreshOnExpiredToken, logger } = options;
  if (replacementTimeout !== undefined && !(typeof replacementTimeout === "number" && Number.isFinite(replacementTimeout) && replacementTimeout >= 0)) {
    throw new ConfigurationError(`replacementTimeout must be ≥ 0 ms (a finite number of milliseconds), got ${String(replacementTimeout)}`);
  }
  if (refreshOnExpiredToken !== undefined && typeof refreshOnExpiredToken !== "boolean") {
    throw new ConfigurationError(`refreshOnExpiredToken must be a boolean, got ${typeof refreshOnExpiredToken}`);
  }
  if (logger !== undefined && (typeof logger !== "object" || logger === null || typeof logger.warn !== "function")) {
    throw new ConfigurationError("logger must have a warn method (console and pino both do)");
  }
}

/**
 * The SDK marks credentials its client was given (`credentials:` in the constructor) as
 * `attributed`; the default chain's provider carries no such mark.
 */
function hasOwnCredentials(config: AwsClientConfig): boolean {
  return (config.credentials as { attributed?: unknown } | undefined)?.attributed === true;
}

function bind(config: AwsClientConfig, options: AwsCredsPluginOptions): Binding {
  const given = options.slot;
  if (given !== undefined) return { slot: () => given, provider: given.provider };
  const existing = bindings.get(config);
  if (existing !== undefined) return existing; // attached before (client and command, or twice)
  if (!hasOwnCredentials(config)) {
    // Created now, so its first fetch starts before the first request; STS's region falls back to this client's.
    ensureDefaultSlot(typeof config.region === "function" ? (config.region as Provider<string>) : undefined);
    return defaultBinding;
  }
  const own = ownIdentitySlot(config, options.logger);
  return { slot: () => own, provider: own.provider };
}

/**
 * Makes a client take its credentials from a slot, kept warm in the background, so no request
 * waits on STS: not the first (after `ready()`), not near expiry, not on retry.
 *
 * - `config.credentials` becomes the slot (marked `memoized`, so the SDK adds no 5-minute
 *   wrapper): the SDK's identity resolution, endpoint resolution and its own signer, which signs
 *   every attempt and re-reads credentials each time, all read the slot. Everything else about
 *   signing stays the SDK's: a custom `signer`, `signingRegion`, `sha256`, SigV4a, S3 Express,
 *   clock-skew correction. Only the SDK's default `config.signer`, which builds a SignatureV4 per
 *   signature, hands out one per slot credentials instead, with the same settings (less CPU).
 * - Which slot: `options.slot`; else, for a client built with `credentials`, those credentials in
 *   a slot of its own (its identity never changes); else the process-wide default slot.
 * - When AWS answers `ExpiredToken` for a slot key, the request is re-signed with the replacement
 *   and sent once more, below the SDK's retry middleware (none of the client's retry quota).
 * - A call's `abortSignal` also ends its wait for credentials at cold start.
 *
 * Attach it to the client's stack. Attached to one command's stack, it still points the whole
 * client's `config.credentials` at the slot (same identity, as above), but only that command
 * gets the `ExpiredToken` recovery.
 *
 * @throws `ConfigurationError` for a value that is not a client config or a slot, bad options,
 *   or an SDK client older than the oldest supported version.
 * @example
 * ```ts
 * const dynamodb = new DynamoDBClient({});
 * dynamodb.middlewareStack.use(awsCredsPlugin(dynamodb.config));
 * ```
 */
export function awsCredsPlugin<Input extends object, Output extends object>(config: AwsClientConfig, options: AwsCredsPluginOptions = {}): Pluggable<Input, Output> {
  validate(config, options);
  assertSupportedClient(config);
  const binding = bind(config, options);
  const recovery = {
    slot: binding.slot,
    enabled: options.refreshOnExpiredToken ?? true,
    replacementTimeout: options.replacementTimeout ?? 5000,
    logger: options.logger,
  };
  return {
    applyToStack(stack) {
      // The SDK's setter wraps what it is given (so the getter never returns it); `memoized` keeps it unwrapped in effect.
      config.credentials = binding.provider;
      useSlotSigner(config, binding.slot);
      bindings.set(config, binding);
      stack.add(coldStartMiddleware<Input, Output>(binding.slot), coldStartMiddlewareOptions);
      stack.addRelativeTo(expiredTokenRecoveryMiddleware<Input, Output>(recovery), expiredTokenRecoveryMiddlewareOptions);
    },
  };
}
