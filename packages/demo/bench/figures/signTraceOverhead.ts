import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { signTrace, type SignTraceSample } from "@awscreds/sign-trace";
import type { Figure, FigureOptions, FigureResult, Spread } from "../figure.js";
import { sendGetItems } from "../cpuPerSend.js";
import { measureCpu, type CpuPlan, type CpuSetups } from "../cpuRounds.js";
import { InstantDynamoDbHandler } from "../instantHandler.js";
import { ratios, spread } from "../rounds.js";

/**
 * 5 rounds of 9,000 requests per set-up (54,000 a round over the six), half of each in each of two
 * processes at once: ~160 s of CPU at ~0.55 ms a request (a 2 GHz EPYC), ~80 s on two free cores.
 */
const FULL: CpuPlan = { rounds: 5, requestsPerRound: 9_000, blockRequests: 500, warmUpRequests: 1_000, processes: 2 };
const QUICK: CpuPlan = { rounds: 2, requestsPerRound: 2_000, blockRequests: 250, warmUpRequests: 200, processes: 2 };
/** Traced CPU per request ÷ untraced, median over rounds: the budget with a callback sink. */
const CALLBACK_BUDGET = 1.02;
/** …and with no sink listening: "near 0". */
const UNHEARD_BUDGET = 1.005;

const STATIC_KEYS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };

type Tracing = "untraced" | "callback" | "unheard";

interface SetupSpec {
  readonly label: string;
  /** The client option: the SDK builds each command's handler chain once instead of on every send. */
  readonly cacheMiddleware: boolean;
  readonly tracing: Tracing;
}

// One client kind, the stock one with static keys: sign-trace's work does not depend on where the
// credentials come from (an awscreds client only makes the baseline cheaper), and each set-up
// costs ~30 s of CPU on the 2-core machine the bench is sized for.
const SETUPS = {
  stock: { label: "stock client, static keys, no sign-trace", cacheMiddleware: false, tracing: "untraced" },
  stockCallback: { label: "stock + signTrace({ onSample })", cacheMiddleware: false, tracing: "callback" },
  stockUnheard: { label: "stock + signTrace({ summary: false }), nothing listening", cacheMiddleware: false, tracing: "unheard" },
  cached: { label: "stock client with cacheMiddleware: true, no sign-trace", cacheMiddleware: true, tracing: "untraced" },
  cachedCallback: { label: "cacheMiddleware: true + signTrace({ onSample })", cacheMiddleware: true, tracing: "callback" },
  cachedUnheard: { label: "cacheMiddleware: true + signTrace({ summary: false }), nothing listening", cacheMiddleware: true, tracing: "unheard" },
} as const satisfies Record<string, SetupSpec>;

type SetupName = keyof typeof SETUPS;
const SETUP_NAMES = Object.keys(SETUPS) as SetupName[];
const CALLBACK_SETUPS = SETUP_NAMES.filter((name) => SETUPS[name].tracing === "callback");
/** A traced set-up's baseline: the untraced client with the same cacheMiddleware. */
const untracedOf = (name: SetupName): SetupName => (SETUPS[name].cacheMiddleware ? "cached" : "stock");

/** What the figure keeps in its JSON: CPU µs per request of every set-up, in round order. */
export interface SignTraceOverheadRaw {
  readonly requestsPerRound: number;
  readonly rounds: number;
  /** Processes that measured at once, each sending its share of every round. */
  readonly processes: number;
  /** Requests per set-up each process sent before the first round. */
  readonly warmUpRequests: number;
  readonly cpuMicrosPerRequest: Readonly<Record<SetupName, readonly number[]>>;
  /** Samples each callback set-up received, over all processes: one per request, warm-ups included. */
  readonly callbackSamples: Readonly<Record<string, number>>;
}

interface Setup {
  readonly client: DynamoDBClient;
  readonly handler: InstantDynamoDbHandler;
  samples: number;
}

