import { SignTraceConfigurationError } from "./errors.js";
import type { SignTraceOpenTelemetryOptions } from "./sinks/index.js";
import type { SignTraceSample } from "./middleware/index.js";

/**
 * The built-in rolling summary behind `snapshot()`.
 *
 * @example
 * ```ts
 * signTrace({ summary: { windowMs: 60_000 } }); // snapshot() covers the last minute
 * ```
 */
export interface SignTraceSummaryOptions {
  /** How far back `snapshot()` looks, in ms (kept as 5 slots of a fifth each). At least 5 ms. @default 300_000 (5 min) */
  windowMs?: number;
  /** The clock of the window, in epoch ms (durations always use `performance.now()`). @default Date.now */
  now?: () => number;
}

/**
 * Options of {@link signTrace}. Every sink is optional; the summary and the diagnostics channel
 * are on by default because they cost next to nothing.
 *
 * @example
 * ```ts
 * const trace = signTrace({ onSample: (s) => s.identityWaitMs! > 100 && log.warn(s), openTelemetry: true });
 * ```
 */
export interface SignTraceOptions {
  /** Called with every attempt's sample, synchronously as the attempt ends. Keep it cheap. @default none */
  onSample?: (sample: SignTraceSample) => void;
  /** Publish samples on the `awscreds:sign-trace:sample` diagnostics channel while it has subscribers. @default true */
  diagnosticsChannel?: boolean;
  /**
   * Histograms and span events through `@opentelemetry/api` (an optional peer dependency,
   * loaded only when this is on). `true` uses the global meter provider. @default false
   */
  openTelemetry?: boolean | SignTraceOpenTelemetryOptions;
  /** Report to the Smithy `metricsRecorder` a caller passes to `client.send(command, { metricsRecorder })`. @default true */
  metricsRecorder?: boolean;
  /** The rolling summary behind `snapshot()`; `false` turns it off (then `snapshot()` is empty). @default { windowMs: 300_000 } */
  summary?: boolean | SignTraceSummaryOptions;
  /** Called when a sink throws; the request is never affected. @default one process warning, then silence */
  onSinkError?: (error: unknown) => void;
}

/**
 * The options with every default applied.
 *
 * @example
 * ```ts
 * const { summary }: ResolvedSignTraceOptions = resolveSignTraceOptions({});
 * ```
 */
export interface ResolvedSignTraceOptions {
  readonly onSample: ((sample: SignTraceSample) => void) | undefined;
  readonly diagnosticsChannel: boolean;
  readonly openTelemetry: SignTraceOpenTelemetryOptions | undefined;
  readonly metricsRecorder: boolean;
  readonly summary: { readonly windowMs: number; readonly now: () => number } | undefined;
  readonly onSinkError: ((error: unknown) => void) | undefined;
}

/**
 * The default summary window: 5 minutes, as the SDK's own credential refresh window.
 *
 * @example
 * ```ts
 * signTrace({ summary: { windowMs: DEFAULT_WINDOW_MS / 5 } }); // the last minute
 * ```
 */
export const DEFAULT_WINDOW_MS = 300_000;

// A function declaration (not an arrow), so TypeScript narrows after calls to it.
function fail(message: string): never {
  throw new SignTraceConfigurationError(`signTrace: ${message}`);
}
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

function optionalBoolean(options: SignTraceOptions, key: "diagnosticsChannel" | "metricsRecorder", fallback: boolean): boolean {
  const value = options[key];
  if (value === undefined) return fallback;
  return typeof value === "boolean" ? value : fail(`${key} must be true or false, got ${typeof value}`);
}

function optionalFunction<F>(value: unknown, key: string): F | undefined {
  if (value === undefined) return undefined;
  return typeof value === "function" ? (value as F) : fail(`${key} must be a function, got ${typeof value}`);
}

/**
 * Applies the defaults in one place and rejects invalid options with a message naming the
 * option to fix.
 *
 * @example
 * ```ts
 * resolveSignTraceOptions({}).summary?.windowMs; // 300_000
 * resolveSignTraceOptions({ summary: { windowMs: 0 } }); // throws SignTraceConfigurationError
 * ```
 */
export function resolveSignTraceOptions(options: SignTraceOptions = {}): ResolvedSignTraceOptions {
  if (!isObject(options)) fail(`options must be an object, got ${typeof options}`);
  const { openTelemetry = false, summary = true } = options;

  if (typeof openTelemetry !== "boolean" && !isObject(openTelemetry)) fail("openTelemetry must be true, false or an options object");
  if (isObject(openTelemetry)) {
    for (const key of ["metrics", "spanEvents"] as const) {
      if (openTelemetry[key] !== undefined && typeof openTelemetry[key] !== "boolean") fail(`openTelemetry.${key} must be true or false`);
    }
    const provider = openTelemetry.meterProvider;
    if (provider !== undefined && typeof (provider as { getMeter?: unknown }).getMeter !== "function") fail("openTelemetry.meterProvider must be an OpenTelemetry MeterProvider (with getMeter)");
  }

  if (typeof summary !== "boolean" && !isObject(summary)) fail("summary must be true, false or { windowMs, now }");
  let resolvedSummary: ResolvedSignTraceOptions["summary"];
  if (summary !== false) {
    const { windowMs = DEFAULT_WINDOW_MS, now = Date.now } = summary === true ? {} : summary;
    if (typeof windowMs !== "number" || !Number.isFinite(windowMs) || windowMs < 5) fail(`summary.windowMs must be a finite number of milliseconds ≥ 5, got ${String(windowMs)}`);
    resolvedSummary = { windowMs, now: optionalFunction<() => number>(now, "summary.now") ?? Date.now };
  }

  return {
    onSample: optionalFunction(options.onSample, "onSample"),
    diagnosticsChannel: optionalBoolean(options, "diagnosticsChannel", true),
    openTelemetry: openTelemetry === false ? undefined : openTelemetry === true ? {} : openTelemetry,
    metricsRecorder: optionalBoolean(options, "metricsRecorder", true),
    summary: resolvedSummary,
    onSinkError: optionalFunction(options.onSinkError, "onSinkError"),
  };
}
