import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { awsCredsPlugin } from "@awscreds/core";
import { startEmulator } from "@awscreds/emulator";
import { becomeIrsaPod, ENVIRONMENT_ROLE_ARN } from "../../src/irsaEnvironment.js";
import { countBursts } from "../../src/setupSummary.js";
import { awsCredsSlotFor, AWSCREDS_ROLE_ARN } from "../../src/setups.js";
import { SDK_REFRESH_WINDOW_SECONDS } from "../../src/runDemo.js";
import type { Figure, FigureResult } from "../figure.js";

const REGION = "eu-west-1";

interface FanOutRow {
  readonly clients: number;
  readonly setup: "awscreds (one shared slot)" | "stock (default chain per client)";
  readonly stsCalls: number;
  readonly rotations: number;
  readonly failed: number;
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
    const rotationSeconds = quick ? 3 : 5;
    const rotationsWanted = 3;
    const periodMs = 500;
    const rows: FanOutRow[] = [];
    for (const clients of counts) {
      log(`fan-out: ${clients} client(s) per set-up, ${rotationsWanted} rotations`);
      rows.push(...(await measure(clients, rotationSeconds, rotationsWanted, periodMs)));
    }
    const awsCreds = rows.filter((row) => row.setup.startsWith("awscreds"));
    const perRotation = awsCreds.map((row) => row.stsCalls / row.rotations);
    const failed = rows.reduce((sum, row) => sum + row.failed, 0);
    const stock100 = rows.find((row) => row.setup.startsWith("stock") && row.clients === counts[counts.length - 1]);
    return {
      id: this.id,
      title: "Fan-out: STS calls for many clients",
      method:
        `For each client count, that many DynamoDB clients per set-up, each sending a request every ${periodMs} ms, both set-ups at once against one emulated STS (1 s latency); ` +
        `keys rotate every ~${rotationSeconds} s (the SDK's 5-minute window + ${rotationSeconds} s) and the run lasts ${rotationsWanted} rotations. Rotations are counted as bursts of STS calls.`,
      table: rows.map((row) => ({
        clients: row.clients,
        "set-up": row.setup,
        "STS calls": row.stsCalls,
        rotations: row.rotations,
        "STS calls per rotation": (row.stsCalls / row.rotations).toFixed(2),
        "failed requests": row.failed,
      })),
      goals: [
        {
          claim: "awscreds STS calls per rotation, whatever the number of clients",
          measured: perRotation.map((value, i) => `${awsCreds[i]!.clients}: ${value.toFixed(2)}`).join(", "),
          goal: "1",
          met: perRotation.every((value) => value === 1),
        },
        {
          claim: `stock STS calls per rotation with ${stock100?.clients} clients`,
          measured: stock100 ? (stock100.stsCalls / stock100.rotations).toFixed(2) : "–",
          goal: "(the problem: one per client)",
          met: true,
        },
        { claim: "failed requests", measured: String(failed), goal: "0", met: failed === 0 },
      ],
      raw: rows,
    };
  },
};

async function measure(clients: number, rotationSeconds: number, rotations: number, periodMs: number): Promise<FanOutRow[]> {
  await using emulator = await startEmulator({
    sts: { latencyMs: 1000, credentialLifetimeSeconds: SDK_REFRESH_WINDOW_SECONDS + rotationSeconds },
    dynamodb: { tables: [{ name: "orders", partitionKey: "pk" }] },
  });
  const pod = becomeIrsaPod(emulator.url, REGION);
  const service = { region: REGION, endpoint: emulator.url };
  const stock = Array.from({ length: clients }, () => new DynamoDBClient(service));
  const slot = awsCredsSlotFor({ fetchTimeoutMs: 1_500 });
  const shared = Array.from({ length: clients }, () => {
    const client = new DynamoDBClient(service);
    client.middlewareStack.use(awsCredsPlugin(client.config, { slot }));
    return client;
  });
  try {
    await slot.ready();
    const failures = { stock: 0, awsCreds: 0 };
    const until = Date.now() + rotations * rotationSeconds * 1000 + 500;
    const drive = async (client: DynamoDBClient, side: keyof typeof failures) => {
      while (Date.now() < until) {
        await client.send(new GetItemCommand({ TableName: "orders", Key: { pk: { S: "order#1" } } })).catch(() => failures[side]++);
        await new Promise((resolve) => setTimeout(resolve, periodMs));
      }
    };
    await Promise.all([...stock.map((client) => drive(client, "stock")), ...shared.map((client) => drive(client, "awsCreds"))]);
    const callsOf = (roleArn: string) => emulator.records.credentialCalls().filter((call) => call.roleArn === roleArn).map((call) => call.at);
    const stockCalls = callsOf(ENVIRONMENT_ROLE_ARN);
    const awsCredsCalls = callsOf(AWSCREDS_ROLE_ARN);
    return [
      { clients, setup: "awscreds (one shared slot)", stsCalls: awsCredsCalls.length, rotations: countBursts(awsCredsCalls), failed: failures.awsCreds },
      { clients, setup: "stock (default chain per client)", stsCalls: stockCalls.length, rotations: countBursts(stockCalls), failed: failures.stock },
    ];
  } finally {
    for (const client of [...stock, ...shared]) client.destroy();
    await slot.close();
    pod.remove();
  }
}
