/**
 * Every name this package publishes under, in one place, so dashboards, subscribers and docs
 * agree with the code.
 */

/**
 * The `node:diagnostics_channel` channel each attempt's {@link SignTraceSample} is published
 * on, only while it has subscribers.
 *
 * @example
 * ```ts
 * import diagnosticsChannel from "node:diagnostics_channel";
 * diagnosticsChannel.subscribe(SAMPLE_CHANNEL, (sample) => apm.record(sample));
 * ```
 */
export const SAMPLE_CHANNEL = "awscreds:sign-trace:sample";

/**
 * OpenTelemetry histogram names, in seconds (unit `s`). They are the client metrics the AWS SDKs
 * for Go v2 and .NET emit (`client.call.auth.*`); no OpenTelemetry semantic convention covers
 * identity or signing time, so we follow the SDKs' own.
 *
 * @example
 * ```ts
 * // PromQL: p99 identity wait of DynamoDB GetItem
 * // histogram_quantile(0.99, rate(client_call_auth_resolve_identity_duration_seconds_bucket{rpc_method="GetItem"}[5m]))
 * METRIC_NAMES.identityWait; // "client.call.auth.resolve_identity_duration"
 * ```
 */
export const METRIC_NAMES = {
  /** Identity wait of a call (once per `send`, on its first attempt). */
  identityWait: "client.call.auth.resolve_identity_duration",
  /** Signing time of an attempt. */
  sign: "client.call.auth.signing_duration",
} as const;

/**
 * Names passed to the Smithy `MetricsRecorder.addTime(name, ms)`, in milliseconds: the AWS SDK
 * for Java 2.x names for the same two measurements, in CloudWatch style.
 *
 * @example
 * ```ts
 * recorder.addTime(METRICS_RECORDER_NAMES.sign, 0.4); // what the plugin calls for you
 * ```
 */
export const METRICS_RECORDER_NAMES = {
  identityWait: "CredentialsFetchDuration",
  sign: "SigningDuration",
} as const;

/**
 * The OpenTelemetry span event added to the active span for every attempt.
 *
 * @example
 * ```ts
 * span.events.filter((event) => event.name === SPAN_EVENT); // one per attempt
 * ```
 */
export const SPAN_EVENT = "awscreds.sign_trace.attempt";

/**
 * Tag of every middleware the plugin adds: `client.middlewareStack.removeByTag(SIGN_TRACE_TAG)`
 * takes them all out again.
 *
 * @example
 * ```ts
 * client.middlewareStack.removeByTag(SIGN_TRACE_TAG); // tracing off for this client
 * ```
 */
export const SIGN_TRACE_TAG = "SIGN_TRACE";
