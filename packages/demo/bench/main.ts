// `npm run bench`: every claim of awscreds as a ratio of set-ups measured side by side.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Figure, FigureResult } from "./figure.js";
import { FIGURES } from "./figures/index.js";
import { describeMachine } from "./machine.js";
import { benchmarksMarkdown } from "./report.js";

const USAGE = `npm run bench -- [--long] [--only <id>[,<id>…]] [--quick] [--out <file.md>]

  --long     also run the long figures (${FIGURES.filter((figure) => figure.long).map((figure) => figure.id).join(", ")})
  --only     run only these figures: ${FIGURES.map((figure) => figure.id).join(", ")}
  --quick    tiny smoke run (checks the harness, not the goals)
  --out      where to write the markdown (default docs/benchmarks.md; JSON goes next to it)`;

const { values } = parseArgs({
  options: { long: { type: "boolean" }, only: { type: "string" }, quick: { type: "boolean" }, out: { type: "string" }, help: { type: "boolean", short: "h" } },
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
const results: FigureResult[] = [];
for (const figure of FIGURES.filter(chosen)) {
  const began = performance.now();
  log(`— ${figure.id}`);
  results.push(await figure.run({ quick: values.quick === true, log }));
  log(`  ${figure.id} done in ${((performance.now() - began) / 1000).toFixed(0)} s`);
}

const argv = process.argv.slice(2).filter((arg) => !arg.startsWith("--out"));
const report = {
  command: `npm run bench${argv.length > 0 ? ` -- ${argv.join(" ")}` : ""}`,
  startedAt: started.toISOString().replace(/\.\d+Z$/, "Z"),
  durationSeconds: (Date.now() - started.getTime()) / 1000,
  machine: describeMachine(),
  figures: results,
  skipped: FIGURES.filter((figure) => !chosen(figure)).map((figure) => ({ id: figure.id, how: `npm run bench -- --only ${figure.id}${figure.long ? " (long)" : ""}` })),
};
mkdirSync(dirname(markdownPath), { recursive: true });
writeFileSync(markdownPath, benchmarksMarkdown(report));
writeFileSync(markdownPath.replace(/\.md$/, ".json"), `${JSON.stringify(report, null, 2)}\n`);

const missed = results.flatMap((figure) => figure.goals.filter((goal) => !goal.met).map((goal) => `${figure.id}: ${goal.claim}: ${goal.measured} (goal ${goal.goal})`));
process.stdout.write(`${benchmarksMarkdown(report).split("## Goals")[1]!.split("\n## ")[0]!.trim()}\n\nwritten: ${markdownPath}\n`);
if (missed.length > 0) process.stdout.write(`\ngoals missed:\n${missed.map((line) => `  ${line}`).join("\n")}\n`);
