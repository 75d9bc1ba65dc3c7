import { context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type HistogramMetricData } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";

/** An OpenTelemetry SDK that keeps everything in memory, registered as the global one. */
export interface InMemoryOpenTelemetry {
  readonly meterProvider: MeterProvider;
  /** Runs `fn` inside an active span named `name`, and returns the span once ended. */
  inSpan(name: string, fn: () => Promise<unknown>): Promise<ReadableSpan>;
  /** Collects now and returns every histogram by name, with the name of the meter that made it. */
  histograms(): Promise<Map<string, HistogramMetricData & { scope: string }>>;
  shutdown(): Promise<void>;
}

export function startInMemoryOpenTelemetry(): InMemoryOpenTelemetry {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  trace.setGlobalTracerProvider(tracerProvider);
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Exports only when flushed: the test decides when.
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(meterProvider);

  return {
    meterProvider,
    async inSpan(name, fn) {
      await trace.getTracer("test").startActiveSpan(name, async (span) => {
        try {
          await fn();
        } finally {
          span.end();
        }
      });
      const finished = spans.getFinishedSpans().filter((s) => s.name === name);
      return finished[finished.length - 1]!;
    },
    async histograms() {
      await reader.forceFlush();
      const byName = new Map<string, HistogramMetricData & { scope: string }>();
      for (const resource of exporter.getMetrics()) {
        for (const { scope, metrics } of resource.scopeMetrics) {
          for (const metric of metrics) byName.set(metric.descriptor.name, { ...(metric as HistogramMetricData), scope: scope.name });
        }
      }
      return byName;
    },
    async shutdown() {
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
      contextManager.disable();
      trace.disable();
      metrics.disable();
      context.disable();
    },
  };
}
