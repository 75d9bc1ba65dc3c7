import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { awsCredsPlugin, type CredentialSlotListener } from "@awscreds/core";
import { startEmulator } from "@awscreds/emulator";
import { becomeIrsaPod, ENVIRONMENT_ROLE_ARN } from "../../src/irsaEnvironment.js";
import { awsCredsSlotFor, AWSCREDS_ROLE_ARN } from "../../src/setups.js";
import { SDK_REFRESH_WINDOW_SECONDS } from "../../src/runDemo.js";
import type { Figure, FigureResult } from "../figure.js";

const REGION = "eu-west-1";
const STS_LATENCY_MS = 1_000;
/**
 * The slot's fetchTimeout: three STS latencies. The emulator shares its process with up to 200
 * clients, whose load can hold an answer back by a second; with the demo's 1.5 s a refresh then
 * timed out and was retried, an STS call more that says nothing about fan-out. Failed fetches
 * are still counted (and shown), and every STS call is.
 */
const FETCH_TIMEOUT_MS = 3 * STS_LATENCY_MS;

/** One side of one run: how many STS calls that many clients made in the run's window. */
export interface FanOutRow {
  readonly clients: number;
  readonly side: "awscreds" | "stock";
  readonly stsCalls: number;
  readonly failed: number;
  /** awscreds only: the slot's fetches that failed in the window (each retried: one more STS call). */
  readonly failedFetches?: number;
}

/** What the figure keeps in its JSON, per client count. */
export interface FanOutRun {
  readonly clients: number;
  /** From the slot's first fetch to the end of the window (ms). */
  readonly windowMs: number;
  /** When the slot planned its refreshes (and retries) in the window, ms after its first fetch. */
  readonly refreshPlansAtMs: readonly number[];
  /** Arrival of each STS call in the window, ms after the slot's first fetch. */
  readonly awscredsCallsAtMs: readonly number[];
  readonly stockCallsAtMs: readonly number[];
  readonly rows: readonly [FanOutRow, FanOutRow];
}

const SETUP_LABEL: Record<FanOutRow["side"], string> = { awscreds: "awscreds (one shared slot)", stock: "stock (default chain per client)" };

/**
 * The figure's verdicts from its rows: the claim is that awscreds' STS calls do not depend on the
 * number of clients (every count makes the 1-client count, one per rotation it was driven through
 * plus the first fetch), while the stock clients' grow with them.
 */
export function fanOutGoals(rows: readonly FanOutRow[], rotations: number): FigureResult["goals"] {
  const side = (name: FanOutRow["side"]) => rows.filter((row) => row.side === name).sort((a, b) => a.clients - b.clients);
  const awscreds = side("awscreds");
  const stock = side("stock");
  const oneClient = awscreds[0]?.stsCalls;
  const failed = rows.reduce((sum, row) => sum + row.failed, 0);
  return [
    {
      claim: `awscreds STS calls with ${awscreds.map((row) => row.clients).join(", ")} clients on one shared slot, over the same ${rotations} rotations of its keys`,
      measured: awscreds.map((row) => `${row.clients}: ${row.stsCalls}`).join(", "),
      goal: `the same for every client count, at most ${rotations + 1} (one per rotation + the first fetch)`,
      met: awscreds.length > 0 && awscreds.every((row) => row.stsCalls === oneClient && row.stsCalls <= rotations + 1),
    },
    {
      claim: "stock STS calls grow with the number of clients (one default chain per client)",
      measured: stock.map((row) => `${row.clients}: ${row.stsCalls} (${(row.stsCalls / row.clients).toFixed(2)} per client)`).join(", "),
      goal: "(the problem: more clients, more calls)",
      met: stock.length > 1 && stock.every((row, i) => i === 0 || row.stsCalls > stock[i - 1]!.stsCalls),
    },
    { claim: "failed requests", measured: String(failed), goal: "0", met: failed === 0 },
  ];
}

/**
 * STS calls made by N clients over a few rotations: N stock clients on the SDK's default chain
 * (each resolves and caches its own credentials) against N clients sharing awscreds' slot, the
 * default slot's behaviour (one slot per process). Both run at once against one emulated STS;
 * each client sends a request every `periodMs`, so every stock client does refresh.
 */
export const fanOutFigure: Figure = {
  id: "fan-out",
  async run({ quick, log }): Promise<FigureResult> {
    const counts = quick ? [1, 10] : [1, 10, 100];
    const rotationSeconds = 6;
    const rotations = 3;
    const periodMs = 500;
    const runs: FanOutRun[] = [];
    for (const clients of counts) {
      log(`fan-out: ${clients} client(s) per set-up, ${rotations} rotations`);
      runs.push(await measure(clients, rotationSeconds, rotations, periodMs));
    }
    const rows = runs.flatMap((run) => run.rows);
    return {
      id: this.id,
      title: "Fan-out: STS calls for many clients",
      method:
        `For each client count, that many DynamoDB clients per set-up, each sending a request every ${periodMs} ms, both set-ups at once against one emulated STS (${STS_LATENCY_MS / 1000} s latency); ` +
        `keys are valid for the SDK's 5-minute window + ${rotationSeconds} s, so both sides rotate every few seconds ` +
        `(the stock clients when a request finds less than 5 min left; the slot, on the demo's policy with a fetchTimeout of ${FETCH_TIMEOUT_MS / 1000} s, at the last safe instant before that, ` +
        `${FETCH_TIMEOUT_MS / 1000} s sooner: with one client it makes more calls than stock). ` +
        `The window starts at the shared slot's first fetch and ends half-way between the end of its ${ordinal(rotations)} planned refresh and the start of the ${ordinal(rotations + 1)} ` +
        `(windows of ${runs.map((run) => `${(run.windowMs / 1000).toFixed(1)} s`).join(", ")}), from the slot's own plan, so no refresh sits on the edge of the window ` +
        `and a fetch a client brought forward would not move it; STS calls are the emulator's records of credential calls that arrived in the window, told apart by role.`,
      table: rows.map((row) => ({
        clients: row.clients,
        "set-up": SETUP_LABEL[row.side],
        "STS calls": row.stsCalls,
        "STS calls per client": (row.stsCalls / row.clients).toFixed(2),
        "failed requests": row.failed,
        "slot fetches failed (retried)": row.failedFetches ?? "—",
      })),
      goals: fanOutGoals(rows, rotations),
      raw: runs,
    };
  },
};

