import { getSmithyContext } from "@smithy/core/client";
import type { HandlerExecutionContext, MetricsRecorder } from "@smithy/types";
import { METRICS_RECORDER_NAMES } from "../names.js";
import type { SampleSink } from "./sampleFanOut.js";

type TimeRecorder = Pick<MetricsRecorder<unknown>, "addTime">;

/** The recorder the caller passed to this call (`client.send(command, { metricsRecorder })`), if it can take times. */
function recorderOf(context: HandlerExecutionContext): TimeRecorder | undefined {
  const recorder = getSmithyContext(context).metricsRecorder as Partial<MetricsRecorder<unknown>> | undefined;
  return typeof recorder?.addTime === "function" ? (recorder as TimeRecorder) : undefined;
}

/**
 * Reports each sample to the Smithy `MetricsRecorder` the caller passed to its call, if any:
 * `addTime` in milliseconds, under {@link METRICS_RECORDER_NAMES}. The recorder is per call, so
 * the sink listens only to calls that carry one.
 *
 * @internal
 * @example
 * ```ts
 * const sink = metricsRecorderSink(); // recorder.addTime("SigningDuration", 0.41) per attempt
 * ```
 */
export function metricsRecorderSink(): SampleSink {
  return {
    listensTo: (context) => recorderOf(context) !== undefined,
    take(sample, context) {
      const recorder = recorderOf(context);
      if (recorder === undefined) return;
      if (sample.identityWaitMs !== undefined) recorder.addTime(METRICS_RECORDER_NAMES.identityWait, sample.identityWaitMs);
      recorder.addTime(METRICS_RECORDER_NAMES.sign, sample.signMs);
    },
  };
}
