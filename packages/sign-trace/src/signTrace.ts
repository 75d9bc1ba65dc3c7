import type { MiddlewareStack } from "@smithy/types";
import { diagnosticsChannelSink } from "./sinks/index.js";
import { metricsRecorderSink } from "./sinks/index.js";
import { openTelemetrySink } from "./sinks/index.js";
import { fanOut, warnOnce, type SampleSink } from "./sinks/index.js";
import { identityEndMiddleware, identityStartMiddleware, signEndMiddleware, signStartMiddleware, signTraceMiddlewareOptions } from "./middleware/index.js";
import { resolveSignTraceOptions, type SignTraceOptions } from "./signTraceOptions.js";
import { SignTraceSummary, type SignTraceSnapshot } from "./summary/index.js";

/**
 * The plugin `signTrace()` returns: `client.middlewareStack.use(trace)` on any number of
 * clients, then `trace.snapshot()` for what they all did.
 *
 * @example
 * ```ts
 * const trace = signTrace();
 * dynamodb.middlewareStack.use(trace);
 * s3.middlewareStack.use(trace);
 * setInterval(() => log.info(trace.snapshot()), 60_000).unref();
 * ```
 */
export interface SignTrace {
  /** Adds the four timing middlewares to a client's stack (what `middlewareStack.use` calls). */
  applyToStack<Input extends object, Output extends object>(stack: MiddlewareStack<Input, Output>): void;
  /** Per service operation: count, p50, p90, p99 and max of identity wait and signing, over the window. */
  snapshot(): SignTraceSnapshot;
  /** Empties the summary (say, after a deploy or between benchmark phases). */
  reset(): void;
}

/**
 * Times every attempt of an AWS SDK v3 client: how long it waited for credentials, how long it
 * spent signing, and the whole attempt, with a rolling summary and optional sinks (callback,
 * `node:diagnostics_channel`, OpenTelemetry, the Smithy `metricsRecorder`). Works on stock
 * clients, to see requests wait on STS, and with `@awscreds/core`'s plugin, to see they no
 * longer do. Opt-in per client: nothing runs in a client that does not use it.
 *
 * Invalid options throw a `SignTraceConfigurationError` here; once the plugin is in a stack,
 * nothing it does can fail a request.
 *
 * @example
 * ```ts
 * const dynamodb = new DynamoDBClient({});
 * const trace = signTrace({ openTelemetry: true });
 * dynamodb.middlewareStack.use(trace);
 * await dynamodb.send(new ListTablesCommand({}));
 * trace.snapshot().operations[0]?.identityWait.p99;
 * ```
 */
export function signTrace(options: SignTraceOptions = {}): SignTrace {
  const resolved = resolveSignTraceOptions(options);
  const summary = resolved.summary && new SignTraceSummary(resolved.summary.windowMs, resolved.summary.now);
  const onSample = resolved.onSample;
  const sinks: SampleSink[] = [];
  if (summary) sinks.push({ take: (sample) => summary.record(sample) });
  // Wrapped, so the callback gets the sample alone, never the SDK's context.
  if (onSample) sinks.push({ take: (sample) => onSample(sample) });
  if (resolved.diagnosticsChannel) sinks.push(diagnosticsChannelSink());
  if (resolved.openTelemetry) sinks.push(openTelemetrySink(resolved.openTelemetry));
  if (resolved.metricsRecorder) sinks.push(metricsRecorderSink());
  const samples = fanOut(sinks, resolved.onSinkError ?? warnOnce());

  return {
    applyToStack(stack) {
      const where = signTraceMiddlewareOptions;
      stack.addRelativeTo(identityStartMiddleware(samples), where.identityStart);
      stack.addRelativeTo(identityEndMiddleware(), where.identityEnd);
      stack.addRelativeTo(signStartMiddleware(samples), where.signStart);
      stack.addRelativeTo(signEndMiddleware(), where.signEnd);
    },
    snapshot: () => summary?.snapshot() ?? { windowMs: 0, operations: [] },
    reset: () => summary?.reset(),
  };
}
