import type { DoctorEnvVar } from "./doctorReport.js";

interface Variable {
  readonly name: string;
  /** Only its length is ever shown. */
  readonly secret?: boolean;
  /** Listed only when set (an awscreds test knob, not something to set in production). */
  readonly onlyWhenSet?: boolean;
}

/** The variables the SDK's chain and awscreds' sources read, in the order an operator checks them. */
export const DOCTOR_VARIABLES: readonly Variable[] = [
  { name: "AWS_PROFILE" },
  { name: "AWS_REGION" },
  { name: "AWS_DEFAULT_REGION" },
  { name: "AWS_ACCESS_KEY_ID" },
  { name: "AWS_SECRET_ACCESS_KEY", secret: true },
  { name: "AWS_SESSION_TOKEN", secret: true },
  { name: "AWS_CREDENTIAL_EXPIRATION" },
  { name: "AWS_ROLE_ARN" },
  { name: "AWS_WEB_IDENTITY_TOKEN_FILE" },
  { name: "AWS_ROLE_SESSION_NAME" },
  { name: "AWS_CONTAINER_CREDENTIALS_FULL_URI" },
  { name: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" },
  { name: "AWSCREDS_CONTAINER_RELATIVE_URI_HOST", onlyWhenSet: true },
  { name: "AWS_CONTAINER_AUTHORIZATION_TOKEN", secret: true },
  { name: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE" },
  { name: "AWS_ENDPOINT_URL" },
  { name: "AWS_ENDPOINT_URL_STS" },
  { name: "AWS_EC2_METADATA_DISABLED" },
  { name: "AWS_CONFIG_FILE" },
  { name: "AWS_SHARED_CREDENTIALS_FILE" },
];

/** A URL's user info (a proxy password) is the one secret a non-secret variable may hold. */
function withoutUserInfo(value: string): string {
  try {
    const url = new URL(value);
    if (url.username === "" && url.password === "") return value;
    url.username = "***";
    url.password = "";
    return url.toString();
  } catch {
    return value;
  }
}

/**
 * Each variable of {@link DOCTOR_VARIABLES}: whether it is set and, unless it is a secret, its
 * value. Secrets give their length only.
 *
 * @example
 * ```ts
 * readEnvironment({ AWS_SECRET_ACCESS_KEY: "…40 chars…" })[4]; // { name: "AWS_SECRET_ACCESS_KEY", set: true, secret: true, length: 40 }
 * ```
 */
export function readEnvironment(env: NodeJS.ProcessEnv): DoctorEnvVar[] {
  const out: DoctorEnvVar[] = [];
  for (const { name, secret = false, onlyWhenSet = false } of DOCTOR_VARIABLES) {
    const value = env[name];
    if (value === undefined) {
      if (!onlyWhenSet) out.push({ name, set: false, secret });
      continue;
    }
    out.push(secret ? { name, set: true, secret, length: value.length } : { name, set: true, secret, value: withoutUserInfo(value), length: value.length });
  }
  return out;
}

/** The secret values in the environment, for the output's last-line redaction. */
export function environmentSecrets(env: NodeJS.ProcessEnv): string[] {
  return DOCTOR_VARIABLES.filter((v) => v.secret === true)
    .map((v) => env[v.name])
    .filter((v): v is string => v !== undefined && v !== "");
}
