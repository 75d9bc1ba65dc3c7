import type { FigureResult } from "./figure.js";
import type { Machine } from "./machine.js";

/** Which run measured a figure: with `--merge`, a report keeps figures of earlier runs. */
export interface FigureRun {
  readonly command: string;
  readonly startedAt: string;
  readonly durationSeconds?: number;
}

/** A figure as reported, with the run that measured it (absent: this report's own run). */
export type ReportedFigure = FigureResult & { readonly run?: FigureRun };

export interface BenchReport {
  readonly command: string;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: Machine;
  /** The machine's 1-minute load average, sampled during the run: how much else was running. */
  readonly loadAverage?: { readonly median: number; readonly max: number; readonly samples: number };
  readonly figures: readonly ReportedFigure[];
  /** Figures not run this time (long ones without `--long`), with how to run them. */
  readonly skipped: ReadonlyArray<{ readonly id: string; readonly how: string }>;
}

const cell = (value: string | number) => String(value).replace(/\|/g, "\\|").replace(/\n/g, " ");

function markdownTable(rows: ReadonlyArray<Readonly<Record<string, string | number>>>): string {
  if (rows.length === 0) return "";
  const columns = Object.keys(rows[0]!);
  return [
    `| ${columns.join(" | ")} |`,
    `| ${columns.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${columns.map((column) => cell(row[column] ?? "")).join(" | ")} |`),
  ].join("\n");
}

/** `docs/benchmarks.md`: the machine, every goal with its verdict, then each figure's method and table. */
export function benchmarksMarkdown(report: BenchReport): string {
  const goals = report.figures.flatMap((figure) =>
    figure.goals.map((goal) => ({ figure: `[${figure.title}](#${figure.id})`, claim: goal.claim, measured: goal.measured, goal: goal.goal, met: goal.met ? "yes" : "**no**" })),
  );
  const sections = report.figures.map((figure) => [`<a id="${figure.id}"></a>`, `## ${figure.title}`, "", figure.method, "", markdownTable(figure.table)].join("\n"));
  const skipped = report.skipped.length === 0 ? [] : ["## Not run this time", "", ...report.skipped.map((entry) => `- \`${entry.id}\`: ${entry.how}`), ""];
  const earlier = report.figures.filter((figure) => figure.run !== undefined && figure.run.startedAt !== report.startedAt);
  const merged =
    earlier.length === 0
      ? []
      : [
          "",
          "Kept from earlier runs (`--merge`), on the same page: " +
            earlier
              .map((figure) => `[${figure.id}](#${figure.id}) (\`${figure.run!.command}\`, ${figure.run!.startedAt}${figure.run!.durationSeconds === undefined ? "" : `, ${Math.round(figure.run!.durationSeconds)} s`})`)
              .join("; ") +
            ".",
        ];
  return [
    "# Benchmarks",
    "",
    "Every figure compares set-ups measured side by side in the same run (alternating their order",
    "across rounds where they cannot run at once), so the machine's speed cancels out of the ratios.",
    "Regenerate this page with the command below; `docs/benchmarks.json` holds the raw numbers.",
    "",
    "```sh",
    report.command,
    "```",
    "",
    `Measured ${report.startedAt} in ${Math.round(report.durationSeconds)} s on ${report.machine.cpu}, ${report.machine.cores} cores, ${report.machine.memoryGiB} GiB, ` +
      `Node ${report.machine.node} (${report.machine.platform}); ` +
      Object.entries(report.machine.packages)
        .map(([name, version]) => `${name} ${version}`)
        .join(", ") +
      ".",
    ...(report.loadAverage === undefined
      ? []
      : [
          "",
          `1-minute load average during the run: median ${report.loadAverage.median.toFixed(1)}, max ${report.loadAverage.max.toFixed(1)} on ${report.machine.cores} cores ` +
            `(${report.loadAverage.samples} samples)${report.loadAverage.max > report.machine.cores ? "; other processes shared the machine, which the side-by-side ratios absorb but the wall times do not" : ""}.`,
        ]),
    ...merged,
    "",
    "## Goals",
    "",
    markdownTable(goals),
    "",
    ...sections.flatMap((section) => [section, ""]),
    ...skipped,
  ].join("\n");
}
