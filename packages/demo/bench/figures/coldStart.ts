import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type Emulator } from "@awscreds/emulator";
import { COLD_START_TABLE, type FirstRequestLine } from "../children/coldStart/firstRequest.js";
import { isolatedEnv } from "../children/isolatedEnv.js";
import { runChild } from "../children/runChild.js";
import type { Figure, FigureOptions, FigureResult } from "../figure.js";
import { alternateRounds, ratios, spread } from "../rounds.js";

/** STS made slow enough that waiting on it is unmistakable, and within every timeout on the way. */
const STS_LATENCY_MS = 1_000;
/** awscreds after ready() may be this much slower than static keys, per round, at the median. */
const AFTER_READY_BUDGET_MS = 10;
const ROUNDS = 7;
const QUICK_ROUNDS = 1;
/** A child that hangs (or is kept alive by a handle) is killed then, and the figure fails. */
const CHILD_TIMEOUT_MS = 30_000;
const ROLE_ARN = "arn:aws:iam::123456789012:role/orders-service";
const REGION = "eu-west-1";

interface ColdStartSetup {
  readonly label: string;
  readonly script: string;
  /** Credential calls the process must make: more or fewer means it did not run the set-up it claims. */
  readonly stsCalls: number;
}

const SETUPS = {
  staticKeys: { label: "static keys (stock SDK, `credentials`)", script: "coldStart/staticKeys.ts", stsCalls: 0 },
  awscredsAfterReady: { label: "awscreds, `await defaultSlot().ready()` first", script: "coldStart/awscredsAfterReady.ts", stsCalls: 1 },
  awscredsWithoutReady: { label: "awscreds, no ready()", script: "coldStart/awscredsWithoutReady.ts", stsCalls: 1 },
  stockDefaultChain: { label: "stock SDK default chain (reference)", script: "coldStart/stockDefaultChain.ts", stsCalls: 1 },
} as const satisfies Record<string, ColdStartSetup>;

type SetupName = keyof typeof SETUPS;

