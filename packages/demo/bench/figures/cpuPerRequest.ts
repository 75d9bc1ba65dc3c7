import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { awsCredsPlugin, createCredentialSlot, fromProvider, type CredentialSlot } from "@awscreds/core";
import type { Figure, FigureOptions, FigureResult, Spread } from "../figure.js";
import { sendGetItems } from "../cpuPerSend.js";
import { measureCpu, type CpuPlan, type CpuSetups } from "../cpuRounds.js";
import { InstantDynamoDbHandler } from "../instantHandler.js";
import { ratios, spread } from "../rounds.js";

const REGION = "eu-west-1";
/**
 * 5 rounds of 10,000 requests per set-up (50,000 a round over the five), half of each in each of
 * two processes at once: ~140 s of CPU at ~0.5 ms a request (a 2 GHz EPYC), ~70 s on two free cores.
 */
const FULL: CpuPlan = { rounds: 5, requestsPerRound: 10_000, blockRequests: 500, warmUpRequests: 1_000, processes: 2 };
const QUICK: CpuPlan = { rounds: 2, requestsPerRound: 2_000, blockRequests: 250, warmUpRequests: 200, processes: 2 };
/** awscreds CPU per request ÷ stock's, median over rounds. */
const GOAL = 0.85;

// Session tokens as long as STS's (~660 characters): the signer canonicalizes the token on every
// request, so a short made-up token would flatter every signed set-up alike.
const token = (seed: string) => `IQoJb3JpZ2luX2VjE${seed.repeat(Math.ceil(640 / seed.length)).slice(0, 640)}`;
const STATIC_KEYS = { accessKeyId: "AKIASTATICEXAMPLE000", secretAccessKey: "static-secret", sessionToken: token("c3RhdGljLXNlc3Npb24t") };
const SLOT_KEYS = { accessKeyId: "ASIASLOTEXAMPLE00000", secretAccessKey: "slot-secret", sessionToken: token("c2xvdC1zZXNzaW9uLXRv") };

const SETUPS = {
  stock: "stock SDK, static keys",
  awscreds: "awscreds: awsCredsPlugin + a slot (fromProvider)",
  nosign: "stock SDK, no signing (httpSigningMiddleware removed): the floor",
  stockCached: "stock SDK, static keys, cacheMiddleware: true",
  awscredsCached: "awscreds, cacheMiddleware: true",
} as const;
type SetupName = keyof typeof SETUPS;
const SETUP_NAMES = Object.keys(SETUPS) as SetupName[];

/** The key each set-up's requests must carry; `undefined`: must go out unsigned. */
const EXPECTED_KEY: Record<SetupName, string | undefined> = {
  stock: STATIC_KEYS.accessKeyId,
  awscreds: SLOT_KEYS.accessKeyId,
  nosign: undefined,
  stockCached: STATIC_KEYS.accessKeyId,
  awscredsCached: SLOT_KEYS.accessKeyId,
};

/** What the figure keeps in its JSON: CPU µs per request of each set-up, in round order. */
export interface CpuPerRequestRaw {
  readonly requestsPerRound: number;
  readonly rounds: number;
  /** Processes that measured at once, each sending its share of every round. */
  readonly processes: number;
  /** Requests per set-up each process sent before the first round. */
  readonly warmUpRequests: number;
  readonly cpuMicrosPerRequest: Readonly<Record<SetupName, readonly number[]>>;
  readonly awscredsOverStock: readonly number[];
  readonly nosignOverStock: readonly number[];
  readonly awscredsCachedOverStockCached: readonly number[];
}

interface Setup {
  readonly client: DynamoDBClient;
  readonly handler: InstantDynamoDbHandler;
}

function buildSetup(name: SetupName, slot: CredentialSlot): Setup {
  const handler = new InstantDynamoDbHandler();
  // cacheMiddleware: the SDK's own option to build a command's handler chain once instead of on
  // every send; most of what is left once signing is cheap is that rebuild.
  const cacheMiddleware = name === "stockCached" || name === "awscredsCached";
  const client = new DynamoDBClient({ region: REGION, requestHandler: handler, credentials: STATIC_KEYS, cacheMiddleware });
  if (name === "awscreds" || name === "awscredsCached") client.middlewareStack.use(awsCredsPlugin(client.config, { slot }));
  if (name === "nosign" && !client.middlewareStack.remove("httpSigningMiddleware")) throw new Error("cpu per request: no httpSigningMiddleware to remove");
  return { client, handler };
}

/** A benchmark of unsigned requests would be a lie: every request reached the handler, the last signed as claimed. */
function checkSetup(name: SetupName, { handler }: Setup, expectedRequests: number): void {
  const authorization = handler.lastRequest?.headers.authorization;
  const key = EXPECTED_KEY[name];
  const signedAsClaimed = key === undefined ? authorization === undefined : authorization?.startsWith(`AWS4-HMAC-SHA256 Credential=${key}/`) === true;
  if (handler.handled !== expectedRequests || !signedAsClaimed) {
    throw new Error(`cpu per request: ${name} handled ${handler.handled} of ${expectedRequests} requests, the last with authorization ${JSON.stringify(authorization?.slice(0, 60))}`);
  }
}

