/** The in-process summary: per-operation windows of durations in log-bucketed histograms. */
export { MAX_RELATIVE_ERROR } from "./logHistogram.js";
export type { DurationSummary, OperationSummary } from "./operationWindow.js";
export { SignTraceSummary } from "./signTraceSummary.js";
export type { SignTraceSnapshot } from "./signTraceSummary.js";
