// `npm start`: awscreds against the stock SDK, side by side, on one emulated STS.
import { MultiBar, Presets } from "cli-progress";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { DEMO_USAGE, DemoArgumentError, parseDemoArguments } from "./demoArguments.js";
import { demoTable } from "./demoTable.js";
import { runDemo } from "./runDemo.js";
import { SETUP_NAMES } from "./setups.js";
import type { SetupName } from "./setups.js";

const print = (text: string) => process.stdout.write(`${text}\n`);

let args;
try {
  args = parseDemoArguments(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof DemoArgumentError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
if (args.help) {
  print(DEMO_USAGE);
  process.exit(0);
}

print(
  `Four credential set-ups, the same DynamoDB + S3 traffic (${args.rate} requests/s each, open loop), one emulated STS answering in ${args.stsLatencyMs} ms.\n` +
    `Keys rotate every ~${args.rotationSeconds} s (the SDK's 5-minute window + ${args.rotationSeconds} s of validity), as 1-hour IRSA keys do every 55 min.\n`,
);

const bars = new MultiBar(
  { format: " {setup} {bar} {value}/{total} requests | max {max} | {slow} over 100 ms", hideCursor: true, clearOnComplete: false, barsize: 24 },
  Presets.shades_classic,
);
const progress = new Map<SetupName, { bar: ReturnType<MultiBar["create"]>; max: number; slow: number }>();
const width = Math.max(...SETUP_NAMES.map((name) => name.length));

const result = await runDemo({
  durationMs: args.durationMs,
  stsLatencyMs: args.stsLatencyMs,
  rate: args.rate,
  rotationSeconds: args.rotationSeconds,
  region: "eu-west-1",
  onStart: (total) => {
    for (const name of SETUP_NAMES) progress.set(name, { bar: bars.create(total, 0, { setup: name.padEnd(width), max: "0 ms", slow: 0 }), max: 0, slow: 0 });
  },
  onSample: (sample) => {
    const line = progress.get(sample.setup)!;
    line.max = Math.max(line.max, sample.latencyMs);
    if (sample.latencyMs > 100) line.slow++;
    line.bar.increment(1, { setup: sample.setup.padEnd(width), max: `${Math.round(line.max)} ms`, slow: line.slow });
  },
});
bars.stop();

const jsonPath = args.chartPath.replace(/\.svg$/i, "") + ".json";
mkdirSync(dirname(args.chartPath), { recursive: true });
writeFileSync(args.chartPath, result.chartSvg);
const figures = { options: result.options, fairRotations: result.fairRotations, setups: result.setups };
writeFileSync(jsonPath, `${JSON.stringify(figures, null, 2)}\n`);

print(`\n${demoTable(result.setups)}`);
const awsCreds = result.setups.find((row) => row.setup === "awscreds")!;
const tokenFile = result.setups.find((row) => row.setup === "fromTokenFile()")!;
print(
  `\nawscreds: max ${Math.round(awsCreds.maxMs)} ms over ${awsCreds.stsCalls} STS calls, made in the background; ` +
    `fromTokenFile(): max ${Math.round(tokenFile.maxMs)} ms, its requests waited on its ${tokenFile.stsCalls} STS calls.`,
);
if (!result.fairRotations) print("note: awscreds made fewer STS calls than a stock set-up in this run; run longer (--duration) for a fair chart.");
print(`chart:   ${args.chartPath}\nfigures: ${jsonPath}`);
