import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { fromTokenFile } from "@aws-sdk/credential-provider-web-identity";
import type { AwsCredentialIdentity } from "@smithy/types";
import { awsCredsPlugin, createCredentialSlot, fromWebIdentity } from "@awscreds/core";
import type { CredentialSlot } from "@awscreds/core";
import { ENVIRONMENT_ROLE_ARN } from "./irsaEnvironment.js";

export type SetupName = "static keys" | "fromTokenFile()" | "default chain" | "awscreds";

/** The four set-ups, in the order of the table and the chart's lanes: the floor first. */
export const SETUP_NAMES: readonly SetupName[] = ["static keys", "fromTokenFile()", "default chain", "awscreds"];

/** One way of giving clients credentials, with the clients the workload drives. */
export interface Setup {
  readonly name: SetupName;
  /** The role its STS calls assume, so the emulator's records say whose call each was. */
  readonly roleArn: string | undefined;
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  /** Resolves when the set-up is ready to serve (awscreds: the slot's first fetch, as README says). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface SetupContext {
  readonly endpoint: string;
  readonly region: string;
  readonly tokenFile: string;
  /** Long-lived keys the emulator accepts, for the static-key floor. */
  readonly staticKeys: AwsCredentialIdentity;
  /**
   * How many ms before the stock SDK's 5-minute window the awscreds slot may start its refresh:
   * its fetch timeout. See {@link awsCredsSlotFor}.
   */
  readonly fetchTimeoutMs: number;
}

const role = (name: string) => `arn:aws:iam::123456789012:role/demo-${name}`;

/** The role awscreds' slot assumes in the demo, so its STS calls can be told from the stock ones. */
export const AWSCREDS_ROLE_ARN = role("awscreds");

/**
 * The awscreds slot of the demo: README's source (web identity from the environment) with one
 * policy change, so it rotates at least as often as the stock SDK within a compressed run.
 * The emulator issues credentials valid for 5 min + a few seconds; the SDK stops using a key
 * once less than 5 min are left. `expiryMargin: 5 min` makes the slot retire keys at that same
 * point of their life, and its refresh then starts at the latest safe instant before it,
 * `fetchTimeout` earlier (on 1-hour credentials the defaults refresh 40–55 min in; the
 * compressed run has no room for that spread).
 */
export function awsCredsSlotFor(context: Pick<SetupContext, "fetchTimeoutMs">): CredentialSlot {
  return createCredentialSlot({
    name: "demo",
    source: fromWebIdentity({ roleArn: AWSCREDS_ROLE_ARN }),
    policy: { expiryMargin: 5 * 60_000 },
    fetchTimeout: context.fetchTimeoutMs,
  });
}

/** Builds the four set-ups against the emulator. The process must already look like an IRSA pod. */
export function createSetups(context: SetupContext): Setup[] {
  const service = { region: context.region, endpoint: context.endpoint };
  const s3Options = { ...service, forcePathStyle: true };
  const stockPair = (credentials: DynamoDBClientConfig["credentials"]) => ({
    dynamodb: new DynamoDBClient({ ...service, credentials }),
    s3: new S3Client({ ...s3Options, credentials }),
  });
  const closer = (clients: { dynamodb: DynamoDBClient; s3: S3Client }) => async () => {
    clients.dynamodb.destroy();
    clients.s3.destroy();
  };
  const noWait = async () => {};

  const staticPair = stockPair(context.staticKeys);
  // fromTokenFile() as its docs show, with the role named so its STS calls can be told apart.
  const tokenFilePair = stockPair(
    fromTokenFile({ roleArn: role("token-file"), webIdentityTokenFile: context.tokenFile, clientConfig: { region: context.region } }),
  );
  const chainPair = { dynamodb: new DynamoDBClient(service), s3: new S3Client(s3Options) };

  // awscreds as README says: one line per client; here on the demo's slot (see awsCredsSlotFor).
  const slot = awsCredsSlotFor(context);
  const awsCredsPair = { dynamodb: new DynamoDBClient(service), s3: new S3Client(s3Options) };
  awsCredsPair.dynamodb.middlewareStack.use(awsCredsPlugin(awsCredsPair.dynamodb.config, { slot }));
  awsCredsPair.s3.middlewareStack.use(awsCredsPlugin(awsCredsPair.s3.config, { slot }));

  return [
    { name: "static keys", roleArn: undefined, ...staticPair, ready: noWait, close: closer(staticPair) },
    { name: "fromTokenFile()", roleArn: role("token-file"), ...tokenFilePair, ready: noWait, close: closer(tokenFilePair) },
    { name: "default chain", roleArn: ENVIRONMENT_ROLE_ARN, ...chainPair, ready: noWait, close: closer(chainPair) },
    {
      name: "awscreds",
      roleArn: AWSCREDS_ROLE_ARN,
      ...awsCredsPair,
      ready: () => slot.ready(),
      close: async () => {
        await closer(awsCredsPair)();
        await slot.close();
      },
    },
  ];
}