function buildSetup(spec: SetupSpec): Setup {
  const handler = new InstantDynamoDbHandler();
  const client = new DynamoDBClient({ region: "eu-west-1", credentials: STATIC_KEYS, requestHandler: handler, cacheMiddleware: spec.cacheMiddleware });
  const setup: Setup = { client, handler, samples: 0 };
  // A sink that reads a field, as a real one would, and counts: the figure checks every request reached it.
  const onSample = (sample: SignTraceSample): void => {
    if (sample.signMs >= 0) setup.samples++;
  };
  if (spec.tracing === "callback") client.middlewareStack.use(signTrace({ onSample }));
  // The diagnostics channel (no subscriber) and the metricsRecorder sink (no call passes one) stay on by default.
  if (spec.tracing === "unheard") client.middlewareStack.use(signTrace({ summary: false }));
  return setup;
}

/** Every set-up really sent signed requests, with its key, and the callbacks saw each one. */
function checkSetup(name: SetupName, setup: Setup, expectedRequests: number): void {
  const authorization = setup.handler.lastRequest?.headers.authorization ?? "";
  if (setup.handler.handled !== expectedRequests || !authorization.includes(`Credential=${STATIC_KEYS.accessKeyId}/`)) {
    throw new Error(`sign-trace overhead: ${name} handled ${setup.handler.handled} of ${expectedRequests} requests, last signed ${JSON.stringify(authorization.slice(0, 60))}`);
  }
  const expectedSamples = SETUPS[name].tracing === "callback" ? expectedRequests : 0;
  if (setup.samples !== expectedSamples) throw new Error(`sign-trace overhead: ${name} got ${setup.samples} samples, expected ${expectedSamples}`);
}

/** The figure's set-ups, built in the process that measures them (children/cpuRounds.ts). */
export async function signTraceOverheadSetups(): Promise<CpuSetups<SetupName>> {
  const setups = Object.fromEntries(SETUP_NAMES.map((name) => [name, buildSetup(SETUPS[name])])) as Record<SetupName, Setup>;
  return {
    label: "sign-trace overhead",
    names: SETUP_NAMES,
    send: (name, count) => sendGetItems(setups[name].client, count),
    async finish(requests) {
      try {
        for (const name of SETUP_NAMES) checkSetup(name, setups[name], requests);
      } finally {
        for (const name of SETUP_NAMES) setups[name].client.destroy();
      }
      return Object.fromEntries(CALLBACK_SETUPS.map((name) => [name, setups[name].samples]));
    },
  };
}

const ratio = (s: Spread): string => `×${s.median.toFixed(4)} (min ${s.min.toFixed(4)}, max ${s.max.toFixed(4)})`;
const signed = (value: number): string => `${value >= 0 ? "+" : ""}${value.toFixed(1)}`;

