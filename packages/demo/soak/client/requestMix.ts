import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";

/**
 * Keys cycle through this many items and objects, so the emulator's tables and buckets stay the
 * same size however long the soak runs (its memory is not what the soak measures, but it shares
 * the machine).
 */
const KEY_SPACE = 512;
/** The object every S3 read gets; written once before the run. */
export const SEEDED_OBJECT_KEY = "soak/seed";

export interface SoakClients {
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  readonly table: string;
  readonly bucket: string;
}

/**
 * The n-th request of the soak, in a cycle of four: DynamoDB PutItem, DynamoDB GetItem, S3
 * PutObject, S3 GetObject (of the seeded object, whose body is read to the end so the socket
 * goes back to the pool). Resolves to the attempts the SDK made (more than 1: it retried).
 */
export async function sendRequest(clients: SoakClients, n: number): Promise<number> {
  const key = `soak#${(n >> 2) % KEY_SPACE}`;
  switch (n & 3) {
    case 0:
      return attempts(await clients.dynamodb.send(new PutItemCommand({ TableName: clients.table, Item: { pk: { S: key }, n: { N: String(n) } } })));
    case 1:
      return attempts(await clients.dynamodb.send(new GetItemCommand({ TableName: clients.table, Key: { pk: { S: key } } })));
    case 2:
      return attempts(await clients.s3.send(new PutObjectCommand({ Bucket: clients.bucket, Key: key, Body: `object ${n}` })));
    default: {
      const answer = await clients.s3.send(new GetObjectCommand({ Bucket: clients.bucket, Key: SEEDED_OBJECT_KEY }));
      await answer.Body?.transformToString();
      return attempts(answer);
    }
  }
}

const attempts = (output: { $metadata: { attempts?: number } }): number => output.$metadata.attempts ?? 1;

export async function seedObject(clients: SoakClients): Promise<void> {
  await clients.s3.send(new PutObjectCommand({ Bucket: clients.bucket, Key: SEEDED_OBJECT_KEY, Body: "the object every read gets" }));
}
