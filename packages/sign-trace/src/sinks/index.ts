/** Where samples go: the fan-out to every sink, and the OpenTelemetry, diagnostics_channel and metricsRecorder sinks. */
export { diagnosticsChannelSink } from "./diagnosticsChannelSink.js";
export { metricsRecorderSink } from "./metricsRecorderSink.js";
export { METER_NAME, openTelemetrySink } from "./openTelemetrySink.js";
export type { SignTraceOpenTelemetryOptions } from "./openTelemetrySink.js";
export { fanOut, warnOnce } from "./sampleFanOut.js";
export type { SampleFanOut, SampleSink } from "./sampleFanOut.js";
