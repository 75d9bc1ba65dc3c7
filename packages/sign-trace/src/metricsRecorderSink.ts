import { getSmithyContext } from "@smithy/core/client";
import type { HandlerExecutionContext, MetricsRecorder } from "@smithy/types";
import { METRICS_RECORDER_NAMES } from "./names.js";
import type { SignTraceSample } from "./signTraceSample.js";

/**
 * Reports a sample to the Smithy `MetricsRecorder` the caller passed to this call
 * (`client.send(command, { metricsRecorder })`), if any: `addTime` in milliseconds, under
 * {@link METRICS_RECORDER_NAMES}. The recorder is per call, so it is read from the call's context.
 *
 * @internal
 * @example
 * ```ts
 * recordToMetricsRecorder(sample, context); // recorder.addTime("SigningDuration", 0.41)
 * ```
 */
export function recordToMetricsRecorder(sample: SignTraceSample, context: HandlerExecutionContext): void {
  const recorder = getSmithyContext(context).metricsRecorder as Partial<MetricsRecorder<unknown>> | undefined;
  if (typeof recorder?.addTime !== "function") return;
  if (sample.identityWaitMs !== undefined) recorder.addTime(METRICS_RECORDER_NAMES.identityWait, sample.identityWaitMs);
  recorder.addTime(METRICS_RECORDER_NAMES.sign, sample.signMs);
}
