// `npm run soak`: a million signed requests over a hundred rotations against the emulator,
// with heap, handles, timers and listeners sampled along the way. Opt-in: it takes a while.
import { Presets, SingleBar } from "cli-progress";
import Table from "cli-table3";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { describeMachine } from "../bench/machine.js";
import { parseSoakArguments, SOAK_USAGE, SoakArgumentError } from "./soakArguments.js";
import { runSoak } from "./runSoak.js";
import { buildSoakReport, mb, sampleRows, signedMb } from "./soakReport.js";

const print = (text: string) => process.stdout.write(`${text}\n`);

let args;
try {
  args = parseSoakArguments(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof SoakArgumentError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
if (args.help) {
  print(SOAK_USAGE);
  process.exit(0);
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
print(
  `Soak: ${int(args.requests)} signed DynamoDB + S3 requests, ${args.concurrency} in flight, through awscreds' default slot against the local emulator; ` +
    `at least ${args.rotations} key rotations (compressed lifetimes). A sample every ${int(args.sampleEvery)} requests after a warm-up of ${int(args.warmupRequests)}.\n`,
);

const bar = new SingleBar(
  {
    format: " {bar} {value}/{total} requests | {rate}/s | {rotations} rotations | {failed} failed | heap {heap} | {duration_formatted}",
    hideCursor: true,
    clearOnComplete: false,
    barsize: 24,
    // Written to a file or a pipe (a background run, the test): a plain line every 30 s instead.
    noTTYOutput: true,
    notTTYSchedule: 30_000,
  },
  Presets.shades_classic,
);
const abort = new AbortController();
const interrupt = () => abort.abort();
process.once("SIGINT", interrupt);
process.once("SIGTERM", interrupt);

let barStarted = false;
const plan = { requests: args.requests, rotations: args.rotations, concurrency: args.concurrency, sampleEvery: args.sampleEvery, warmupRequests: args.warmupRequests };
const run = await runSoak(plan, {
  signal: abort.signal,
  onReady: () => {
    bar.start(args.requests, 0, { rate: "0", rotations: 0, failed: 0, heap: "—" });
    barStarted = true;
  },
  onProgress: (progress) =>
    bar.update(progress.requests, {
      rate: int(progress.rate),
      rotations: progress.rotations,
      failed: progress.failed,
      heap: progress.lastHeapBytes === undefined ? "—" : mb(progress.lastHeapBytes),
    }),
});
if (barStarted) bar.stop();
process.off("SIGINT", interrupt);
process.off("SIGTERM", interrupt);

const argv = process.argv.slice(2).filter((arg, i, all) => arg !== "--out" && all[i - 1] !== "--out" && !arg.startsWith("--out="));
const report = buildSoakReport(run, `npm run soak${argv.length > 0 ? ` -- ${argv.join(" ")}` : ""}`, describeMachine());
mkdirSync(dirname(args.outPath), { recursive: true });
writeFileSync(args.outPath, `${JSON.stringify({ ...report, samples: sampleRows(run) }, null, 2)}\n`);

const rows = sampleRows(run);
if (rows.length > 0) {
  // One line per sample: no rule between rows, only under the header.
  const compact = { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" };
  const samples = new Table({ head: Object.keys(rows[0]!), chars: compact, style: { head: [], border: [] } });
  samples.push(...rows.map((row) => Object.values(row).map(String)));
  const lines = samples.toString().split("\n");
  lines.splice(2, 0, lines[0]!.replace("┌", "├").replace(/┬/g, "┼").replace("┐", "┤"));
  print(`\n${lines.join("\n")}`);
}
const goals = new Table({ head: ["", "goal", "measured", "target"], colWidths: [5, 34, 70, 34], wordWrap: true, style: { head: [], border: [] } });
for (const goal of report.goals) goals.push([goal.met ? "ok" : "FAIL", goal.claim, goal.measured, goal.goal]);
print(`\n${goals.toString()}`);

const f = report.figures;
print(
  `\n${int(f.requests)} requests in ${f.loadSeconds.toFixed(0)} s (${int(f.requestsPerSecond)}/s; ${f.clientCpuMsPerRequest?.toFixed(2) ?? "—"} ms client CPU per request), ` +
    `${f.rotations} rotations, ${f.stsCalls} STS calls, ${f.signatureFailures} signature failures, ${f.expiredKeyUses} expired-key uses; ` +
    `client heap ${mb(f.heap.firstBytes)} → ${mb(f.heap.lastBytes)} (${signedMb(f.heap.growthBytes)}).`,
);
if (run.child.problem !== undefined && run.child.stderrTail !== "") print(`\nthe client's stderr:\n${run.child.stderrTail}`);
if (run.summary !== undefined && run.summary.firstErrors.length > 0) print(`\nfirst failures:\n${run.summary.firstErrors.map((line) => `  ${line}`).join("\n")}`);
print(`\n${report.passed ? "every goal met" : `goals missed: ${report.goals.filter((goal) => !goal.met).map((goal) => goal.id).join(", ")}`}\nresults: ${args.outPath}`);
process.exitCode = report.passed ? 0 : 1;
