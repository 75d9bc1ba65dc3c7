import type { StaticKey } from "./keyStore.js";

/**
 * How the emulator's STS answers credential calls (AssumeRoleWithWebIdentity, AssumeRole).
 * GetCallerIdentity is a signed service call and is not affected.
 */
export type StsMode =
  /** Issue fresh credentials. */
  | "ok"
  /** 503 `ServiceUnavailable`, which the SDK retries. */
  | "error5xx"
  /** 400 `Throttling: Rate exceeded`. */
  | "throttle"
  /** 400 `InvalidIdentityToken`: the identity provider's token could not be validated. */
  | "invalidIdentityToken"
  /** 400 `ExpiredTokenException`: the web identity token itself has expired. */
  | "expiredIdentityToken"
  /** 403 `AccessDenied`: the role's trust policy does not allow the caller. */
  | "accessDenied"
  /** Never answer; the socket stays open until {@link Emulator.releaseHungRequests} or close. */
  | "hang"
  /** 200 with a body that is not XML. */
  | "garbage"
  /** 200 with credentials whose `Expiration` has already passed. */
  | "expiredCredentials"
  /** 200 with credentials that carry no `Expiration`. */
  | "noExpiration";

export const STS_MODES: readonly StsMode[] = [
  "ok",
  "error5xx",
  "throttle",
  "invalidIdentityToken",
  "expiredIdentityToken",
  "accessDenied",
  "hang",
  "garbage",
  "expiredCredentials",
  "noExpiration",
];

/**
 * How the emulator's container credentials endpoint (EKS Pod Identity agent, ECS) answers
 * `GET /v1/credentials` and `GET /v2/credentials/<id>`.
 */
export type ContainerMode =
  /** 200 with fresh credentials as JSON. */
  | "ok"
  /** 500 `InternalServerException`; the SDK reports the status only. */
  | "error5xx"
  /** Never answer; the socket stays open until {@link Emulator.releaseHungRequests} or close. */
  | "hang"
  /** 200 with credentials that carry no `Expiration`, which the SDK's `fromHttp` rejects. */
  | "noExpiration"
  /** 403 `{ "Code": "AccessDeniedException" }`: the agent refused the pod or task. */
  | "accessDenied"
  /** 200 with a body that is not JSON. */
  | "garbage";

export const CONTAINER_MODES: readonly ContainerMode[] = ["ok", "error5xx", "hang", "noExpiration", "accessDenied", "garbage"];

/** A fixed delay, or one drawn uniformly from `[min, max]` for each request. */
export type Latency = number | { readonly min: number; readonly max: number };

/** An error a signed service returns instead of handling the request, after the signature checks. */
export type ServiceFault = "ExpiredToken" | "Throttling" | "InternalError";

/** Options of {@link startEmulator}; every field can be changed later with `configure`. */
export interface EmulatorOptions {
  /** Loopback address to bind. Only 127.0.0.0/8 and ::1 are accepted. @default "127.0.0.1" */
  host?: string;
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number;
  /** The account that issued keys and tables belong to. @default "123456789012" */
  accountId?: string;
  /** When set, signatures scoped to any other region are rejected. @default undefined (any region) */
  region?: string;
  /** Milliseconds added to the emulator's clock, to test clock skew. @default 0 */
  clockOffsetMs?: number;
  /** Keys accepted besides those STS issues, e.g. for the STS client itself. @default [] */
  staticKeys?: StaticKey[];
  /** Keep the Node process alive while the server runs (the CLI does). @default false */
  keepProcessAlive?: boolean;
  sts?: {
    /** @default "ok" */
    mode?: StsMode;
    /** Delay before STS answers. @default 0 */
    latencyMs?: Latency;
    /** Lifetime of issued credentials when the call has no DurationSeconds; any positive value. @default 3600 */
    credentialLifetimeSeconds?: number;
    /** Largest DurationSeconds the role allows, as a role's MaxSessionDuration. @default 43200 */
    maxSessionDurationSeconds?: number;
    /** When set, AssumeRoleWithWebIdentity rejects any other token with `InvalidIdentityToken`. @default undefined */
    expectedWebIdentityToken?: string;
  };
  /** The container credentials endpoint: `GET /v1/credentials` (EKS Pod Identity) and `GET /v2/credentials/<id>` (ECS). */
  container?: {
    /** @default "ok" */
    mode?: ContainerMode;
    /** Delay before the endpoint answers. @default 0 */
    latencyMs?: Latency;
    /** Lifetime of the credentials it hands out; any positive value (short ones for tests). @default 3600 */
    credentialLifetimeSeconds?: number;
    /**
     * When set, a request whose `Authorization` header is absent or differs gets 403
     * `AccessDeniedException`, as `AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)` would. @default undefined (any or none)
     */
    expectedAuthorizationToken?: string;
  };
  service?: {
    /** Delay before DynamoDB, S3, Lambda and signed STS calls answer. @default 0 */
    latencyMs?: Latency;
  };
  dynamodb?: {
    /** Tables created at start, keyed by a string partition key (and optional sort key). @default [] */
    tables?: Array<{ name: string; partitionKey?: string; sortKey?: string }>;
  };
  s3?: {
    /** Buckets created at start. @default [] */
    buckets?: string[];
  };
  lambda?: {
    /** Functions created at start; `Invoke` echoes its payload. @default [] */
    functions?: string[];
  };
}

