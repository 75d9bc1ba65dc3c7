import type { DefaultSourceKind } from "../defaults/index.js";

/**
 * What `awscreds doctor` found, as printed by `--json`. Times are ISO 8601 strings, durations
 * milliseconds. Nothing in it is a secret: secret values appear only as their length, tokens
 * only as the claims decoded from them.
 *
 * @example
 * ```ts
 * const report: DoctorReport = JSON.parse(stdout);
 * if (report.verdict.status === "fail") alert(report.verdict.summary);
 * ```
 */
export interface DoctorReport {
  /** Bumped when a field changes meaning or goes away. */
  readonly schemaVersion: 1;
  /** This host's clock when the doctor ran. */
  readonly generatedAt: string;
  readonly source: DoctorSource;
  readonly environment: readonly DoctorEnvVar[];
  /** The token files the environment names (web identity, container authorization). */
  readonly tokenFiles: readonly DoctorTokenFile[];
  readonly endpoint: DoctorEndpoint;
  readonly fetch: DoctorFetch;
  readonly clockSkew: DoctorClockSkew;
  /** The credentials the one fetch obtained; absent when it failed. */
  readonly credentials?: DoctorCredentials;
  readonly verdict: DoctorVerdict;
  /** 0 when credentials were obtained, 1 when none could be had. */
  readonly exitCode: 0 | 1;
}

/** Which source the default slot would pick, and why (`chooseDefaultSource()`). */
export interface DoctorSource {
  /** `undecided` only when reading the shared config files itself failed (see `error`). */
  readonly kind: DefaultSourceKind | "undecided";
  readonly reason: string;
  /** The source's own `description`; absent when creating it failed. */
  readonly description?: string;
}

/** An error as the doctor shows it: never more than these fields, so nothing else it carries leaks. */
export interface DoctorError {
  readonly name: string;
  readonly message: string;
  /** The service's error code when it differs from `name` (the container endpoint's `Code`). */
  readonly code?: string;
  readonly httpStatus?: number;
}

/** One variable the credential chain reads. */
export interface DoctorEnvVar {
  readonly name: string;
  readonly set: boolean;
  /** Secrets (secret access key, session token, container authorization token) never have a value here. */
  readonly secret: boolean;
  /** The value when set and not a secret; URLs lose any user info. */
  readonly value?: string;
  /** Length of the value when set (the only thing shown of a secret). */
  readonly length?: number;
}

/** Claims decoded from a JWT's payload: never the token itself. */
export interface DoctorJwtClaims {
  readonly isJwt: true;
  readonly alg?: string;
  readonly exp?: string;
  /** Time from now to `exp`; negative once expired. */
  readonly expiresInMs?: number;
  readonly iat?: string;
  readonly nbf?: string;
  readonly aud?: string | readonly string[];
  readonly sub?: string;
  readonly iss?: string;
}

/** What the file holds, when it is not a JWT. */
export interface DoctorNotJwt {
  readonly isJwt: false;
  readonly reason: string;
}

/** A token file named by the environment, as found on disk. */
export type DoctorTokenFile = {
  readonly variable: "AWS_WEB_IDENTITY_TOKEN_FILE" | "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
  readonly path: string;
} & (
  | {
      readonly readable: true;
      readonly sizeBytes: number;
      readonly modifiedAt: string;
      /** Time since `modifiedAt`: kubelet rewrites projected tokens well before they expire. */
      readonly ageMs: number;
      /** The file ends with a line break or spaces, which the SDK sends along with the token. */
      readonly trailingWhitespace: boolean;
      readonly token: DoctorJwtClaims | DoctorNotJwt;
    }
  | { readonly readable: false; readonly error: DoctorError }
);

/** What the source calls. */
export interface DoctorEndpoint {
  /** `sts`: AssumeRoleWithWebIdentity; `container`: the Pod Identity or ECS agent; `chain`: the SDK's chain; `none`: nothing to call. */
  readonly kind: "sts" | "container" | "chain" | "none";
  /** The URL, when there is one: the request actually sent if any was, else the one predicted. */
  readonly url?: string;
  /** Where the URL comes from, in words ("AWS_ENDPOINT_URL_STS", "regional, AWS_REGION"...). */
  readonly via: string;
  /** The region STS is called in, for web identity. */
  readonly region?: string;
}

/** The one real fetch. */
export interface DoctorFetch {
  readonly ok: boolean;
  readonly latencyMs: number;
  /** Its AbortSignal timeout, as the slot's fetchTimeout. */
  readonly timeoutMs: number;
  readonly error?: DoctorError;
}

/** This host's clock against the `Date` header of the endpoint's answer. */
export type DoctorClockSkew =
  | {
      readonly measured: true;
      /**
       * The endpoint's clock minus this host's when the answer arrived: positive when this host
       * is behind. Taken at the middle of the `Date` header's second, so within ±0.5 s (plus the
       * answer's time in transit).
       */
      readonly skewMs: number;
      /** The `Date` header, as ISO 8601. */
      readonly serverDate: string;
      /** The `Date` header has whole seconds. */
      readonly resolutionMs: 1000;
    }
  | { readonly measured: false; readonly reason: string };

/** The credentials obtained, without their secrets, and when the slot would refresh them. */
export interface DoctorCredentials {
  readonly accessKeyId: string;
  readonly accountId?: string;
  readonly hasSessionToken: boolean;
  readonly obtainedAt: string;
  /** Absent for credentials with no expiration (long-term keys). */
  readonly expiration?: string;
  readonly expiresInMs?: number;
  readonly lifetimeMs?: number;
  /** `planRefresh` with the default policy and fetchTimeout, at random 1 (earliest) and 0 (latest). */
  readonly refresh: {
    readonly earliest: string;
    readonly latest: string;
    readonly earliestInMs: number;
    readonly latestInMs: number;
  };
}

/** The conclusion. */
export interface DoctorVerdict {
  /** `ok`: nothing to fix; `warn`: credentials obtained, but see `fixes`; `fail`: no credentials. */
  readonly status: "ok" | "warn" | "fail";
  readonly summary: string;
  /** What to do, most important first; empty when `ok`. */
  readonly fixes: readonly string[];
}