/** The figure's set-ups, built in the process that measures them (children/cpuRounds.ts). */
export async function cpuPerRequestSetups(): Promise<CpuSetups<SetupName>> {
  const slot = createCredentialSlot({ source: fromProvider(async () => ({ ...SLOT_KEYS, expiration: new Date(Date.now() + 3600_000) })) });
  await slot.ready();
  const setups = Object.fromEntries(SETUP_NAMES.map((name) => [name, buildSetup(name, slot)])) as Record<SetupName, Setup>;
  return {
    label: "cpu per request",
    names: SETUP_NAMES,
    send: (name, count) => sendGetItems(setups[name].client, count),
    async finish(requests) {
      try {
        for (const name of SETUP_NAMES) checkSetup(name, setups[name], requests);
      } finally {
        for (const name of SETUP_NAMES) setups[name].client.destroy();
        await slot.close();
      }
      return {};
    },
  };
}

const ratio = (s: Spread): string => `×${s.median.toFixed(3)} (min ${s.min.toFixed(3)}, max ${s.max.toFixed(3)})`;

async function run({ quick, log }: FigureOptions): Promise<FigureResult> {
  const plan = quick ? QUICK : FULL;
  const { rounds, warmUpRequests, blockRequests } = plan;
  const measured = await measureCpu("cpu-per-request", SETUP_NAMES, plan, log);
  const { requestsPerRound, processes } = measured;
  const cpu = measured.cpuMicrosPerRequest;

  const awscredsOverStock = ratios(cpu.awscreds, cpu.stock);
  const nosignOverStock = ratios(cpu.nosign, cpu.stock);
  const awscredsCachedOverStockCached = ratios(cpu.awscredsCached, cpu.stockCached);
  const overStock: Record<SetupName, Spread | undefined> = {
    stock: undefined,
    awscreds: spread(awscredsOverStock),
    nosign: spread(nosignOverStock),
    stockCached: spread(ratios(cpu.stockCached, cpu.stock)),
    awscredsCached: spread(ratios(cpu.awscredsCached, cpu.stock)),
  };
  const uncachedRatio = spread(awscredsOverStock);
  const cachedRatio = spread(awscredsCachedOverStockCached);
  const table = SETUP_NAMES.map((name) => {
    const s = spread(cpu[name]);
    const r = overStock[name];
    return {
      "set-up": SETUPS[name],
      "CPU/request min (µs)": s.min,
      "median (µs)": s.median,
      "max (µs)": s.max,
      "× stock min": r?.min ?? "—",
      "× stock median": r?.median ?? "—",
      "× stock max": r?.max ?? "—",
    };
  });
  const raw: CpuPerRequestRaw = { requestsPerRound, rounds, processes, warmUpRequests, cpuMicrosPerRequest: cpu, awscredsOverStock, nosignOverStock, awscredsCachedOverStockCached };
  return {
    id: cpuPerRequestFigure.id,
    title: "CPU per request through the whole SDK stack",
    method:
      `${rounds} rounds of ${requestsPerRound} GetItems per set-up (${requestsPerRound * SETUP_NAMES.length} a round), sent one after another on DynamoDB clients whose request handler answers at once (no network). ` +
      `Each of ${processes} processes running at once builds all five set-ups, warms each up with ${warmUpRequests} requests, then sends its share of every round, ` +
      `the set-ups taking turns in blocks of ${blockRequests} requests in alternating order (the processes in opposite orders), so drift of the machine falls on all of them alike. ` +
      `CPU is the process's user + system time per request, a round's value the mean over the processes. A ratio divides two set-ups of the same round; ` +
      `the table's "× stock" columns divide by the plain stock client, the cacheMiddleware goal by the stock client with cacheMiddleware: true. ` +
      `Every set-up's requests are counted and its last one checked to be signed with its key (the floor's: unsigned).`,
    table,
    goals: [
      {
        claim: "awscreds CPU per request ÷ stock SDK with static keys",
        measured: ratio(uncachedRatio),
        goal: `median ≤ ×${GOAL}`,
        met: uncachedRatio.median <= GOAL,
      },
      {
        claim: "the same with cacheMiddleware: true on both clients (the SDK builds each command's handler chain once)",
        measured: ratio(cachedRatio),
        goal: `median ≤ ×${GOAL}`,
        met: cachedRatio.median <= GOAL,
      },
      {
        claim: "the floor: stock SDK with no signing at all ÷ stock",
        measured: ratio(spread(nosignOverStock)),
        goal: "(reference: what is left when nothing signs)",
        met: true,
      },
    ],
    raw,
  };
}

/**
 * CPU per request of awscreds against the stock SDK with static keys, with and without the SDK's
 * cacheMiddleware, and the stock SDK with no signing at all as the floor, through the whole SDK
 * stack (serialize, identity, endpoint, sign, deserialize) with the network taken out.
 */
export const cpuPerRequestFigure: Figure = { id: "cpu-per-request", run };
