import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { awsCredsPlugin, createCredentialSlot, fromProvider, type CredentialSlot } from "@awscreds/core";
import type { Figure, FigureOptions, FigureResult, Spread } from "../figure.js";
import { cpuMicrosPerRequest } from "../cpuPerSend.js";
import { InstantDynamoDbHandler } from "../instantHandler.js";
import { alternateRounds, ratios, spread } from "../rounds.js";

const REGION = "eu-west-1";
const FULL = { requestsPerRound: 50_000, rounds: 7, warmUpRequests: 5_000 };
const QUICK = { requestsPerRound: 2_000, rounds: 2, warmUpRequests: 200 };
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
} as const;
type SetupName = keyof typeof SETUPS;
const SETUP_NAMES = Object.keys(SETUPS) as SetupName[];

/** The key each set-up's requests must carry; `undefined`: must go out unsigned. */
const EXPECTED_KEY: Record<SetupName, string | undefined> = { stock: STATIC_KEYS.accessKeyId, awscreds: SLOT_KEYS.accessKeyId, nosign: undefined };

/** What the figure keeps in its JSON: CPU µs per request of each set-up, in round order. */
export interface CpuPerRequestRaw {
  readonly requestsPerRound: number;
  readonly rounds: number;
  readonly cpuMicrosPerRequest: Readonly<Record<SetupName, readonly number[]>>;
  readonly awscredsOverStock: readonly number[];
  readonly nosignOverStock: readonly number[];
}

interface Setup {
  readonly client: DynamoDBClient;
  readonly handler: InstantDynamoDbHandler;
}

function buildSetup(name: SetupName, slot: CredentialSlot): Setup {
  const handler = new InstantDynamoDbHandler();
  const client = new DynamoDBClient({ region: REGION, requestHandler: handler, credentials: STATIC_KEYS });
  if (name === "awscreds") client.middlewareStack.use(awsCredsPlugin(client.config, { slot }));
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

const ratio = (s: Spread): string => `×${s.median.toFixed(3)} (min ${s.min.toFixed(3)}, max ${s.max.toFixed(3)})`;

async function run({ quick, log }: FigureOptions): Promise<FigureResult> {
  const { requestsPerRound, rounds, warmUpRequests } = quick ? QUICK : FULL;
  const slot = createCredentialSlot({ source: fromProvider(async () => ({ ...SLOT_KEYS, expiration: new Date(Date.now() + 3600_000) })) });
  try {
    await slot.ready();
    const setups = Object.fromEntries(SETUP_NAMES.map((name) => [name, buildSetup(name, slot)])) as Record<SetupName, Setup>;
    for (const name of SETUP_NAMES) {
      log(`cpu per request: warming up ${name} (${warmUpRequests} requests)`);
      await cpuMicrosPerRequest(setups[name].client, warmUpRequests);
    }
    const measure = Object.fromEntries(SETUP_NAMES.map((name) => [name, () => cpuMicrosPerRequest(setups[name].client, requestsPerRound)])) as Record<SetupName, () => Promise<number>>;
    const cpu = await alternateRounds(rounds, measure, (round, name, value) => log(`cpu per request round ${round + 1}/${rounds}: ${name} ${value.toFixed(1)} µs CPU per request`));
    for (const name of SETUP_NAMES) {
      checkSetup(name, setups[name], warmUpRequests + rounds * requestsPerRound);
      setups[name].client.destroy();
    }

    const awscredsOverStock = ratios(cpu.awscreds, cpu.stock);
    const nosignOverStock = ratios(cpu.nosign, cpu.stock);
    const overStock = { stock: undefined, awscreds: spread(awscredsOverStock), nosign: spread(nosignOverStock) };
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
    const raw: CpuPerRequestRaw = { requestsPerRound, rounds, cpuMicrosPerRequest: cpu, awscredsOverStock, nosignOverStock };
    return {
      id: cpuPerRequestFigure.id,
      title: "CPU per request through the whole SDK stack",
      method:
        `${rounds} rounds of ${requestsPerRound} GetItems sent one after another per set-up (after ${warmUpRequests} to warm up), the set-ups alternating in one process, ` +
        `on DynamoDB clients whose request handler answers at once (no network); process CPU time (user + system) per request. ` +
        `Ratios are per round, each set-up over stock measured in the same round. Every set-up's last request is checked to be signed with its key (the floor's: unsigned).`,
      table,
      goals: [
        {
          claim: "awscreds CPU per request ÷ stock SDK with static keys",
          measured: ratio(overStock.awscreds),
          goal: `median ≤ ×${GOAL}`,
          met: overStock.awscreds.median <= GOAL,
        },
        {
          claim: "the floor: stock SDK with no signing at all ÷ stock",
          measured: ratio(overStock.nosign),
          goal: "(reference: what is left when nothing signs)",
          met: true,
        },
      ],
      raw,
    };
  } finally {
    await slot.close();
  }
}

/**
 * CPU per request of awscreds against the stock SDK with static keys, and the stock SDK with no
 * signing at all as the floor, through the whole SDK stack (serialize, identity, endpoint, sign,
 * deserialize) with the network taken out.
 */
export const cpuPerRequestFigure: Figure = { id: "cpu-per-request", run };
