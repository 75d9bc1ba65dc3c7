import type { SelectedHttpAuthScheme } from "@smithy/types";
import { keyIdPrefix } from "./sampleLabels.js";

/** Set by `@awscreds/core`'s plugin to the slot key each attempt is signed with. */
const SIGNED_WITH_SLOT_KEY = Symbol.for("@awscreds/core.signedWithSlotKey");
// Constant for the life of the process (or worker), and a getter call to read: read it once.
const TIME_ORIGIN = performance.timeOrigin;

/**
 * The timing of one attempt of one AWS SDK call. Durations are milliseconds from the
 * high-resolution clock (`performance.now()`). It never holds a secret: no secret key, session
 * token or web identity token, and only a prefix of the access key id.
 *
 * @example
 * ```ts
 * signTrace({ onSample: (s) => s.identityWaitMs! > 100 && log.warn(`${s.service}.${s.operation} waited ${s.identityWaitMs} ms for credentials`) });
 * ```
 */
export interface SignTraceSample {
  /** The client without `Client`, as `rpc.service`: "DynamoDB", "S3", "STS". */
  readonly service: string;
  /** The operation, as `rpc.method`: "GetItem". */
  readonly operation: string;
  /** The signing region, when the auth scheme has one. */
  readonly region: string | undefined;
  /** 1 for the first attempt, 2 for the first retry, and so on. */
  readonly attempt: number;
  /**
   * How long the call waited for its identity before serializing: from just before the SDK's
   * `httpAuthSchemeMiddleware` to the end of its `endpointV2Middleware` (which, for DynamoDB,
   * awaits the credentials again for their account id). The SDK resolves identity once per
   * call, so this is set on attempt 1 and `undefined` on retries.
   */
  readonly identityWaitMs: number | undefined;
  /** How long the signing middleware took (the SDK's, or `@awscreds/core`'s): before it to after it. */
  readonly signMs: number;
  /** The whole attempt: from just before signing to the response (or error) coming back. */
  readonly attemptMs: number;
  /** When signing of this attempt started, in epoch milliseconds (sub-millisecond precision). */
  readonly startTime: number;
  /** The first 8 characters of the access key id the attempt was signed with, e.g. "ASIAXYZ1". */
  readonly accessKeyIdPrefix: string | undefined;
  /** `true` when the attempt was signed with a key from an `@awscreds/core` slot. */
  readonly fromSlot: boolean;
  /** The auth scheme the SDK selected, e.g. "aws.auth#sigv4" ("smithy.api#noAuth" for unsigned calls). */
  readonly authSchemeId: string | undefined;
  /** The error name when the attempt failed ("ThrottlingException", "TimeoutError"...). */
  readonly errorName: string | undefined;
}

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/**
 * The sample, filled in by the middlewares as the attempt goes. Internal marks are private
 * fields, so a published sample shows only the {@link SignTraceSample} fields.
 *
 * @internal
 * @example
 * ```ts
 * const sample = new AttemptSample("DynamoDB", "GetItem", 1);
 * sample.signingStarted(performance.now());
 * ```
 */
export class AttemptSample implements SignTraceSample {
  service: string;
  operation: string;
  region: string | undefined = undefined;
  attempt: number;
  identityWaitMs: number | undefined = undefined;
  signMs = 0;
  attemptMs = 0;
  startTime = 0;
  accessKeyIdPrefix: string | undefined = undefined;
  fromSlot = false;
  authSchemeId: string | undefined = undefined;
  errorName: string | undefined = undefined;
  #identityStart = -1;
  #signStart = -1;
  #signEnd = -1;

  constructor(service: string, operation: string, attempt: number) {
    this.service = service;
    this.operation = operation;
    this.attempt = attempt;
  }

  /** Signing has started: the next signing start belongs to a new attempt. */
  get started(): boolean {
    return this.#signStart >= 0;
  }

  /** Signing finished: the request went on to the network. */
  get signed(): boolean {
    return this.#signEnd >= 0;
  }

  identityStarted(now: number): void {
    this.#identityStart = now;
  }

  identityResolved(now: number): void {
    if (this.#identityStart >= 0 && this.#signStart < 0) this.identityWaitMs = now - this.#identityStart;
  }

  signingStarted(now: number): void {
    this.#signStart = now;
    this.startTime = TIME_ORIGIN + now;
  }

  signingDone(now: number, scheme: SelectedHttpAuthScheme | undefined): void {
    this.#signEnd = now;
    this.signMs = now - this.#signStart;
    const properties = scheme?.httpAuthOption.signingProperties as Record<string | symbol, unknown> | undefined;
    const slotKey = text(properties?.[SIGNED_WITH_SLOT_KEY]);
    this.fromSlot = slotKey !== undefined;
    // The SDK's own signer re-reads config.credentials; the identity it resolved is the best we see.
    const keyId = slotKey ?? text((scheme?.identity as { accessKeyId?: unknown } | undefined)?.accessKeyId);
    this.accessKeyIdPrefix = keyId === undefined ? undefined : keyIdPrefix(keyId);
    this.region = text(properties?.signingRegion) ?? text(properties?.region);
    this.authSchemeId = scheme?.httpAuthOption.schemeId;
  }

  succeeded(now: number): void {
    this.attemptMs = now - this.#signStart;
  }

  failed(now: number, error: unknown): void {
    this.attemptMs = now - this.#signStart;
    // A signer that throws never reaches the middleware after it: all that time was signing.
    if (!this.signed) this.signMs = this.attemptMs;
    const name = (error as { name?: unknown } | null | undefined)?.name;
    this.errorName = typeof name === "string" ? name : "Error";
  }
}