async function run({ quick, log }: FigureOptions): Promise<FigureResult> {
  const plan = quick ? QUICK : FULL;
  const { rounds, warmUpRequests, blockRequests } = plan;
  const measured = await measureCpu("sign-trace-overhead", SETUP_NAMES, plan, log);
  const { requestsPerRound, processes } = measured;
  const cpu = measured.cpuMicrosPerRequest;
  const callbackSamples = Object.fromEntries(CALLBACK_SETUPS.map((name) => [name, measured.facts.reduce((sum, facts) => sum + (facts[name] ?? 0), 0)]));

  const overOwnBaseline = (name: SetupName): Spread => spread(ratios(cpu[name], cpu[untracedOf(name)]));
  /** CPU µs a traced set-up adds to its untraced client, round by round. */
  const addedMicros = (name: SetupName): Spread => spread(cpu[name].map((value, i) => value - cpu[untracedOf(name)][i]!));
  const table = SETUP_NAMES.map((name) => {
    const s = spread(cpu[name]);
    const untraced = SETUPS[name].tracing === "untraced";
    const r = untraced ? undefined : overOwnBaseline(name);
    return {
      "set-up": SETUPS[name].label,
      "CPU/request min (µs)": s.min,
      "median (µs)": s.median,
      "max (µs)": s.max,
      "× untraced min": r?.min ?? "—",
      "× untraced median": r?.median ?? "—",
      "× untraced max": r?.max ?? "—",
      "µs added (median)": untraced ? "—" : addedMicros(name).median,
    };
  });

  const goal = (claim: string, name: SetupName, budget: number, label: string) => {
    const r = overOwnBaseline(name);
    return { claim, measured: `${ratio(r)} CPU per request (${signed(addedMicros(name).median)} µs)`, goal: `median ≤ ×${budget} (${label})`, met: r.median <= budget };
  };
  const rebuildShare = (perSend: SetupName, cached: SetupName) => {
    const byDefault = addedMicros(perSend).median;
    const withCache = addedMicros(cached).median;
    const share = byDefault > 0 ? `: ${Math.round((100 * (byDefault - withCache)) / byDefault)} % of it goes with the rebuild` : "";
    return `${signed(byDefault)} µs per request by default, ${signed(withCache)} µs with cacheMiddleware: true${share}`;
  };

  return {
    id: signTraceOverheadFigure.id,
    title: "sign-trace: CPU per request",
    method:
      `${SETUP_NAMES.length} DynamoDB clients, one per set-up, answered at once in-process (InstantDynamoDbHandler, no network), so the SDK's own work is all there is; ` +
      `${rounds} rounds of ${requestsPerRound} GetItems per set-up (${requestsPerRound * SETUP_NAMES.length} a round), sent one after another. ` +
      `Each of ${processes} processes running at once builds every set-up, warms each up with ${warmUpRequests} requests, then sends its share of every round, ` +
      `the set-ups taking turns in blocks of ${blockRequests} requests in alternating order (the processes in opposite orders). ` +
      `CPU is process.cpuUsage() (user + system) per request, a round's value the mean over the processes; a ratio divides a traced set-up by the untraced client with the same cacheMiddleware, measured in the same round. ` +
      `Without cacheMiddleware the SDK rebuilds a call's handler chain on every send, and each of sign-trace's four middlewares adds its share of that rebuild; ` +
      `with cacheMiddleware: true the chain is built once per command class, and what is left is sign-trace's own work.`,
    table,
    goals: [
      goal("sign-trace with a callback sink (default client)", "stockCallback", CALLBACK_BUDGET, "≤ 2 % extra"),
      goal("sign-trace with no sink listening (diagnostics channel without subscriber, no metricsRecorder passed; default client)", "stockUnheard", UNHEARD_BUDGET, "near 0"),
      goal("sign-trace with a callback sink, cacheMiddleware: true", "cachedCallback", CALLBACK_BUDGET, "≤ 2 % extra"),
      goal("sign-trace with no sink listening, cacheMiddleware: true", "cachedUnheard", UNHEARD_BUDGET, "near 0"),
      {
        claim: "How much of sign-trace's default cost is the SDK's per-send handler-chain rebuild, callback sink",
        measured: rebuildShare("stockCallback", "cachedCallback"),
        goal: "(reference: the part cacheMiddleware: true takes away)",
        met: true,
      },
      {
        claim: "The same with no sink listening",
        measured: rebuildShare("stockUnheard", "cachedUnheard"),
        goal: "(reference: the part cacheMiddleware: true takes away)",
        met: true,
      },
    ],
    raw: {
      requestsPerRound,
      rounds,
      processes,
      warmUpRequests,
      cpuMicrosPerRequest: cpu,
      callbackSamples,
    } satisfies SignTraceOverheadRaw,
  };
}

/** Figure: the CPU sign-trace adds per request, with a callback sink and with nothing listening, with and without the SDK's cacheMiddleware. */
export const signTraceOverheadFigure: Figure = { id: "sign-trace-overhead", run };
