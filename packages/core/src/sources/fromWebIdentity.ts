import { AssumeRoleWithWebIdentityCommand, STSClient, type AssumeRoleWithWebIdentityCommandInput } from "@aws-sdk/client-sts";
import { fromTokenFile } from "@aws-sdk/credential-provider-web-identity";
import { loadConfig, NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS } from "@smithy/core/config";
import type { AwsCredentialIdentity, Provider } from "@smithy/types";
import { hostname } from "node:os";
import type { CredentialSource } from "../slot/index.js";
import { ConfigurationError, CredentialSourceError } from "../errors.js";

/** Options of {@link fromWebIdentity}; each falls back to the variable EKS (IRSA) sets. */
export interface WebIdentityOptions {
  /** The role to assume. @default process.env.AWS_ROLE_ARN */
  roleArn?: string;
  /** The projected service-account token, re-read on every fetch. @default process.env.AWS_WEB_IDENTITY_TOKEN_FILE */
  webIdentityTokenFile?: string;
  /** Shown in CloudTrail. @default process.env.AWS_ROLE_SESSION_NAME, else `awscreds-<hostname>` */
  roleSessionName?: string;
  /**
   * STS is called at this region's endpoint, `sts.<region>.amazonaws.com`.
   * @default AWS_REGION, else AWS_DEFAULT_REGION, else the profile's `region` (the SDK's own
   *   region resolution), else `fallbackRegion`
   */
  region?: string;
  /** Region when nothing else names one; the plugin passes the first attached client's region. @default none */
  fallbackRegion?: Provider<string>;
  /** Another STS endpoint (VPC endpoint, emulator). @default process.env.AWS_ENDPOINT_URL_STS ?? process.env.AWS_ENDPOINT_URL, else regional */
  endpoint?: string;
  /** Session length, 900–43200 s, within the role's maximum. @default undefined (STS's default, 3600) */
  durationSeconds?: number;
  /** Longest one STS call may take (connection and response), in ms: then it fails with a `TimeoutError` and the slot retries. @default 5000 */
  attemptTimeout?: number;
  /** Your own STS client (proxy, custom handler); `region`, `endpoint` and `attemptTimeout` are then unused. */
  stsClient?: STSClient;
}

/** A {@link CredentialSource} that assumes a role with a web identity token, with its one STS client. */
export type WebIdentitySource = CredentialSource & {
  /** What it fetches, for stats and logs: the role and the STS endpoint. */
  readonly description: string;
  /** The one STS client every fetch reuses. */
  readonly stsClient: STSClient;
  /** Closes the STS client's connections. */
  destroy(): void;
};

function required(value: string | undefined, variable: string, option: string, hint: string): string {
  if (value) return value;
  throw new ConfigurationError(`${variable} is not set: ${hint}, or pass \`${option}\` to fromWebIdentity()`);
}

/**
 * The profile's region (the SDK's own loader, which also reads AWS_REGION), else the fallback,
 * else a `ConfigurationError` that says what to set. Resolved when STS is first called.
 */
function stsRegion(fallback: Provider<string> | undefined): Provider<string> {
  const fromProfile = loadConfig(NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS);
  return async () => {
    const region = await fromProfile().catch(() => undefined);
    if (region) return region;
    const fallbackRegion = await fallback?.();
    if (fallbackRegion) return fallbackRegion;
    throw new ConfigurationError("no region for STS: awscreds calls the STS endpoint of your own region; set AWS_REGION, a region in your AWS profile, or pass region to fromWebIdentity()");
  };
}