const ordinal = (n: number): string => `${n}${n === 1 ? "st" : n === 2 ? "nd" : n === 3 ? "rd" : "th"}`;

async function measure(clients: number, rotationSeconds: number, rotations: number, periodMs: number): Promise<FanOutRun> {
  await using emulator = await startEmulator({
    sts: { latencyMs: STS_LATENCY_MS, credentialLifetimeSeconds: SDK_REFRESH_WINDOW_SECONDS + rotationSeconds },
    dynamodb: { tables: [{ name: "orders", partitionKey: "pk" }] },
  });
  const pod = becomeIrsaPod(emulator.url, REGION);
  const service = { region: REGION, endpoint: emulator.url };
  const stock = Array.from({ length: clients }, () => new DynamoDBClient(service));
  const slot = awsCredsSlotFor({ fetchTimeoutMs: FETCH_TIMEOUT_MS });
  const shared = Array.from({ length: clients }, () => {
    const client = new DynamoDBClient(service);
    client.middlewareStack.use(awsCredsPlugin(client.config, { slot }));
    return client;
  });
  try {
    await slot.ready();
    const firstPlan = slot.stats().nextRefreshAt;
    if (firstPlan === undefined) throw new Error("fan-out: the slot planned no refresh after ready()");
    // The window ends half-way between the end of the slot's `rotations`-th planned refresh and
    // the start of the next one it plans: no refresh sits on the edge, however late a loaded event
    // loop makes them. A refresh counts as planned when it ends after the slot's plan in force; a
    // fetch a client brought forward would end before it, so it would not move the edge, and it
    // would be one STS call too many in the window.
    const window = { until: Number.POSITIVE_INFINITY, plannedRefreshes: 0, plansAt: [firstPlan] };
    let planAt = firstPlan;
    const failedFetchesAt: number[] = [];
    const onRefreshed: CredentialSlotListener<"refreshed"> = ({ nextRefreshAt }) => {
      const now = Date.now();
      if (now >= planAt) window.plannedRefreshes++;
      planAt = nextRefreshAt.getTime();
      window.plansAt.push(planAt);
      if (window.plannedRefreshes === rotations && window.until === Number.POSITIVE_INFINITY) window.until = (now + planAt) / 2;
    };
    const onRefreshFailed: CredentialSlotListener<"refreshFailed"> = ({ nextAttemptAt }) => {
      failedFetchesAt.push(Date.now());
      planAt = nextAttemptAt.getTime();
      window.plansAt.push(planAt);
    };
    slot.on("refreshed", onRefreshed);
    slot.on("refreshFailed", onRefreshFailed);
    const giveUpMs = 4 * (rotations + 1) * rotationSeconds * 1000;
    const giveUpAt = Date.now() + giveUpMs;

    const failures = { stock: 0, awscreds: 0 };
    const drive = async (client: DynamoDBClient, side: keyof typeof failures) => {
      while (Date.now() < window.until && Date.now() < giveUpAt) {
        await client.send(new GetItemCommand({ TableName: "orders", Key: { pk: { S: "order#1" } } })).catch(() => failures[side]++);
        await new Promise((resolve) => setTimeout(resolve, periodMs));
      }
    };
    await Promise.all([...stock.map((client) => drive(client, "stock")), ...shared.map((client) => drive(client, "awscreds"))]);
    slot.off("refreshed", onRefreshed);
    slot.off("refreshFailed", onRefreshFailed);
    if (window.until === Number.POSITIVE_INFINITY) throw new Error(`fan-out: the slot did not make ${rotations} planned refreshes within ${giveUpMs} ms`);

    const callsOf = (roleArn: string) =>
      emulator.records
        .credentialCalls()
        .filter((call) => call.roleArn === roleArn)
        .map((call) => call.at);
    const startedAt = Math.min(...callsOf(AWSCREDS_ROLE_ARN));
    const inWindow = (roleArn: string) => callsOf(roleArn).filter((at) => at <= window.until).map((at) => at - startedAt);
    const awscredsCallsAtMs = inWindow(AWSCREDS_ROLE_ARN);
    const stockCallsAtMs = inWindow(ENVIRONMENT_ROLE_ARN);
    return {
      clients,
      windowMs: window.until - startedAt,
      refreshPlansAtMs: window.plansAt.filter((at) => at <= window.until).map((at) => at - startedAt),
      awscredsCallsAtMs,
      stockCallsAtMs,
      rows: [
        { clients, side: "awscreds", stsCalls: awscredsCallsAtMs.length, failed: failures.awscreds, failedFetches: failedFetchesAt.filter((at) => at <= window.until).length },
        { clients, side: "stock", stsCalls: stockCallsAtMs.length, failed: failures.stock },
      ],
    };
  } finally {
    for (const client of [...stock, ...shared]) client.destroy();
    await slot.close();
    pod.remove();
  }
}
