// `npm run fleet`: 1,000 credential slots on a fake clock against one modelled STS, through 3 h of
// refresh waves and a brown-out, with and without jitter; writes docs/fleet-simulation.{md,svg,json}.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DEFAULT_REFRESH_POLICY, type RefreshPolicyOptions } from "@awscreds/core";
import { installFakeClock } from "./fakeClock.js";
import { renderFleetChart } from "./fleetChart.js";
import { fleetGoals } from "./fleetGoals.js";
import { callsPerSecond, runFigures, type RunFigures } from "./fleetMetrics.js";
import { fleetMarkdown, type FleetRunReport, type PlacementReport } from "./fleetReport.js";
import { FLEET_FRACTION_LIMIT, FULL_FLEET, WAVE_ONE_MIDDLE, WAVE_TWO_PEAK, type FleetScenario } from "./fleetScenario.js";
import { simulateFleet } from "./simulateFleet.js";

const USAGE = `npm run fleet -- [--out <file.md>]

  --out   where to write the page (default docs/fleet-simulation.md; the .svg and .json go next to it)`;

const { values } = parseArgs({ options: { out: { type: "string" }, help: { type: "boolean", short: "h" } } });
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const repository = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const markdownPath = resolve(process.env.INIT_CWD ?? process.cwd(), values.out ?? resolve(repository, "docs/fleet-simulation.md"));
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Simulated time starts here (any instant would do; a fixed one keeps the run reproducible). */
const EPOCH = Date.UTC(2025, 0, 1);
const MINUTE = 60_000;
const POLICIES: ReadonlyArray<{ readonly label: string; readonly policy: Partial<RefreshPolicyOptions> }> = [
  { label: "with jitter (default policy)", policy: {} },
  { label: "without jitter (jitterWindow: 0)", policy: { jitterWindow: 0 } },
];
/**
 * The same brown-out elsewhere, for the page's last table (the main scenario's is in the middle),
 * each centred on its instant of the default policy's waves.
 */
const HALF_BROWN_OUT = (FULL_FLEET.brownOut.to - FULL_FLEET.brownOut.from) / 2;
const PLACEMENTS: ReadonlyArray<{ readonly where: string; readonly fromMinute: number }> = [
  { where: "middle of wave 1", fromMinute: (WAVE_ONE_MIDDLE - HALF_BROWN_OUT) / MINUTE },
  { where: "end of wave 1 (the main runs)", fromMinute: FULL_FLEET.brownOut.from / MINUTE },
  { where: "peak of wave 2 with jitter", fromMinute: (WAVE_TWO_PEAK - HALF_BROWN_OUT) / MINUTE },
];

async function run(scenario: FleetScenario, policy: Partial<RefreshPolicyOptions>) {
  const clock = installFakeClock(EPOCH);
  try {
    return await simulateFleet({ scenario, policy, clock });
  } finally {
    clock.uninstall();
  }
}

const started = new Date();
const runs: FleetRunReport[] = [];
for (const { label, policy } of POLICIES) {
  log(`— ${label}: ${FULL_FLEET.slots} slots, ${FULL_FLEET.horizonMs / 3_600_000} h simulated`);
  const result = await run(FULL_FLEET, policy);
  runs.push({
    label,
    policy,
    figures: runFigures(result, FULL_FLEET),
    wallSeconds: result.wallMs / 1_000,
    timerFirings: result.timerFirings,
    perSecond: callsPerSecond(result.calls.filter((call) => call.wave > 0)),
  });
  log(`  done in ${(result.wallMs / 1_000).toFixed(1)} s (${result.calls.length} STS calls, ${result.timerFirings} timers)`);
}

const placements: PlacementReport[] = [];
for (const { where, fromMinute } of PLACEMENTS) {
  const duration = FULL_FLEET.brownOut.to - FULL_FLEET.brownOut.from;
  const brownOut = { from: fromMinute * MINUTE, to: fromMinute * MINUTE + duration };
  const same = brownOut.from === FULL_FLEET.brownOut.from;
  const placementRuns: Array<{ label: string; figures: RunFigures }> = [];
  for (const [i, { label, policy }] of POLICIES.entries()) {
    if (same) {
      placementRuns.push({ label, figures: runs[i]!.figures });
      continue;
    }
    log(`— brown-out at ${fromMinute} min, ${label}`);
    const scenario = { ...FULL_FLEET, brownOut };
    placementRuns.push({ label, figures: runFigures(await run(scenario, policy), scenario) });
  }
  placements.push({ where, brownOut, runs: placementRuns });
}

const svgPath = markdownPath.replace(/\.md$/, ".svg");
const report = {
  command: "npm run fleet",
  generatedAt: started.toISOString().replace(/\.\d+Z$/, "Z"),
  durationSeconds: (Date.now() - started.getTime()) / 1_000,
  node: process.versions.node,
  scenario: FULL_FLEET,
  defaultPolicy: DEFAULT_REFRESH_POLICY,
  runs,
  goals: fleetGoals(runs[0]!.figures, FULL_FLEET.slots),
  placements,
  chart: svgPath.slice(dirname(svgPath).length + 1),
};
const svg = await renderFleetChart({
  title: `STS calls per second: ${FULL_FLEET.slots.toLocaleString("en-US")} pods started in the same second, 1-hour credentials, ${FULL_FLEET.horizonMs / 3_600_000} h simulated`,
  lanes: runs.map((r) => ({ label: r.label, bins: r.perSecond })),
  brownOut: FULL_FLEET.brownOut,
  horizonMs: FULL_FLEET.horizonMs,
  limit: FULL_FLEET.slots * FLEET_FRACTION_LIMIT,
  startupCalls: runs[0]!.figures.startup.calls,
});
mkdirSync(dirname(markdownPath), { recursive: true });
writeFileSync(markdownPath, fleetMarkdown(report));
writeFileSync(svgPath, svg);
writeFileSync(markdownPath.replace(/\.md$/, ".json"), `${JSON.stringify(report, null, 2)}\n`);

const lines = report.goals.map((goal) => `${goal.met ? "met   " : "MISSED"}  ${goal.claim}: ${goal.measured}`);
process.stdout.write(`${lines.join("\n")}\n\nwritten: ${markdownPath} (+ .svg, .json)\n`);
