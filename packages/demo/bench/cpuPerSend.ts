import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";

/** The request every CPU benchmark sends; InstantDynamoDbHandler answers it at once. */
const getItem = () => new GetItemCommand({ TableName: "orders", Key: { pk: { S: "order#1" } } });

/** Sends `count` GetItems one after another. */
export async function sendGetItems(client: DynamoDBClient, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await client.send(getItem());
}

/** Sends `count` GetItems one after another and returns the process CPU time per request, in µs. */
export async function cpuMicrosPerRequest(client: DynamoDBClient, count: number): Promise<number> {
  const before = process.cpuUsage();
  await sendGetItems(client, count);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}