/** CloudTrail session names allow `[\w+=,.@-]{2,64}`; a pod's hostname makes a useful one. */
function defaultSessionName(): string {
  return `awscreds-${hostname()}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
}

function accountIdOf(assumedRoleArn: string | undefined): string | undefined {
  const account = assumedRoleArn?.split(":")[4];
  return account ? account : undefined;
}

/** Reads of the token file fail with a Node error code; say which file and what to check. */
function tokenFileError(error: unknown, file: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined || !["ENOENT", "EACCES", "EISDIR", "EPERM"].includes(code)) return error;
  return new CredentialSourceError(
    "retryable",
    `cannot read the web identity token file ${file} (${code}); check that the service-account token volume is mounted and readable (AWS_WEB_IDENTITY_TOKEN_FILE)`,
    { cause: error },
  );
}

/**
 * The default credential source: `AssumeRoleWithWebIdentity` at the regional STS endpoint,
 * through the SDK's `fromTokenFile` (which re-reads the token file on every fetch, as kubelet
 * rotates it) and one reused `STSClient`. Missing configuration throws a
 * {@link ConfigurationError} naming the variable, at once rather than at the first fetch.
 *
 * The STS client makes a single attempt per fetch: the slot's refresh loop owns retries and
 * backoff, so they are visible in its events and never stack on the SDK's own.
 *
 * @example
 * ```ts
 * const slot = createCredentialSlot({ source: fromWebIdentity({ durationSeconds: 3600 }) });
 * ```
 */
export function fromWebIdentity(options: WebIdentityOptions = {}): WebIdentitySource {
  const env = process.env;
  const roleArn = required(options.roleArn ?? env.AWS_ROLE_ARN, "AWS_ROLE_ARN", "roleArn", "set it to the IAM role to assume (EKS sets it for service accounts annotated with eks.amazonaws.com/role-arn)");
  if (!/^arn:aws[\w-]*:iam::\d{12}:role\/.+/.test(roleArn)) {
    throw new ConfigurationError(`AWS_ROLE_ARN '${roleArn}' is not an IAM role ARN such as arn:aws:iam::123456789012:role/my-role`);
  }
  const tokenFile = required(options.webIdentityTokenFile ?? env.AWS_WEB_IDENTITY_TOKEN_FILE, "AWS_WEB_IDENTITY_TOKEN_FILE", "webIdentityTokenFile", "set it to the path of the projected service-account token");
  const roleSessionName = options.roleSessionName ?? env.AWS_ROLE_SESSION_NAME ?? defaultSessionName();
  const { durationSeconds, attemptTimeout = 5000 } = options;
  if (durationSeconds !== undefined && !(Number.isInteger(durationSeconds) && durationSeconds >= 900 && durationSeconds <= 43200)) {
    throw new ConfigurationError(`durationSeconds must be a whole number from 900 to 43200, not ${durationSeconds}`);
  }
  if (!(attemptTimeout > 0)) throw new ConfigurationError(`attemptTimeout must be a positive number of milliseconds, not ${attemptTimeout}`);

  const stsClient =
    options.stsClient ??
    new STSClient({
      region: options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? stsRegion(options.fallbackRegion),
      endpoint: options.endpoint ?? env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL,
      maxAttempts: 1,
      // throwOnRequestTimeout: without it the SDK's requestTimeout only logs a warning to stderr
      // and the hung call goes on until the slot's fetchTimeout aborts it.
      requestHandler: { connectionTimeout: Math.min(attemptTimeout, 3000), requestTimeout: attemptTimeout, throwOnRequestTimeout: true },
    });

  const fetchOnce = async (signal: AbortSignal): Promise<AwsCredentialIdentity> => {
    const assume = async (params: AssumeRoleWithWebIdentityCommandInput): Promise<AwsCredentialIdentity> => {
      // STS would call an empty token a ValidationError, which reads as non-retryable; but an
      // empty file is a volume mid-write or not yet projected, and fixes itself: retry soon.
      if (!params.WebIdentityToken?.trim()) {
        throw new CredentialSourceError(
          "retryable",
          `the web identity token file ${tokenFile} is empty; check that the service-account token volume is projected (AWS_WEB_IDENTITY_TOKEN_FILE)`,
        );
      }
      const { Credentials, AssumedRoleUser } = await stsClient.send(new AssumeRoleWithWebIdentityCommand(params), { abortSignal: signal });
      const accountId = accountIdOf(AssumedRoleUser?.Arn);
      // The slot validates the fields; missing ones become an InvalidCredentialsError there.
      return {
        accessKeyId: Credentials?.AccessKeyId as string,
        secretAccessKey: Credentials?.SecretAccessKey as string,
        sessionToken: Credentials?.SessionToken,
        expiration: Credentials?.Expiration,
        ...(accountId && { accountId }),
      };
    };
    const provider = fromTokenFile({ webIdentityTokenFile: tokenFile, roleArn, roleSessionName, durationSeconds, roleAssumerWithWebIdentity: assume });
    try {
      return await provider();
    } catch (error) {
      throw tokenFileError(error, tokenFile);
    }
  };
  const endpoint = options.stsClient === undefined ? (options.endpoint ?? env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL ?? "regional STS") : "your STS client";
  return Object.assign(fetchOnce, { stsClient, description: `web identity ${roleArn} via ${endpoint}`, destroy: () => stsClient.destroy() });
}
