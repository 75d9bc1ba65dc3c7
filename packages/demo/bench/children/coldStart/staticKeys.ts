// Cold-start child (a): the stock SDK given static keys. The keys come from the parent in
// BENCH_STATIC_KEYS (emulator-issued, so the emulator accepts their signature).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { printLine, timeFirstRequest } from "./firstRequest.js";

const keys = process.env.BENCH_STATIC_KEYS;
if (keys === undefined) throw new Error("BENCH_STATIC_KEYS is not set: the parent passes the emulator-issued keys there");
const { accessKeyId, secretAccessKey, sessionToken } = JSON.parse(keys) as { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

const client = new DynamoDBClient({ credentials: { accessKeyId, secretAccessKey, ...(sessionToken !== undefined && { sessionToken }) } });
const firstRequestMs = await timeFirstRequest(client);
client.destroy();
printLine({ setup: "staticKeys", firstRequestMs });
