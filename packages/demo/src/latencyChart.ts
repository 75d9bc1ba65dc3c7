import { parse, View } from "vega";
import { compile } from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import type { SetupSummary } from "./setupSummary.js";
import type { RequestSample } from "./workload.js";

export interface LatencyChartInput {
  readonly title: string;
  readonly setups: readonly SetupSummary[];
  readonly samples: readonly RequestSample[];
  /** The injected STS latency, drawn as a dashed line in every lane. */
  readonly stsLatencyMs: number;
}

// A log scale cannot show 0; loopback requests can finish in well under a millisecond.
const FLOOR_MS = 0.1;

/**
 * The chart as a Vega-Lite spec: one lane per set-up, request latency (log scale) over time,
 * a red rule at each of the set-up's STS credential calls and a dashed line at the STS latency.
 */
export function latencyChartSpec(input: LatencyChartInput): TopLevelSpec {
  const order = input.setups.map((setup) => setup.setup);
  const values = [
    ...input.samples.map((sample) => ({
      setup: sample.setup,
      kind: sample.error === undefined ? "request" : "failed request",
      t: Math.round(sample.startedAt) / 1000,
      ms: Math.max(FLOOR_MS, sample.latencyMs),
    })),
    ...input.setups.flatMap((setup) => setup.rotationsAt.map((at) => ({ setup: setup.setup, kind: "STS call", t: at / 1000 }))),
    ...order.map((setup) => ({ setup, kind: "STS latency", ms: input.stsLatencyMs })),
  ];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: input.title, subtitle: "awscreds' first fetch happens at start-up, before traffic (t < 0): README's await ready()", anchor: "start" },
    data: { values },
    facet: { row: { field: "setup", type: "nominal", sort: order, title: null, header: { labelAngle: 0, labelAlign: "left", labelFontSize: 12, labelFontWeight: "bold" } } },
    spacing: 8,
    spec: {
      width: 760,
      height: 110,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'STS call'" }],
          mark: { type: "rule", color: "#d62728", strokeWidth: 1.5, opacity: 0.7 },
          encoding: { x: { field: "t", type: "quantitative" } },
        },
        {
          transform: [{ filter: "datum.kind === 'STS latency'" }],
          mark: { type: "rule", color: "#7f7f7f", strokeDash: [4, 4] },
          encoding: { y: { field: "ms", type: "quantitative" } },
        },
        {
          transform: [{ filter: "datum.kind === 'request' || datum.kind === 'failed request'" }],
          // No per-point aria label: thousands of them would triple the file.
          mark: { type: "point", filled: true, size: 10, opacity: 0.6, aria: false },
          encoding: {
            x: { field: "t", type: "quantitative", title: "time since start (s); red: an STS credential call (rotation)" },
            y: {
              field: "ms",
              type: "quantitative",
              title: "latency (ms)",
              scale: { type: "log", domain: [FLOOR_MS, Math.max(10_000, input.stsLatencyMs * 4)] },
            },
            color: { field: "kind", type: "nominal", scale: { domain: ["request", "failed request"], range: ["#1f77b4", "#ff7f0e"] }, legend: { title: null, orient: "top" } },
          },
        },
      ],
    },
  };
}

/** Renders the chart to a self-contained SVG string (no network, no browser: Vega's headless renderer). */
export async function renderLatencyChart(input: LatencyChartInput): Promise<string> {
  const view = new View(parse(compile(latencyChartSpec(input)).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
