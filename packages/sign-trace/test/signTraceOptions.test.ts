import { describe, expect, test } from "vitest";
import { SignTraceConfigurationError, signTrace, type SignTraceOptions } from "@awscreds/sign-trace";
import { DEFAULT_WINDOW_MS, resolveSignTraceOptions } from "../src/signTraceOptions.js";

describe("invalid options are rejected at construction, naming the option", () => {
  test.each<[string, unknown, RegExp]>([
    ["options not an object", 42, /options must be an object/],
    ["onSample not a function", { onSample: "log" }, /onSample must be a function/],
    ["diagnosticsChannel not a boolean", { diagnosticsChannel: "yes" }, /diagnosticsChannel must be true or false/],
    ["metricsRecorder not a boolean", { metricsRecorder: 1 }, /metricsRecorder must be true or false/],
    ["openTelemetry a string", { openTelemetry: "on" }, /openTelemetry must be true, false or an options object/],
    ["openTelemetry.spanEvents not a boolean", { openTelemetry: { spanEvents: "no" } }, /openTelemetry.spanEvents must be true or false/],
    ["openTelemetry.meterProvider without getMeter", { openTelemetry: { meterProvider: {} } }, /openTelemetry.meterProvider must be/],
    ["summary a number", { summary: 5 }, /summary must be true, false or/],
    ["summary.windowMs negative", { summary: { windowMs: -1 } }, /summary.windowMs must be a finite number of milliseconds ≥ 5, got -1/],
    ["summary.windowMs NaN", { summary: { windowMs: Number.NaN } }, /got NaN/],
    ["summary.windowMs a string", { summary: { windowMs: "5m" } }, /got 5m/],
    ["summary.now not a function", { summary: { now: 0 } }, /summary.now must be a function/],
    ["onSinkError not a function", { onSinkError: true }, /onSinkError must be a function/],
  ])("%s", (_name, options, message) => {
    expect(() => signTrace(options as SignTraceOptions)).toThrow(SignTraceConfigurationError);
    expect(() => signTrace(options as SignTraceOptions)).toThrow(message);
  });
});

describe("defaults, applied in one place", () => {
  test("summary and diagnostics channel on, OpenTelemetry off, metricsRecorder on", () => {
    const resolved = resolveSignTraceOptions();
    expect(resolved).toMatchObject({ onSample: undefined, diagnosticsChannel: true, openTelemetry: undefined, metricsRecorder: true, onSinkError: undefined });
    expect(resolved.summary).toEqual({ windowMs: DEFAULT_WINDOW_MS, now: Date.now });
    expect(DEFAULT_WINDOW_MS).toBe(300_000);
  });

  test("summary: false turns the summary off and snapshot() is empty", () => {
    expect(resolveSignTraceOptions({ summary: false }).summary).toBeUndefined();
    expect(signTrace({ summary: false }).snapshot()).toEqual({ windowMs: 0, operations: [] });
  });

  test("openTelemetry: true means every OpenTelemetry default", () => {
    expect(resolveSignTraceOptions({ openTelemetry: true }).openTelemetry).toEqual({});
  });
});
