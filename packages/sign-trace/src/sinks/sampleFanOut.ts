import type { HandlerExecutionContext } from "@smithy/types";
import type { SignTraceSample } from "../middleware/index.js";

/**
 * A destination of samples. `take` is called synchronously when an attempt ends; `listensTo`
 * says whether the sink wants samples of a call at all (a diagnostics channel without
 * subscribers does not, nor does the `metricsRecorder` sink for a call without a recorder).
 * A sink without `listensTo` always listens.
 *
 * @internal
 * @example
 * ```ts
 * const sink: SampleSink = { take: (sample) => histogram.observe(sample.signMs) };
 * ```
 */
export interface SampleSink {
  readonly take: (sample: SignTraceSample, context: HandlerExecutionContext) => void;
  readonly listensTo?: (context: HandlerExecutionContext) => boolean;
}

/**
 * What the middlewares talk to: asked once per call whether anyone listens (a call nobody listens
 * to is not timed at all), then handed each finished sample of the calls that are.
 *
 * @internal
 * @example
 * ```ts
 * if (samples.listensTo(context)) context[SAMPLE] = new AttemptSample(...);
 * samples.deliver(sample, context);
 * ```
 */
export interface SampleFanOut {
  listensTo(context: HandlerExecutionContext): boolean;
  deliver(sample: SignTraceSample, context: HandlerExecutionContext): void;
}

/**
 * Hands each finished sample to every listening sink, in order. A sink that throws never fails
 * the request: the error goes to `onSinkError` and the other sinks run. The sample is frozen
 * first, so no sink can change what the next one sees.
 *
 * @internal
 * @example
 * ```ts
 * const samples = fanOut([summarySink, callbackSink, metricsRecorderSink()], warnOnce());
 * ```
 */
export function fanOut(sinks: readonly SampleSink[], onSinkError: (error: unknown) => void): SampleFanOut {
  // Split once, so the per-call question is a boolean read in the common case (the summary is on by default).
  const someAlwaysListens = sinks.some((sink) => sink.listensTo === undefined);
  const conditions = sinks.flatMap((sink) => (sink.listensTo === undefined ? [] : [sink.listensTo]));
  return {
    listensTo(context) {
      if (someAlwaysListens) return true;
      for (const listens of conditions) if (listens(context)) return true;
      return false;
    },
    deliver(sample, context) {
      Object.freeze(sample);
      for (const sink of sinks) {
        try {
          if (sink.listensTo === undefined || sink.listensTo(context)) sink.take(sample, context);
        } catch (error) {
          onSinkError(error);
        }
      }
    },
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
