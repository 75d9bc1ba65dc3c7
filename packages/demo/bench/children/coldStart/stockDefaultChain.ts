// Cold-start child (d), for reference: the stock SDK and its default credential chain on the
// same IRSA environment (web identity through the SDK's nested STS client).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { printLine, timeFirstRequest } from "./firstRequest.js";

const client = new DynamoDBClient({});
const firstRequestMs = await timeFirstRequest(client);
client.destroy();
printLine({ setup: "stockDefaultChain", firstRequestMs });