/** The settings that `configure` may change while the emulator runs. */
export interface EmulatorSettings {
  clockOffsetMs: number;
  region: string | undefined;
  sts: {
    mode: StsMode;
    latencyMs: Latency;
    credentialLifetimeSeconds: number;
    maxSessionDurationSeconds: number;
    expectedWebIdentityToken: string | undefined;
  };
  container: {
    mode: ContainerMode;
    latencyMs: Latency;
    credentialLifetimeSeconds: number;
    expectedAuthorizationToken: string | undefined;
  };
  service: { latencyMs: Latency };
}

export type EmulatorSettingsUpdate = {
  clockOffsetMs?: number;
  region?: string | undefined;
  sts?: Partial<EmulatorSettings["sts"]>;
  container?: Partial<EmulatorSettings["container"]>;
  service?: Partial<EmulatorSettings["service"]>;
};

export function validateSettings(settings: EmulatorSettings): void {
  if (!STS_MODES.includes(settings.sts.mode)) {
    throw new TypeError(`Unknown STS mode '${String(settings.sts.mode)}'; use one of ${STS_MODES.join(", ")}.`);
  }
  if (!(settings.sts.credentialLifetimeSeconds > 0)) {
    throw new TypeError("sts.credentialLifetimeSeconds must be a positive number of seconds.");
  }
  if (!CONTAINER_MODES.includes(settings.container.mode)) {
    throw new TypeError(`Unknown container mode '${String(settings.container.mode)}'; use one of ${CONTAINER_MODES.join(", ")}.`);
  }
  if (!(settings.container.credentialLifetimeSeconds > 0)) {
    throw new TypeError("container.credentialLifetimeSeconds must be a positive number of seconds.");
  }
  const token = settings.container.expectedAuthorizationToken;
  if (token !== undefined && (typeof token !== "string" || token === "" || /[\r\n]/.test(token))) {
    throw new TypeError("container.expectedAuthorizationToken must be a non-empty string without line breaks, or undefined.");
  }
  const latencies = [
    ["sts.latencyMs", settings.sts.latencyMs],
    ["container.latencyMs", settings.container.latencyMs],
    ["service.latencyMs", settings.service.latencyMs],
  ] as const;
  for (const [name, latency] of latencies) {
    const ok = typeof latency === "number" ? latency >= 0 : latency.min >= 0 && latency.max >= latency.min;
    if (!ok) throw new TypeError(`${name} must be a delay ≥ 0 or a range { min, max } with 0 ≤ min ≤ max.`);
  }
}

export function resolveSettings(options: EmulatorOptions): EmulatorSettings {
  const settings: EmulatorSettings = {
    clockOffsetMs: options.clockOffsetMs ?? 0,
    region: options.region,
    sts: {
      mode: options.sts?.mode ?? "ok",
      latencyMs: options.sts?.latencyMs ?? 0,
      credentialLifetimeSeconds: options.sts?.credentialLifetimeSeconds ?? 3600,
      maxSessionDurationSeconds: options.sts?.maxSessionDurationSeconds ?? 43200,
      expectedWebIdentityToken: options.sts?.expectedWebIdentityToken,
    },
    container: {
      mode: options.container?.mode ?? "ok",
      latencyMs: options.container?.latencyMs ?? 0,
      credentialLifetimeSeconds: options.container?.credentialLifetimeSeconds ?? 3600,
      expectedAuthorizationToken: options.container?.expectedAuthorizationToken,
    },
    service: { latencyMs: options.service?.latencyMs ?? 0 },
  };
  validateSettings(settings);
  return settings;
}

/** Draws one delay from a {@link Latency}. */
export function drawLatency(latency: Latency, random: () => number = Math.random): number {
  return typeof latency === "number" ? latency : latency.min + random() * (latency.max - latency.min);
}
