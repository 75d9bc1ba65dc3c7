// Cold-start child (b): the README quick start, awaiting the default slot's ready() at start-up
// (IRSA environment from the parent), then timing the first request.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { awsCredsPlugin, closeDefaultSlot, defaultSlot } from "@awscreds/core";
import { printLine, timeFirstRequest } from "./firstRequest.js";

const client = new DynamoDBClient({});
client.middlewareStack.use(awsCredsPlugin(client.config));

const readyStarted = performance.now();
await defaultSlot().ready();
const readyMs = performance.now() - readyStarted;

const firstRequestMs = await timeFirstRequest(client);
client.destroy();
await closeDefaultSlot();
printLine({ setup: "awscredsAfterReady", firstRequestMs, readyMs });
