/**
 * The fleet chart: STS calls per second over the simulated hours, one lane per policy (with
 * jitter, without), the brown-out shaded, and a close-up of the brown-out underneath. Vega-Lite
 * compiled and rendered to SVG in Node by Vega's headless renderer (no browser, no network).
 */
import { parse, View } from "vega";
import { compile } from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import type { BrownOut } from "./fleetScenario.js";
import type { SecondBin } from "./fleetMetrics.js";

export interface FleetChartLane {
  /** Lane title, e.g. "with jitter (default policy)". */
  readonly label: string;
  /** Calls per second (start-up excluded), only the seconds with calls. */
  readonly bins: readonly SecondBin[];
}

export interface FleetChartInput {
  readonly title: string;
  readonly lanes: readonly FleetChartLane[];
  readonly brownOut: BrownOut;
  readonly horizonMs: number;
  /** Calls per second not to exceed (1 % of the fleet), drawn as a dashed line. */
  readonly limit: number;
  /** How many start-up calls are left out (the first fetch of every pod, in the first second). */
  readonly startupCalls: number;
}

const MINUTE = 60_000;
const WIDTH = 760;
/** The close-up shows the brown-out with this much before and after it. */
const ZOOM_BEFORE = 3 * MINUTE;
const ZOOM_AFTER = 4 * MINUTE;
const COLORS = { domain: ["answered with credentials", "throttled"], range: ["#1f77b4", "#ff7f0e"] };

const clock = (ms: number): string => {
  const minutes = Math.floor(ms / MINUTE);
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}:${String(Math.floor((ms % MINUTE) / 1_000)).padStart(2, "0")}`;
};

/** One chart of a vertical concatenation, as Vega-Lite types it. */
type ConcatItem = Extract<TopLevelSpec, { vconcat: unknown }>["vconcat"][number];

/** One lane: calls per second as rules (total in blue, the throttled part in orange over it). */
function lane(input: FleetChartInput, label: string, zoom: boolean): ConcatItem {
  const { brownOut } = input;
  const unit = zoom ? 1_000 : MINUTE;
  const domain = zoom ? [(brownOut.from - ZOOM_BEFORE) / unit, (brownOut.to + ZOOM_AFTER) / unit] : [0, input.horizonMs / unit];
  const x = {
    field: "x",
    type: "quantitative" as const,
    scale: { domain, nice: false, zero: false },
    title: zoom ? "time since the pods started (h:mm:ss), close-up of the brown-out" : "minutes since the pods started",
    axis: zoom
      ? { values: Array.from({ length: (ZOOM_BEFORE + ZOOM_AFTER + brownOut.to - brownOut.from) / MINUTE + 1 }, (_, i) => (brownOut.from - ZOOM_BEFORE) / 1_000 + i * 60), labelExpr: "utcFormat(datum.value * 1000, '%-H:%M:%S')" }
      : { values: Array.from({ length: Math.floor(input.horizonMs / (15 * MINUTE)) + 1 }, (_, i) => i * 15) },
  };
  const max = Math.max(input.limit * 2, ...input.lanes.flatMap((l) => l.bins.map(([, issued, throttled]) => issued + throttled)));
  const y = { type: "quantitative" as const, scale: { type: "symlog" as const, domain: [0, max], nice: false }, axis: { values: [0, 1, 3, 10, 30, 100, 300, 1000].filter((v) => v <= max) } };
  const inWindow = zoom ? `datum.t >= ${brownOut.from - ZOOM_BEFORE} && datum.t < ${brownOut.to + ZOOM_AFTER}` : "true";
  return {
    title: { text: zoom ? `${label}: the brown-out, second by second` : label, anchor: "start", fontSize: 13 },
    width: WIDTH,
    height: zoom ? 150 : 130,
    layer: [
      {
        data: { values: [{ from: brownOut.from / unit, to: brownOut.to / unit }] },
        mark: { type: "rect", color: "#ff7f0e", opacity: 0.15 },
        encoding: { x: { field: "from", type: "quantitative", scale: { domain, nice: false, zero: false } }, x2: { field: "to" } },
      },
      {
        data: { values: [{ limit: input.limit }] },
        mark: { type: "rule", color: "#d62728", strokeDash: [5, 4], strokeWidth: 1 },
        encoding: { y: { field: "limit", ...y } },
      },
      {
        data: { name: "bins" },
        transform: [
          { filter: `datum.lane === ${JSON.stringify(label)}` },
          { filter: inWindow },
          { calculate: `datum.t / ${unit}`, as: "x" },
          { calculate: "datum.issued + datum.throttled", as: "total" },
          { calculate: "'answered with credentials'", as: "outcome" },
        ],
        mark: { type: "rule", strokeWidth: zoom ? 1.6 : 1, aria: false },
        encoding: { x, y: { field: "total", ...y, title: "STS calls per second" }, color: { field: "outcome", type: "nominal", scale: COLORS, legend: { title: null, orient: "top", labelLimit: 400 } } },
      },
      {
        data: { name: "bins" },
        transform: [
          { filter: `datum.lane === ${JSON.stringify(label)} && datum.throttled > 0` },
          { filter: inWindow },
          { calculate: `datum.t / ${unit}`, as: "x" },
          { calculate: "'throttled'", as: "outcome" },
        ],
        mark: { type: "rule", strokeWidth: zoom ? 1.6 : 1, aria: false },
        encoding: { x, y: { field: "throttled", ...y }, color: { field: "outcome", type: "nominal", scale: COLORS } },
      },
    ],
  };
}

/**
 * The chart as a Vega-Lite spec: one overview lane per policy over the whole horizon, then one
 * close-up lane per policy around the brown-out. The y axis is symlog, shared, so 3 calls/s and
 * 300 calls/s both read.
 */
export function fleetChartSpec(input: FleetChartInput): TopLevelSpec {
  const values = input.lanes.flatMap((l) => l.bins.map(([second, issued, throttled]) => ({ lane: l.label, t: second * 1_000, issued, throttled })));
  const { brownOut } = input;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: input.title,
      subtitle: [
        `Shaded: the STS brown-out, ${clock(brownOut.from)}–${clock(brownOut.to)} (every call throttled). Dashed: ${input.limit} calls/s, 1 % of the fleet.`,
        `Start-up (the ${input.startupCalls.toLocaleString("en-US")} first fetches, all in the first second) is not drawn. Simulated time: real slots on a fake clock.`,
      ],
      anchor: "start",
    },
    datasets: { bins: values },
    spacing: 18,
    vconcat: [...input.lanes.map((l) => lane(input, l.label, false)), ...input.lanes.map((l) => lane(input, l.label, true))],
    resolve: { scale: { color: "shared" } },
  };
}

/** Renders the chart to a self-contained SVG string. */
export async function renderFleetChart(input: FleetChartInput): Promise<string> {
  const view = new View(parse(compile(fleetChartSpec(input)).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
