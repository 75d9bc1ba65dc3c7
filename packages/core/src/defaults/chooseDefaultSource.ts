import { getProfileName, loadSharedConfigFiles } from "@smithy/core/config";

/** Which source the default slot uses; see {@link decideDefaultSource}. */
export type DefaultSourceKind = "environment" | "profile" | "webIdentity" | "container" | "chain";

/** The decision, and the reason in words an operator recognises. */
export interface DefaultSourceDecision {
  readonly kind: DefaultSourceKind;
  readonly reason: string;
}

/** What the decision reads: the environment, and whether the active profile can give credentials. */
export interface DefaultSourceFacts {
  readonly env: NodeJS.ProcessEnv;
  /** The active profile (AWS_PROFILE, else "default") has credential settings in the shared files. */
  readonly profileHasCredentials: boolean;
}

// Keys by which a profile gives credentials (the SDK's ini, SSO and process providers).
const CREDENTIAL_KEYS = ["aws_access_key_id", "credential_process", "sso_session", "sso_start_url", "role_arn", "web_identity_token_file", "credential_source", "login_session"];

/**
 * The SDK's own precedence (`@aws-sdk/credential-provider-node`): environment keys (unless
 * `AWS_PROFILE` is set), then the profile (SSO, keys, `credential_process`, roles), then web
 * identity, then container credentials, then EC2 instance metadata. awscreds takes the first
 * that applies; web identity and container credentials get a source of their own (regional STS
 * with one reused client; the Pod Identity/ECS agent through the SDK's `fromHttp`), the profile
 * cases and the EC2 fallback the SDK's chain itself, kept warm. Pure: a function of the facts.
 *
 * @example
 * ```ts
 * decideDefaultSource({ env: { AWS_ROLE_ARN: "arn:…", AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/…" }, profileHasCredentials: false });
 * // { kind: "webIdentity", reason: "AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are set (EKS IRSA)" }
 * ```
 */
export function decideDefaultSource({ env, profileHasCredentials }: DefaultSourceFacts): DefaultSourceDecision {
  if (env.AWS_PROFILE) return { kind: "profile", reason: `AWS_PROFILE=${env.AWS_PROFILE} is set: the SDK's chain resolves that profile first` };
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return { kind: "environment", reason: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set" };
  if (profileHasCredentials) return { kind: "profile", reason: "the [default] profile in the shared config files has credential settings" };
  if (env.AWS_ROLE_ARN && env.AWS_WEB_IDENTITY_TOKEN_FILE) return { kind: "webIdentity", reason: "AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are set (EKS IRSA)" };
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) return { kind: "container", reason: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set (ECS)" };
  if (env.AWS_CONTAINER_CREDENTIALS_FULL_URI) return { kind: "container", reason: "AWS_CONTAINER_CREDENTIALS_FULL_URI is set (EKS Pod Identity)" };
  return { kind: "chain", reason: "no environment keys, profile, web identity or container variables: the SDK's chain tries EC2 instance metadata" };
}

/**
 * Reads the facts (the shared config files, through the SDK's own loader) and decides.
 *
 * @example
 * ```ts
 * const { kind, reason } = await chooseDefaultSource();
 * ```
 */
export async function chooseDefaultSource(env: NodeJS.ProcessEnv = process.env): Promise<DefaultSourceDecision> {
  let profileHasCredentials = false;
  if (!env.AWS_PROFILE && !(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY)) {
    const name = getProfileName({});
    const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
    const profile = { ...configFile[name], ...credentialsFile[name] };
    profileHasCredentials = CREDENTIAL_KEYS.some((key) => typeof profile[key] === "string" && profile[key] !== "");
  }
  return decideDefaultSource({ env, profileHasCredentials });
}
