// Types only: erased at build time. The API itself is loaded below, and only when asked for.
import type * as OpenTelemetryApi from "@opentelemetry/api";
import { SignTraceConfigurationError } from "../errors.js";
import { METRIC_NAMES, SPAN_EVENT } from "../names.js";
import { loadOpenTelemetryApi } from "./loadOpenTelemetryApi.js";
import type { SampleSink } from "./sampleFanOut.js";
import type { SignTraceSample } from "../middleware/index.js";

/**
 * Options of the OpenTelemetry sink. Structural types, so this package's typings do not need
 * `@opentelemetry/api` installed.
 *
 * @example
 * ```ts
 * signTrace({ openTelemetry: { meterProvider, spanEvents: false } });
 * ```
 */
export interface SignTraceOpenTelemetryOptions {
  /** Where the histograms are created. @default the global meter provider, read when `signTrace()` runs */
  meterProvider?: { getMeter(name: string, version?: string): unknown };
  /** Record the {@link METRIC_NAMES} histograms. @default true */
  metrics?: boolean;
  /** Add a {@link SPAN_EVENT} event per attempt to the active span. @default true */
  spanEvents?: boolean;
}

/**
 * The instrumentation scope (meter name) of the histograms.
 *
 * @example
 * ```ts
 * // Views can select our instruments by meter: new MeterProvider({ views: [{ meterName: METER_NAME, ... }] })
 * METER_NAME; // "@awscreds/sign-trace"
 * ```
 */
export const METER_NAME = "@awscreds/sign-trace";

// Seconds, from 100 µs (a warm slot) to 10 s (STS timing out), roughly ×2.5 apart.
const BOUNDARIES = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function loadApi(): typeof OpenTelemetryApi {
  try {
    return loadOpenTelemetryApi();
  } catch (error) {
    throw new SignTraceConfigurationError("signTrace({ openTelemetry }) needs the optional peer dependency @opentelemetry/api: install it, or leave openTelemetry off", { cause: error });
  }
}

const seconds = (ms: number): number => ms / 1000;

/** `rpc.*` as `@opentelemetry/instrumentation-aws-sdk` sets them, so our data joins its spans. */
function callAttributes(sample: SignTraceSample): OpenTelemetryApi.Attributes {
  const attributes: OpenTelemetryApi.Attributes = { "rpc.system": "aws-api", "rpc.service": sample.service, "rpc.method": sample.operation, "awscreds.from_slot": sample.fromSlot };
  if (sample.authSchemeId !== undefined) attributes["auth.scheme_id"] = sample.authSchemeId;
  if (sample.region !== undefined) attributes["cloud.region"] = sample.region;
  return attributes;
}

function eventAttributes(sample: SignTraceSample): OpenTelemetryApi.Attributes {
  const attributes = callAttributes(sample);
  attributes["awscreds.attempt"] = sample.attempt;
  if (sample.identityWaitMs !== undefined) attributes["awscreds.identity_wait.duration"] = seconds(sample.identityWaitMs);
  attributes["awscreds.sign.duration"] = seconds(sample.signMs);
  attributes["awscreds.attempt.duration"] = seconds(sample.attemptMs);
  if (sample.accessKeyIdPrefix !== undefined) attributes["awscreds.access_key_id_prefix"] = sample.accessKeyIdPrefix;
  if (sample.errorName !== undefined) attributes["error.type"] = sample.errorName;
  return attributes;
}

/**
 * Loads `@opentelemetry/api` (throwing {@link SignTraceConfigurationError} if it is missing) and
 * returns a sink that records the two histograms and adds an event per attempt to the active
 * span. Events, not span attributes: the active span may be the caller's (an HTTP server span
 * spanning several AWS calls), and an event carries its own service and operation.
 *
 * @internal
 * @example
 * ```ts
 * const sink = openTelemetrySink({ spanEvents: true });
 * ```
 */
export function openTelemetrySink(options: SignTraceOpenTelemetryOptions): SampleSink {
  const api = loadApi();
  const metrics = options.metrics ?? true;
  const spanEvents = options.spanEvents ?? true;
  const meterProvider = (options.meterProvider ?? api.metrics.getMeterProvider()) as OpenTelemetryApi.MeterProvider;
  const meter = meterProvider.getMeter(METER_NAME);
  const advice = { explicitBucketBoundaries: BOUNDARIES };
  const identityWait = meter.createHistogram(METRIC_NAMES.identityWait, { unit: "s", description: "Time an AWS SDK call waited for its identity (credentials), before serialization", advice });
  const sign = meter.createHistogram(METRIC_NAMES.sign, { unit: "s", description: "Time an AWS SDK attempt spent in its signing middleware", advice });
  const take = (sample: SignTraceSample): void => {
    if (metrics) {
      const attributes = callAttributes(sample);
      if (sample.identityWaitMs !== undefined) identityWait.record(seconds(sample.identityWaitMs), attributes);
      sign.record(seconds(sample.signMs), attributes);
    }
    if (spanEvents) {
      const span = api.trace.getActiveSpan();
      if (span?.isRecording()) span.addEvent(SPAN_EVENT, eventAttributes(sample), sample.startTime);
    }
  };
  if (metrics) return { take };
  // Span events alone are wanted only by calls made inside a recording span (the span active when the call starts is the one its attempts end in).
  return { take, listensTo: () => spanEvents && api.trace.getActiveSpan()?.isRecording() === true };
}
