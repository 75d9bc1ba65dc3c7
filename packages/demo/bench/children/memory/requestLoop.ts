import { GetItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { InstantDynamoDbHandler } from "../../instantHandler.js";
import type { BatchSignature, RequestPlan, ResourceSample } from "./memoryLine.js";

export interface RequestLoopHooks {
  /** Called before each batch; resolves to the access key id the batch must be signed with. */
  keyForBatch(batch: number): Promise<string>;
  sample(requests: number): Promise<ResourceSample>;
}

export interface RequestLoopResult {
  readonly samples: ResourceSample[];
  readonly batches: BatchSignature[];
}

/** The access key id in a SigV4 `Authorization` header (`Credential=<key>/<date>/...`). */
export function signingKeyOf(authorization: string | undefined): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(authorization ?? "")?.[1];
}

function isSamplePoint(done: number, plan: RequestPlan): boolean {
  return done === plan.firstSampleAt || done === plan.requests || (done > plan.firstSampleAt && done % plan.sampleEvery === 0);
}

/**
 * Sends `plan.requests` GetItem requests one after another, in batches. Before each batch the
 * hook names the key it must be signed with (rotating it first, for awscreds); after it, the key
 * in the last request's `Authorization` header is recorded against that expectation.
 */
export async function runRequestLoop(client: DynamoDBClient, handler: InstantDynamoDbHandler, plan: RequestPlan, hooks: RequestLoopHooks): Promise<RequestLoopResult> {
  const samples: ResourceSample[] = [];
  const batches: BatchSignature[] = [];
  let done = 0;
  for (let batch = 0; done < plan.requests; batch++) {
    const expectedKey = await hooks.keyForBatch(batch);
    const end = Math.min(done + plan.batchSize, plan.requests);
    while (done < end) {
      await client.send(new GetItemCommand({ TableName: "orders", Key: { pk: { S: `order#${done}` } } }));
      done++;
      if (isSamplePoint(done, plan)) samples.push(await hooks.sample(done));
    }
    batches.push({ batch, expectedKey, signedKey: signingKeyOf(handler.lastRequest?.headers.authorization) });
  }
  return { samples, batches };
}
