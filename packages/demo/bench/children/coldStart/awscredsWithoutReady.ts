// Cold-start child (c): the README quick start as is, no ready(): the first request is sent
// right after the client is built (no await in between), so it waits for the slot's first fetch.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { awsCredsPlugin, closeDefaultSlot } from "@awscreds/core";
import { printLine, timeFirstRequest } from "./firstRequest.js";

const client = new DynamoDBClient({});
client.middlewareStack.use(awsCredsPlugin(client.config));

const firstRequestMs = await timeFirstRequest(client);
client.destroy();
await closeDefaultSlot();
printLine({ setup: "awscredsWithoutReady", firstRequestMs });
