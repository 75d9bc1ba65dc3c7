import { GetItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";

/** The table the cold-start emulator holds and every child reads from. */
export const COLD_START_TABLE = "orders";

/** The JSON line a cold-start child prints. */
export interface FirstRequestLine {
  readonly setup: string;
  /** `performance.now()` around the first `send` of the process. */
  readonly firstRequestMs: number;
  /** How long `await defaultSlot().ready()` took, for the set-up that awaits it. */
  readonly readyMs?: number;
}

/**
 * Times the process's first request: one `GetItem`, the command built before the clock starts.
 * The clock starts synchronously on call, so a caller that constructed its client just before
 * (and did not await) starts it before any credential fetch the client began can have reached STS.
 */
export async function timeFirstRequest(client: DynamoDBClient): Promise<number> {
  const command = new GetItemCommand({ TableName: COLD_START_TABLE, Key: { pk: { S: "order#1" } } });
  const started = performance.now();
  await client.send(command);
  return performance.now() - started;
}

/** Prints the child's one result line (stdout carries nothing else). */
export function printLine(line: FirstRequestLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
