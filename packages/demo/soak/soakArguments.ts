import { resolve } from "node:path";
import { parseArgs } from "node:util";

export const SOAK_USAGE = `npm run soak -- [options]

Sends signed DynamoDB and S3 requests at full speed, with bounded concurrency, through awscreds'
default slot (IRSA-style: a web identity token file and the emulator's STS) against the local
emulator, whose credential lifetimes are compressed so the keys rotate many times within the run.
Samples heap (after a forced GC), handles, timers and listeners along the way, checks every
request against the emulator's records, prints a table, writes JSON, and exits 1 if a goal fails.

  --requests <n>       signed requests to send (default 1,000,000)
  --rotations <n>      key rotations the run must see, at least (default 100)
  --concurrency <n>    requests in flight at once (default 16)
  --sample-every <n>   a sample every n requests after the warm-up (default: 38 after it; 4 with --quick)
  --warmup <n>         requests before the first (baseline) sample (default: requests / 20; a third with --quick)
  --out <file.json>    where to write the results (default ./awscreds-soak.json)
  --quick              a smoke run: 6,000 requests (warm-up 2,000), 3 rotations, 8 in flight
  --help               this text`;

export interface SoakArguments {
  readonly requests: number;
  readonly rotations: number;
  readonly concurrency: number;
  readonly sampleEvery: number;
  readonly warmupRequests: number;
  readonly outPath: string;
  readonly quick: boolean;
  readonly help: boolean;
}

/** A command-line mistake: the message says what to type instead. */
export class SoakArgumentError extends Error {
  override readonly name = "SoakArgumentError";
}

// The baseline sample comes after a warm-up (a twentieth of the run; a third in a smoke run, whose
// first thousand requests still load and optimize code), then `samples` more, evenly spaced
// (1,000,000 requests: at 50,000, then every 25,000).
const FULL = { requests: 1_000_000, rotations: 100, concurrency: 16, warmupShare: 1 / 20, samples: 38 } as const;
const QUICK = { requests: 6_000, rotations: 3, concurrency: 8, warmupShare: 1 / 3, samples: 4 } as const;

function positiveInteger(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text.replace(/[_,]/g, ""));
  if (!Number.isInteger(value) || value <= 0) throw new SoakArgumentError(`--${name} must be a positive whole number, got '${text}'`);
  return value;
}

/** Parses `npm run soak -- …`; a relative --out is taken from where npm was run (INIT_CWD). */
export function parseSoakArguments(argv: readonly string[], cwd = process.env.INIT_CWD ?? process.cwd()): SoakArguments {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        requests: { type: "string" },
        rotations: { type: "string" },
        concurrency: { type: "string" },
        "sample-every": { type: "string" },
        warmup: { type: "string" },
        out: { type: "string" },
        quick: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    throw new SoakArgumentError(`${(error as Error).message}\n\n${SOAK_USAGE}`);
  }
  const quick = values.quick === true;
  const preset = quick ? QUICK : FULL;
  const requests = positiveInteger("requests", values.requests, preset.requests);
  const warmupRequests = positiveInteger("warmup", values.warmup, Math.max(1, Math.round(requests * preset.warmupShare)));
  const sampleEvery = positiveInteger("sample-every", values["sample-every"], Math.max(1, Math.round((requests - warmupRequests) / preset.samples)));
  if (warmupRequests >= requests) throw new SoakArgumentError(`--warmup (${warmupRequests}) must be less than --requests (${requests}): the baseline sample comes after it`);
  return {
    requests,
    rotations: positiveInteger("rotations", values.rotations, preset.rotations),
    concurrency: positiveInteger("concurrency", values.concurrency, preset.concurrency),
    sampleEvery,
    warmupRequests,
    outPath: resolve(cwd, values.out ?? "awscreds-soak.json"),
    quick,
    help: values.help === true,
  };
}
