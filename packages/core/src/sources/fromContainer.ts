import { fromHttp } from "@aws-sdk/credential-provider-http";
import type { AwsCredentialIdentity } from "@smithy/types";
import type { CredentialSource } from "../slot/index.js";
import { ConfigurationError } from "../errors.js";
import { raceAbort } from "../raceAbort.js";

/** Options of {@link fromContainer}; each falls back to the variable ECS or EKS Pod Identity sets. */
export interface ContainerOptions {
  /** Full URL of the credentials endpoint. @default process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI (EKS Pod Identity: http://169.254.170.23/v1/credentials) */
  fullUri?: string;
  /** Path on the ECS credentials host. @default process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI */
  relativeUri?: string;
  /**
   * Where `relativeUri` is served; change it only for tests or a proxy.
   * @default process.env.AWSCREDS_CONTAINER_RELATIVE_URI_HOST, else "http://169.254.170.2" (the ECS agent)
   */
  relativeUriHost?: string;
  /** File holding the `Authorization` header value, re-read on every fetch. @default process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE */
  authorizationTokenFile?: string;
  /** The `Authorization` header value itself. @default process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN */
  authorizationToken?: string;
  /** Longest one call to the endpoint may take, in ms: then it fails with a `TimeoutError` and the slot retries. @default 2000 */
  attemptTimeout?: number;
}

const ECS_HOST = "http://169.254.170.2";

/**
 * Container credentials: EKS Pod Identity's node agent or the ECS agent, through the SDK's own
 * `fromHttp` provider (its wire format, URL allow-list and token validation). A new provider per
 * fetch, so the environment and the authorization token file are re-read every time (kubelet
 * rotates the Pod Identity token). One attempt per fetch: the slot owns retries and backoff.
 *
 * @throws `ConfigurationError` when neither URI is set.
 * @example
 * ```ts
 * const slot = createCredentialSlot({ source: fromContainer(), name: "pod-identity" });
 * ```
 */
export function fromContainer(options: ContainerOptions = {}): CredentialSource & { readonly description: string; readonly url: string } {
  const env = process.env;
  // An option beats the environment; between the two variables the relative URI wins, as in the SDK.
  const relative = options.relativeUri ?? (options.fullUri === undefined ? env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI : undefined);
  const full = options.fullUri ?? env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  if (!relative && !full) {
    throw new ConfigurationError("neither AWS_CONTAINER_CREDENTIALS_FULL_URI nor AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set: ECS and EKS Pod Identity set one; or pass fullUri to fromContainer()");
  }
  const { attemptTimeout = 2000 } = options;
  if (!(typeof attemptTimeout === "number" && attemptTimeout > 0)) throw new ConfigurationError(`attemptTimeout must be a positive number of milliseconds, not ${String(attemptTimeout)}`);
  // As the SDK does: the relative URI wins when both are set.
  const url = relative ? `${options.relativeUriHost ?? env.AWSCREDS_CONTAINER_RELATIVE_URI_HOST ?? ECS_HOST}${relative}` : (full as string);
  const tokenFile = options.authorizationTokenFile ?? env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
  const token = options.authorizationToken ?? env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
  const fetchOnce = async (signal: AbortSignal): Promise<AwsCredentialIdentity> => {
    // fromHttp's own `timeout` only logs a warning on a hung response: the deadline is ours. A
    // plain timer, not AbortSignal.timeout, whose signal may be garbage-collected before it fires.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(Object.assign(new Error(`the container credentials endpoint did not answer within attemptTimeout (${attemptTimeout} ms)`), { name: "TimeoutError" })), attemptTimeout);
    timer.unref?.();
    const either = AbortSignal.any([signal, deadline.signal]); // held here while the call runs
    try {
      return await raceAbort(
        () =>
          fromHttp({
            // Empty strings, not undefined: fromHttp falls back to the environment for absent
            // options, and its relative URI would win over the URL decided here.
            awsContainerCredentialsRelativeUri: "",
            awsContainerCredentialsFullUri: url,
            awsContainerAuthorizationTokenFile: tokenFile ?? "",
            awsContainerAuthorizationToken: tokenFile === undefined ? (token ?? "") : "",
            timeout: attemptTimeout,
            maxRetries: 0,
          })(),
        either,
      );
    } finally {
      clearTimeout(timer);
    }
  };
  return Object.assign(fetchOnce, { description: `container credentials from ${url}`, url });
}