/** What the figure keeps in its JSON: every process's first-request time, by set-up, in round order. */
export interface ColdStartRaw {
  readonly stsLatencyMs: number;
  readonly rounds: number;
  readonly firstRequestMs: Readonly<Record<SetupName, readonly number[]>>;
  /** How long `ready()` took in each awscreds-after-ready process. */
  readonly readyMs: readonly number[];
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;

/**
 * Runs one fresh process of a set-up against the emulator and returns its first-request time,
 * after checking from the emulator's records that it made the STS calls its set-up implies and
 * that its one request was answered and validly signed.
 */
async function runOneProcess(name: SetupName, aws: Emulator, scratch: string, readyMs: number[]): Promise<number> {
  const setup: ColdStartSetup = SETUPS[name];
  const home = mkdtempSync(join(scratch, `${name}-`)); // a fresh HOME: no ~/.aws of this machine
  const tokenFile = join(home, "web-identity-token");
  writeFileSync(tokenFile, "cold-start-token");
  const env: Record<string, string> = {
    ...isolatedEnv(home),
    AWS_ROLE_ARN: ROLE_ARN,
    AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL_STS: aws.url,
    AWS_ENDPOINT_URL_DYNAMODB: aws.url,
  };
  if (name === "staticKeys") env.BENCH_STATIC_KEYS = JSON.stringify(aws.issueCredentials());

  const stsBefore = aws.records.credentialCalls().length;
  const requestsBefore = aws.records.requests.length;
  const line = await runChild<FirstRequestLine>({ script: setup.script, env, timeoutMs: CHILD_TIMEOUT_MS });

  const stsCalls = aws.records.credentialCalls().slice(stsBefore);
  const requests = aws.records.requests.slice(requestsBefore);
  if (stsCalls.length !== setup.stsCalls || stsCalls.some((call) => call.outcome !== "ok")) {
    throw new Error(`cold start: ${name} made STS calls ${JSON.stringify(stsCalls.map((c) => c.outcome))}, expected ${setup.stsCalls} successful one(s)`);
  }
  const [request] = requests;
  if (requests.length !== 1 || request?.operation !== "GetItem" || request.status !== 200 || !request.signatureValid) {
    throw new Error(`cold start: ${name} should have made one validly signed GetItem, the emulator saw ${JSON.stringify(requests)}`);
  }
  if (!(line.firstRequestMs > 0)) throw new Error(`cold start: ${name} reported a first request of ${line.firstRequestMs} ms`);
  if (line.readyMs !== undefined) readyMs.push(line.readyMs);
  return line.firstRequestMs;
}

async function run({ quick, log }: FigureOptions): Promise<FigureResult> {
  const rounds = quick ? QUICK_ROUNDS : ROUNDS;
  const scratch = mkdtempSync(join(tmpdir(), "awscreds-bench-cold-start-"));
  try {
    await using aws = await startEmulator({ sts: { latencyMs: STS_LATENCY_MS }, dynamodb: { tables: [{ name: COLD_START_TABLE }] } });
    const readyMs: number[] = [];
    const setups = Object.fromEntries((Object.keys(SETUPS) as SetupName[]).map((name) => [name, () => runOneProcess(name, aws, scratch, readyMs)])) as Record<
      SetupName,
      () => Promise<number>
    >;
    const first = await alternateRounds(rounds, setups, (round, name, value) => log(`cold start round ${round + 1}/${rounds}: ${name} first request ${ms(value)}`));

    const spreads = Object.fromEntries((Object.keys(SETUPS) as SetupName[]).map((name) => [name, spread(first[name])])) as Record<SetupName, ReturnType<typeof spread>>;
    const afterReadyMinusStatic = spread(first.awscredsAfterReady.map((value, i) => value - first.staticKeys[i]!));
    const withoutReadyMinusSts = spread(first.awscredsWithoutReady.map((value) => value - STS_LATENCY_MS));
    const stockMinusSts = spread(first.stockDefaultChain.map((value) => value - STS_LATENCY_MS));

    const table = (Object.keys(SETUPS) as SetupName[]).map((name) => {
      const s = spreads[name];
      const vsStatic = spread(ratios(first[name], first.staticKeys));
      return {
        "set-up": SETUPS[name].label,
        "first request min (ms)": s.min,
        "median (ms)": s.median,
        "max (ms)": s.max,
        "× static keys (median of per-round ratios)": vsStatic.median,
        "STS calls per process": SETUPS[name].stsCalls,
        "ready() median (ms)": name === "awscredsAfterReady" ? spread(readyMs).median : "—",
      };
    });

    return {
      id: coldStartFigure.id,
      title: "Cold start: the first request of a fresh process",
      method:
        `${rounds} round(s); each round spawns one fresh \`node --import tsx\` process per set-up, in alternating order, ` +
        `and each process times only its first DynamoDB GetItem (after building the client, and after ready() where awaited) ` +
        `against a loopback emulator whose STS answers after ${STS_LATENCY_MS} ms. Min/median/max over rounds. ` +
        `Note: ready()'s STS call has already loaded and warmed the SDK's request path that static keys first load during their first request.`,
      table,
      goals: [
        {
          claim: "After `await defaultSlot().ready()`, the first request is as fast as with static keys",
          measured: `awscreds − static keys, per round: median ${ms(afterReadyMinusStatic.median)} (min ${ms(afterReadyMinusStatic.min)}, max ${ms(afterReadyMinusStatic.max)})`,
          goal: `median ≤ +${AFTER_READY_BUDGET_MS} ms`,
          met: afterReadyMinusStatic.median <= AFTER_READY_BUDGET_MS,
        },
        {
          claim: "Informational: without ready(), the first request waits for the slot's first STS call",
          measured: `first request − STS latency: median ${ms(withoutReadyMinusSts.median)} (min ${ms(withoutReadyMinusSts.min)}, max ${ms(withoutReadyMinusSts.max)})`,
          goal: `informational: ≥ the injected STS latency (${STS_LATENCY_MS} ms) in every round`,
          met: withoutReadyMinusSts.min >= 0,
        },
        {
          claim: "Informational: the stock default chain's first request waits for STS too",
          measured: `first request − STS latency: median ${ms(stockMinusSts.median)} (min ${ms(stockMinusSts.min)}, max ${ms(stockMinusSts.max)})`,
          goal: `informational: ≥ the injected STS latency (${STS_LATENCY_MS} ms) in every round`,
          met: stockMinusSts.min >= 0,
        },
      ],
      raw: { stsLatencyMs: STS_LATENCY_MS, rounds, firstRequestMs: first, readyMs } satisfies ColdStartRaw,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Figure: first-request latency of a fresh process, awscreds (with and without ready()) vs static keys and the stock chain. */
export const coldStartFigure: Figure = { id: "cold-start", run };
