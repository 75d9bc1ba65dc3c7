import { resolve } from "node:path";
import { parseArgs } from "node:util";

export const DEMO_USAGE = `npm start -- [options]

Runs the same DynamoDB and S3 workload through four credential set-ups side by side against a
local emulated STS, prints their latency table and writes a chart.

  --duration <s>         length of the run, seconds (default 60)
  --sts-latency <ms>     how long STS takes to answer (default 1000)
  --rate <n>             requests per second per set-up (default 20)
  --rotation <s>         seconds a key is used before the SDK replaces it (default 15;
                         real IRSA credentials: 55 min)
  --out <file.svg>       where to write the chart (default ./awscreds-demo.svg); the
                         figures go next to it as .json
  --help                 this text`;

export interface DemoArguments {
  readonly durationMs: number;
  readonly stsLatencyMs: number;
  readonly rate: number;
  readonly rotationSeconds: number;
  readonly chartPath: string;
  readonly help: boolean;
}

/** A command-line mistake: the message says what to type instead. */
export class DemoArgumentError extends Error {
  override readonly name = "DemoArgumentError";
}

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new DemoArgumentError(`--${name} must be a positive number, got '${text}'`);
  return value;
}

/** Parses `npm start -- …`; relative paths are taken from where npm was run (INIT_CWD). */
export function parseDemoArguments(argv: readonly string[], cwd = process.env.INIT_CWD ?? process.cwd()): DemoArguments {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        duration: { type: "string" },
        "sts-latency": { type: "string" },
        rate: { type: "string" },
        rotation: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    throw new DemoArgumentError(`${(error as Error).message}\n\n${DEMO_USAGE}`);
  }
  const stsLatencyText = values["sts-latency"];
  const stsLatencyMs = stsLatencyText === "0" ? 0 : positive("sts-latency", stsLatencyText, 1000);
  return {
    durationMs: positive("duration", values.duration, 60) * 1000,
    stsLatencyMs,
    rate: positive("rate", values.rate, 20),
    rotationSeconds: positive("rotation", values.rotation, 15),
    chartPath: resolve(cwd, values.out ?? "awscreds-demo.svg"),
    help: values.help === true,
  };
}
