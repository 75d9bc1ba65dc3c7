/**
 * `@awscreds/sign-trace`: per-attempt timing of the AWS SDK v3 Sign step (identity wait,
 * signing, the whole attempt), so a request that waited on STS shows it.
 */
export { signTrace } from "./signTrace.js";
export type { SignTrace } from "./signTrace.js";
export { DEFAULT_WINDOW_MS } from "./signTraceOptions.js";
export type { SignTraceOptions, SignTraceSummaryOptions } from "./signTraceOptions.js";
export type { SignTraceOpenTelemetryOptions } from "./sinks/index.js";
export { METER_NAME } from "./sinks/index.js";
export type { SignTraceSample } from "./middleware/index.js";
export type { SignTraceSnapshot } from "./summary/index.js";
export type { DurationSummary, OperationSummary } from "./summary/index.js";
export { MAX_RELATIVE_ERROR } from "./summary/index.js";
export { METRIC_NAMES, METRICS_RECORDER_NAMES, SAMPLE_CHANNEL, SIGN_TRACE_TAG, SPAN_EVENT } from "./names.js";
export { SignTraceConfigurationError, SignTraceError } from "./errors.js";
