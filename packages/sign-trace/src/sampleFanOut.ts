import type { HandlerExecutionContext } from "@smithy/types";
import { recordToMetricsRecorder } from "./metricsRecorderSink.js";
import type { SampleHandler } from "./signTraceMiddleware.js";
import type { SignTraceSample } from "./signTraceSample.js";

/**
 * A destination of samples. Called synchronously when an attempt ends.
 *
 * @example
 * ```ts
 * const sink: SampleSink = (sample) => histogram.observe(sample.signMs);
 * ```
 */
export type SampleSink = (sample: SignTraceSample) => void;

/**
 * Hands each finished sample to every sink in order, then to the call's `metricsRecorder`. A sink
 * that throws never fails the request: the error goes to `onSinkError` and the other sinks run.
 * The sample is frozen first, so no sink can change what the next one sees.
 *
 * @internal
 * @example
 * ```ts
 * const handle = fanOut([summarySink, options.onSample], true, warnOnce);
 * ```
 */
export function fanOut(sinks: readonly SampleSink[], metricsRecorder: boolean, onSinkError: (error: unknown) => void): SampleHandler {
  return (sample: SignTraceSample, context: HandlerExecutionContext) => {
    Object.freeze(sample);
    for (const sink of sinks) {
      try {
        sink(sample);
      } catch (error) {
        onSinkError(error);
      }
    }
    if (metricsRecorder) {
      try {
        recordToMetricsRecorder(sample, context);
      } catch (error) {
        onSinkError(error);
      }
    }
  };
}

/**
 * The default `onSinkError`: one process warning per plugin (code `AWSCREDS_SIGN_TRACE_SINK`),
 * then silence, so a broken sink cannot flood the logs.
 *
 * @internal
 * @example
 * ```ts
 * const onSinkError = warnOnce();
 * ```
 */
export function warnOnce(): (error: unknown) => void {
  let warned = false;
  return (error) => {
    if (warned) return;
    warned = true;
    const name = error instanceof Error ? error.name : typeof error;
    process.emitWarning(`a sign-trace sink threw ${name}; samples keep flowing to the other sinks (shown once)`, { code: "AWSCREDS_SIGN_TRACE_SINK" });
  };
}
