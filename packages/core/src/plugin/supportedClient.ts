import { ConfigurationError } from "../errors.js";

/**
 * The oldest AWS SDK v3 client version the plugin supports, for every client family: from
 * 3.775.0 on (with `@aws-sdk/core` 3.775.0), `config.credentials` is an accessor that the SDK's
 * signer reads on every signature. Before it, clients copied their credentials at construction,
 * so a slot assigned afterwards would silently never sign anything.
 */
export const OLDEST_SUPPORTED_SDK_VERSION = "3.775.0";

/**
 * Refuses, at attach time, a client the plugin cannot serve: not an SDK v3 client config, or one
 * older than {@link OLDEST_SUPPORTED_SDK_VERSION}. Feature checks, since the client's version is
 * not readable synchronously from its config.
 *
 * @throws `ConfigurationError` naming the minimum version and what this client lacks.
 * @internal
 * @example
 * ```ts
 * assertSupportedClient(new S3Client({}).config); // passes on 3.775.0 and later
 * ```
 */
export function assertSupportedClient(config: { credentials?: unknown; serviceId?: unknown; httpAuthSchemes?: unknown }): void {
  const client = typeof config.serviceId === "string" ? `this ${config.serviceId} client` : "this client";
  if (typeof config.credentials !== "function") {
    throw new ConfigurationError(`awsCredsPlugin: ${client}'s config has no credential provider; pass an AWS SDK v3 client's config: awsCredsPlugin(client.config)`);
  }
  const accessor = typeof Object.getOwnPropertyDescriptor(config, "credentials")?.set === "function";
  if (!accessor || !Array.isArray(config.httpAuthSchemes)) {
    const lacks = accessor ? "auth-scheme selection (config.httpAuthSchemes)" : "credentials that the signer re-reads (config.credentials is a plain property)";
    throw new ConfigurationError(
      `awsCredsPlugin supports AWS SDK v3 clients from ${OLDEST_SUPPORTED_SDK_VERSION} on, and ${client} is older: it lacks ${lacks}, ` +
        `so its signer would keep the credentials it was built with. Upgrade the @aws-sdk/client-* package (and @aws-sdk/core) to ${OLDEST_SUPPORTED_SDK_VERSION} or later.`,
    );
  }
}
