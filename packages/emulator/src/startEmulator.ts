import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServiceName } from "./awsError.js";
import { EmulatorState } from "./emulatorState.js";
import type { StaticKey } from "./keyStore.js";
import {
  CONTAINER_MODES,
  resolveSettings,
  validateSettings,
  type ContainerMode,
  type EmulatorOptions,
  type EmulatorSettings,
  type EmulatorSettingsUpdate,
  type ServiceFault,
  type StsMode,
} from "./options.js";
import type { EmulatorRecords } from "./records.js";
import { route } from "./router.js";
import { applySettingsUpdate } from "./settingsUpdate.js";

/** Temporary credentials minted directly, without an STS call. */
export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** A running emulator. Stop it with `close()` or `await using`. */
export interface Emulator extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`: the endpoint for every SDK client (`endpoint`, `AWS_ENDPOINT_URL_STS`). */
  readonly url: string;
  readonly port: number;
  /** Every STS call, container credentials call and signed request seen so far. */
  readonly records: EmulatorRecords;
  /** The settings in force; change them with {@link Emulator.configure}. */
  readonly settings: Readonly<EmulatorSettings>;
  /** The emulator's clock (host clock plus `clockOffsetMs`), epoch ms. */
  now(): number;
  /** Changes settings while running: STS and container modes and latency, lifetimes, tokens, clock offset, service latency. */
  configure(update: EmulatorSettingsUpdate): void;
  /** The next `count` credential calls answer with `mode`, then the configured mode resumes. */
  injectStsFaults(mode: StsMode, count?: number): void;
  /**
   * The next `count` calls to the container credentials endpoint (`GET /v1/credentials`,
   * `GET /v2/credentials/<id>`) answer with `mode`, then the configured mode resumes.
   * An unknown mode throws `TypeError`.
   */
  injectContainerFaults(mode: ContainerMode, count?: number): void;
  /** The next `count` signed requests (to `service`, or any) fail with `fault` after authenticating. */
  injectServiceFaults(fault: ServiceFault, count?: number, service?: ServiceName): void;
  /**
   * Answers every hung STS and container request, each with its service's mode now configured
   * (`sts.mode`, `container.mode`); returns how many there were.
   */
  releaseHungRequests(): number;
  /** Hung STS and container requests waiting for {@link Emulator.releaseHungRequests}. */
  readonly hungRequests: number;
  addStaticKey(key: StaticKey): void;
  /** Mints temporary credentials without an STS call, valid for `lifetimeSeconds` (default 3600). */
  issueCredentials(options?: { lifetimeSeconds?: number; roleArn?: string }): IssuedCredentials;
  /** Ends a key's validity now: its next request gets `ExpiredToken`. */
  expireKey(accessKeyId: string): boolean;
  createTable(name: string, partitionKey?: string, sortKey?: string): void;
  createBucket(name: string): void;
  createFunction(name: string): void;
  close(): Promise<void>;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Starts the emulator on a loopback port: STS, the container credentials endpoint (EKS Pod
 * Identity, ECS) and SigV4-verifying DynamoDB, S3 and Lambda.
 *
 * @example
 * const aws = await startEmulator({ sts: { latencyMs: 800 } });
 * const sts = new STSClient({ endpoint: aws.url, region: "us-east-1" });
 * // ...
 * await aws.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? "127.0.0.1";
  if (!isLoopback(host)) throw new TypeError(`The emulator binds loopback only; '${host}' is not 127.0.0.0/8, ::1 or localhost.`);
  const accountId = options.accountId ?? "123456789012";
  const state = new EmulatorState(resolveSettings(options), accountId);
  for (const key of options.staticKeys ?? []) state.keys.addStatic(key, accountId);
  for (const table of options.dynamodb?.tables ?? []) state.dynamodb.createTable(table.name, table.partitionKey, table.sortKey);
  for (const bucket of options.s3?.buckets ?? []) state.s3.createBucket(bucket);
  for (const name of options.lambda?.functions ?? []) state.lambda.createFunction(name);

  const server = createServer((req, res) => void route(state, req, res));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  if (!options.keepProcessAlive) server.unref();
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      state.clearTimers();
      for (const hung of state.hung) hung.response.destroy();
      state.hung.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    }));

  return {
    url,
    port,
    records: state.records,
    get settings() {
      return state.settings;
    },
    get hungRequests() {
      return state.hung.size;
    },
    now: () => state.now(),
    configure(update) {
      const next = applySettingsUpdate(state.settings, update);
      validateSettings(next);
      state.settings = next;
    },
    injectStsFaults(mode, count = 1) {
      for (let i = 0; i < count; i++) state.stsFaults.push(mode);
    },
    injectContainerFaults(mode, count = 1) {
      if (!CONTAINER_MODES.includes(mode)) throw new TypeError(`Unknown container mode '${String(mode)}'; use one of ${CONTAINER_MODES.join(", ")}.`);
      for (let i = 0; i < count; i++) state.containerFaults.push(mode);
    },
    injectServiceFaults(fault, count = 1, service) {
      for (let i = 0; i < count; i++) state.serviceFaults.push({ fault, service });
    },
    releaseHungRequests() {
      const hung = [...state.hung];
      for (const request of hung) request.resume();
      return hung.length;
    },
    addStaticKey: (key) => void state.keys.addStatic(key, accountId),
    issueCredentials({ lifetimeSeconds = 3600, roleArn = `arn:aws:iam::${accountId}:role/emulator` } = {}) {
      const roleName = roleArn.split("/").pop() ?? "emulator";
      const key = state.keys.issue({
        expiration: state.now() + lifetimeSeconds * 1000,
        accountId,
        arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/emulator`,
        userId: "AROAEMULATOR:emulator",
      });
      return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, sessionToken: key.sessionToken as string, expiration: new Date(key.expiration as number) };
    },
    expireKey: (accessKeyId) => state.keys.expire(accessKeyId, state.now()),
    createTable: (name, partitionKey, sortKey) => state.dynamodb.createTable(name, partitionKey, sortKey, state.now()),
    createBucket: (name) => state.s3.createBucket(name, state.now()),
    createFunction: (name) => state.lambda.createFunction(name),
    close,
    [Symbol.asyncDispose]: close,
  };
}
