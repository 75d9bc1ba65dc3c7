// `npm start`: starts the emulator and drives real SDK v3 clients against it, showing what it
// checks and the problem awscreds solves: with a slow STS, a stock client's first request waits.
import { DynamoDBClient, ListTablesCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { fromTokenFile } from "@aws-sdk/credential-provider-web-identity";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "../src/index.js";

const STS_LATENCY_MS = 800;
const region = "eu-west-1";
await using aws = await startEmulator({ sts: { latencyMs: STS_LATENCY_MS }, dynamodb: { tables: [{ name: "orders" }] } });
const tokenFile = join(mkdtempSync(join(tmpdir(), "awscreds-")), "token");
writeFileSync(tokenFile, "self-check-web-identity-token");

const rows: Array<[string, string]> = [];
const check = async (what: string, run: () => Promise<string>) => {
  try {
    rows.push([what, await run()]);
  } catch (error) {
    rows.push([what, `FAILED: ${(error as Error).name}: ${(error as Error).message}`]);
    process.exitCode = 1;
  }
};

// A stock client on web identity credentials, as on EKS with IRSA.
const credentials = fromTokenFile({ webIdentityTokenFile: tokenFile, roleArn: "arn:aws:iam::123456789012:role/app", clientConfig: { endpoint: aws.url, region } });
const stock = new DynamoDBClient({ region, endpoint: aws.url, credentials });

await check(`stock client, first request (STS answers in ${STS_LATENCY_MS} ms)`, async () => {
  const started = performance.now();
  await stock.send(new ListTablesCommand({}));
  return `${Math.round(performance.now() - started)} ms: the request waited on STS`;
});
await check("stock client, second request", async () => {
  const started = performance.now();
  await stock.send(new PutItemCommand({ TableName: "orders", Item: { pk: { S: "order#1" } } }));
  return `${Math.round(performance.now() - started)} ms: cached credentials`;
});
await check("signatures verified by the emulator", async () => {
  const ok = aws.records.requests.filter((r) => r.signatureValid).length;
  if (ok !== aws.records.requests.length) throw new Error(`${aws.records.requests.length - ok} requests failed verification`);
  return `${ok} of ${aws.records.requests.length} valid, signed with ${aws.records.requests[0]?.accessKeyId?.slice(0, 4)}… keys issued by the emulator's STS`;
});
await check("a key used after its Expiration", async () => {
  const expired = new DynamoDBClient({ region, endpoint: aws.url, credentials: aws.issueCredentials(), maxAttempts: 1 });
  aws.expireKey((await expired.config.credentials()).accessKeyId);
  const error = await expired.send(new ListTablesCommand({})).catch((e: Error) => e);
  return error instanceof Error ? `rejected with ${error.name}` : "accepted (wrong!)";
});

const width = Math.max(...rows.map(([what]) => what.length));
console.log(`awscreds emulator self-check against ${aws.url}\n`);
for (const [what, result] of rows) console.log(`  ${what.padEnd(width)}  ${result}`);
console.log(`\nSTS calls: ${aws.records.stsCalls.length}, service requests: ${aws.records.requests.length}.`);
console.log("Run the emulator for your own service: npx tsx packages/emulator/src/cli.ts --help");
