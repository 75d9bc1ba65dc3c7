// `npm run bench`: every claim of awscreds as a ratio of set-ups measured side by side.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Figure, FigureResult } from "./figure.js";
import { FIGURES } from "./figures/index.js";
import { describeMachine } from "./machine.js";
import { spread } from "./rounds.js";
import { benchmarksMarkdown, type BenchReport, type ReportedFigure } from "./report.js";

const USAGE = `npm run bench -- [--long] [--only <id>[,<id>…]] [--quick] [--out <file.md>] [--merge]

  --long     also run the long figures (${FIGURES.filter((figure) => figure.long).map((figure) => figure.id).join(", ")})
  --only     run only these figures: ${FIGURES.map((figure) => figure.id).join(", ")}
  --quick    tiny smoke run (checks the harness, not the goals)
  --out      where to write the markdown (default docs/benchmarks.md; JSON goes next to it)
  --merge    keep the figures of the JSON already there that this run does not measure
             (e.g. \`--only memory --merge\` adds the long figure to the default run's page)`;

const { values } = parseArgs({
  options: {
    long: { type: "boolean" },
    only: { type: "string" },
    quick: { type: "boolean" },
    out: { type: "string" },
    merge: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const only = values.only?.split(",").map((id) => id.trim());
const unknown = only?.filter((id) => !FIGURES.some((figure) => figure.id === id)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(`unknown figure ${unknown.join(", ")}\n\n${USAGE}\n`);
  process.exit(2);
}
const chosen = (figure: Figure) => (only ? only.includes(figure.id) : !figure.long || values.long === true);
const repository = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const markdownPath = resolve(process.env.INIT_CWD ?? process.cwd(), values.out ?? resolve(repository, "docs/benchmarks.md"));
const log = (line: string) => process.stderr.write(`${line}\n`);

const started = new Date();
// Other processes on the machine slow the wall clock (not the ratios): the report says how busy it was.
const loads = [loadavg()[0]!];
const sampler = setInterval(() => loads.push(loadavg()[0]!), 15_000).unref();
const results: FigureResult[] = [];
for (const figure of FIGURES.filter(chosen)) {
  const began = performance.now();
  log(`— ${figure.id}`);
  results.push(await figure.run({ quick: values.quick === true, log }));
  log(`  ${figure.id} done in ${((performance.now() - began) / 1000).toFixed(0)} s`);
}

clearInterval(sampler);
loads.push(loadavg()[0]!);
const load = spread(loads);

// The command that reproduces these figures: the options that shape them, not where they were written.
const argv = [values.long ? "--long" : "", values.only ? `--only ${values.only}` : "", values.quick ? "--quick" : ""].filter((arg) => arg !== "");
const command = `npm run bench${argv.length > 0 ? ` -- ${argv.join(" ")}` : ""}`;
const startedAt = started.toISOString().replace(/\.\d+Z$/, "Z");
const durationSeconds = (Date.now() - started.getTime()) / 1000;
const jsonPath = markdownPath.replace(/\.md$/, ".json");
const thisRun = { command, startedAt, durationSeconds };
const measuredNow: ReportedFigure[] = results.map((figure) => ({ ...figure, run: thisRun }));
const kept: ReportedFigure[] = values.merge && existsSync(jsonPath) ? earlierFigures(jsonPath).filter((figure) => !results.some((result) => result.id === figure.id)) : [];
const order = (figure: ReportedFigure) => FIGURES.findIndex((known) => known.id === figure.id);
const figures = [...measuredNow, ...kept].sort((a, b) => order(a) - order(b));
const report: BenchReport = {
  command,
  startedAt,
  durationSeconds,
  machine: describeMachine(),
  loadAverage: { median: load.median, max: load.max, samples: loads.length },
  figures,
  skipped: FIGURES.filter((figure) => !figures.some((reported) => reported.id === figure.id)).map((figure) => ({
    id: figure.id,
    how: `npm run bench -- --only ${figure.id}${figure.long ? " (long)" : ""}`,
  })),
};

/** The figures of an earlier report, each with the run that measured it (its report's, when it has none of its own). */
function earlierFigures(path: string): ReportedFigure[] {
  const earlier = JSON.parse(readFileSync(path, "utf8")) as BenchReport;
  return earlier.figures.map((figure) => ({ ...figure, run: figure.run ?? { command: earlier.command, startedAt: earlier.startedAt, durationSeconds: earlier.durationSeconds } }));
}
mkdirSync(dirname(markdownPath), { recursive: true });
writeFileSync(markdownPath, benchmarksMarkdown(report));
writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);

const missed = results.flatMap((figure) => figure.goals.filter((goal) => !goal.met).map((goal) => `${figure.id}: ${goal.claim}: ${goal.measured} (goal ${goal.goal})`));
process.stdout.write(`${benchmarksMarkdown(report).split("## Goals")[1]!.split("\n## ")[0]!.trim()}\n\nwritten: ${markdownPath}\n`);
if (missed.length > 0) process.stdout.write(`\ngoals missed:\n${missed.map((line) => `  ${line}`).join("\n")}\n`);
