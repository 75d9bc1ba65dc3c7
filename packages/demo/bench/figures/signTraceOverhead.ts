import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { awsCredsPlugin, createCredentialSlot, fromProvider, type CredentialSlot } from "@awscreds/core";
import { signTrace, type SignTraceSample } from "@awscreds/sign-trace";
import type { MiddlewareStack, RelativeMiddlewareOptions, SerializeMiddleware } from "@smithy/types";
import type { Figure, FigureOptions, FigureResult, Spread } from "../figure.js";
import { cpuMicrosPerRequest } from "../cpuPerSend.js";
import { InstantDynamoDbHandler } from "../instantHandler.js";
import { alternateRounds, ratios, spread } from "../rounds.js";

const REQUESTS_PER_ROUND = 50_000;
const ROUNDS = 7;
const WARM_UP_REQUESTS = 5_000;
const QUICK = { requestsPerRound: 2_000, rounds: 2, warmUpRequests: 200 };
/** Traced CPU per request ÷ untraced, median over rounds: the budget with a callback sink. */
const CALLBACK_BUDGET = 1.02;
/** …and with no sink listening: "near 0". */
const UNHEARD_BUDGET = 1.005;

const STATIC_KEYS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
const SLOT_KEYS = { accessKeyId: "ASIASLOTEXAMPLE00000", secretAccessKey: "slot-secret", sessionToken: "slot-session-token" };

type ClientKind = "stock" | "awscreds";
type Tracing = "untraced" | "callback" | "unheard" | "fourPassThrough";

interface SetupSpec {
  readonly label: string;
  readonly client: ClientKind;
  readonly tracing: Tracing;
}

const SETUPS = {
  stock: { label: "stock client, static keys, no sign-trace", client: "stock", tracing: "untraced" },
  stockCallback: { label: "stock + signTrace({ onSample })", client: "stock", tracing: "callback" },
  stockUnheard: { label: "stock + signTrace({ summary: false }), nothing listening", client: "stock", tracing: "unheard" },
  stockFourPassThrough: { label: "stock + 4 pass-through middlewares at sign-trace's anchors (reference)", client: "stock", tracing: "fourPassThrough" },
  awscreds: { label: "awscreds client (awsCredsPlugin + slot), no sign-trace", client: "awscreds", tracing: "untraced" },
  awscredsCallback: { label: "awscreds + signTrace({ onSample })", client: "awscreds", tracing: "callback" },
  awscredsUnheard: { label: "awscreds + signTrace({ summary: false }), nothing listening", client: "awscreds", tracing: "unheard" },
} as const satisfies Record<string, SetupSpec>;

type SetupName = keyof typeof SETUPS;
const SETUP_NAMES = Object.keys(SETUPS) as SetupName[];
const UNTRACED_OF: Record<ClientKind, SetupName> = { stock: "stock", awscreds: "awscreds" };

/** What the figure keeps in its JSON: CPU µs per request of every set-up, in round order. */
export interface SignTraceOverheadRaw {
  readonly requestsPerRound: number;
  readonly rounds: number;
  readonly cpuMicrosPerRequest: Readonly<Record<SetupName, readonly number[]>>;
  /** Samples the callback set-ups received, in all: one per request, warm-up included. */
  readonly callbackSamples: Readonly<Record<"stockCallback" | "awscredsCallback", number>>;
}

/**
 * Where sign-trace anchors its four middlewares (docs/tracing.md, "What is measured"). Added here
 * as middlewares that hand the SDK's `next` back unchanged, they cost the SDK's own work per
 * middleware per call (it rebuilds the handler chain on every `send`) and nothing else: the floor
 * of any plugin that marks those four points.
 */
const SIGN_TRACE_ANCHORS: readonly RelativeMiddlewareOptions[] = [
  { name: "benchPassThroughIdentityStart", relation: "before", toMiddleware: "httpAuthSchemeMiddleware" },
  { name: "benchPassThroughIdentityEnd", relation: "after", toMiddleware: "endpointV2Middleware" },
  { name: "benchPassThroughSignStart", relation: "before", toMiddleware: "httpSigningMiddleware" },
  { name: "benchPassThroughSignEnd", relation: "after", toMiddleware: "httpSigningMiddleware" },
];

// Any middleware type fits: a relative middleware runs in its anchor's step, and this one only hands `next` back.
const passThrough: SerializeMiddleware<object, object> = (next) => next;

function addFourPassThroughMiddlewares(stack: MiddlewareStack<object, object>): void {
  for (const anchor of SIGN_TRACE_ANCHORS) stack.addRelativeTo(passThrough, anchor);
}

interface Setup {
  readonly client: DynamoDBClient;
  readonly handler: InstantDynamoDbHandler;
  readonly keyId: string;
  samples: number;
}

function buildSetup(spec: SetupSpec, slot: CredentialSlot): Setup {
  const handler = new InstantDynamoDbHandler();
  const client = new DynamoDBClient({ region: "eu-west-1", credentials: STATIC_KEYS, requestHandler: handler });
  if (spec.client === "awscreds") client.middlewareStack.use(awsCredsPlugin(client.config, { slot }));
  const setup: Setup = { client, handler, keyId: spec.client === "awscreds" ? SLOT_KEYS.accessKeyId : STATIC_KEYS.accessKeyId, samples: 0 };
  // A sink that reads a field, as a real one would, and counts: the figure checks every request reached it.
  const onSample = (sample: SignTraceSample): void => {
    if (sample.signMs >= 0) setup.samples++;
  };
  if (spec.tracing === "callback") client.middlewareStack.use(signTrace({ onSample }));
  // The diagnostics channel (no subscriber) and the metricsRecorder sink (no call passes one) stay on by default.
  if (spec.tracing === "unheard") client.middlewareStack.use(signTrace({ summary: false }));
  if (spec.tracing === "fourPassThrough") addFourPassThroughMiddlewares(client.middlewareStack as MiddlewareStack<object, object>);
  return setup;
}

/** Every set-up really sent signed requests, with the key it claims, and the callbacks saw each one. */
function checkSetup(name: SetupName, setup: Setup, expectedRequests: number): void {
  const authorization = setup.handler.lastRequest?.headers.authorization ?? "";
  if (setup.handler.handled !== expectedRequests || !authorization.includes(`Credential=${setup.keyId}/`)) {
    throw new Error(`sign-trace overhead: ${name} handled ${setup.handler.handled} of ${expectedRequests} requests, last signed ${JSON.stringify(authorization.slice(0, 60))}`);
  }
  const expectedSamples = SETUPS[name].tracing === "callback" ? expectedRequests : 0;
  if (setup.samples !== expectedSamples) throw new Error(`sign-trace overhead: ${name} got ${setup.samples} samples, expected ${expectedSamples}`);
}

const micros = (value: number): string => `${value.toFixed(1)} µs`;
const ratio = (s: Spread): string => `×${s.median.toFixed(4)} (min ${s.min.toFixed(4)}, max ${s.max.toFixed(4)})`;

async function run({ quick, log }: FigureOptions): Promise<FigureResult> {
  const { requestsPerRound, rounds, warmUpRequests } = quick ? QUICK : { requestsPerRound: REQUESTS_PER_ROUND, rounds: ROUNDS, warmUpRequests: WARM_UP_REQUESTS };
  const slot = createCredentialSlot({ source: fromProvider(async () => ({ ...SLOT_KEYS, expiration: new Date(Date.now() + 3600_000) })) });
  try {
    await slot.ready();
    const setups = Object.fromEntries(SETUP_NAMES.map((name) => [name, buildSetup(SETUPS[name], slot)])) as Record<SetupName, Setup>;
    for (const name of SETUP_NAMES) {
      log(`sign-trace overhead: warming up ${name} (${warmUpRequests} requests)`);
      await cpuMicrosPerRequest(setups[name].client, warmUpRequests);
    }
    const measure = Object.fromEntries(SETUP_NAMES.map((name) => [name, () => cpuMicrosPerRequest(setups[name].client, requestsPerRound)])) as Record<SetupName, () => Promise<number>>;
    const cpu = await alternateRounds(rounds, measure, (round, name, value) => log(`sign-trace overhead round ${round + 1}/${rounds}: ${name} ${micros(value)} CPU per request`));
    for (const name of SETUP_NAMES) {
      checkSetup(name, setups[name], warmUpRequests + rounds * requestsPerRound);
      setups[name].client.destroy();
    }

    const overOwnBaseline = (name: SetupName): Spread => spread(ratios(cpu[name], cpu[UNTRACED_OF[SETUPS[name].client]]));
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
      };
    });

    const goal = (claim: string, name: SetupName, budget: number, label: string) => {
      const r = overOwnBaseline(name);
      return { claim, measured: `${ratio(r)} CPU per request`, goal: `median ≤ ×${budget} (${label})`, met: r.median <= budget };
    };
    const unheardOverFloor = spread(ratios(cpu.stockUnheard, cpu.stockFourPassThrough));
    const floor = overOwnBaseline("stockFourPassThrough");

    return {
      id: signTraceOverheadFigure.id,
      title: "sign-trace: CPU per request",
      method:
        `${SETUP_NAMES.length} DynamoDB clients, one per set-up, each built once and warmed up with ${warmUpRequests} requests; then ${rounds} rounds in alternating order, ` +
        `each sending ${requestsPerRound} GetItems per set-up one after another, answered at once in-process (InstantDynamoDbHandler, no network), so the SDK's own work is all there is. ` +
        `CPU is process.cpuUsage() (user + system) per request; a ratio divides a traced set-up by the untraced client of its kind measured in the same round. ` +
        `The 4 pass-through middlewares measure what the SDK itself charges per middleware (it rebuilds the handler chain on every send): the floor for any plugin marking sign-trace's four points.`,
      table,
      goals: [
        goal("sign-trace with a callback sink, stock client", "stockCallback", CALLBACK_BUDGET, "≤ 2 % extra"),
        goal("sign-trace with a callback sink, awscreds client", "awscredsCallback", CALLBACK_BUDGET, "≤ 2 % extra"),
        goal("sign-trace with no sink listening (diagnostics channel without subscriber, no metricsRecorder passed), stock client", "stockUnheard", UNHEARD_BUDGET, "near 0"),
        goal("sign-trace with no sink listening, awscreds client", "awscredsUnheard", UNHEARD_BUDGET, "near 0"),
        {
          claim: "With no sink listening, sign-trace costs no more than the SDK's own work for 4 middlewares (stock client)",
          measured: `${ratio(unheardOverFloor)} the 4 pass-through middlewares; those cost ${ratio(floor)} the untraced client`,
          goal: `median ≤ ×${UNHEARD_BUDGET}`,
          met: unheardOverFloor.median <= UNHEARD_BUDGET,
        },
      ],
      raw: {
        requestsPerRound,
        rounds,
        cpuMicrosPerRequest: cpu,
        callbackSamples: { stockCallback: setups.stockCallback.samples, awscredsCallback: setups.awscredsCallback.samples },
      } satisfies SignTraceOverheadRaw,
    };
  } finally {
    await slot.close();
  }
}

/** Figure: the CPU sign-trace adds per request, with a callback sink and with nothing listening, on a stock and an awscreds client. */
export const signTraceOverheadFigure: Figure = { id: "sign-trace-overhead", run };
