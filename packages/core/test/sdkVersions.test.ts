// The plugin against two real copies of the SDK: the oldest version it supports (3.775.0, through
// npm aliases in devDependencies) and the newest, the lockfile's @aws-sdk/client-* packages.
// Each fixture runs the same tests, with S3, DynamoDB, STS and Lambda against the emulator.
import * as newestDynamoDB from "@aws-sdk/client-dynamodb";
import * as newestLambda from "@aws-sdk/client-lambda";
import * as newestS3 from "@aws-sdk/client-s3";
import * as newestSTS from "@aws-sdk/client-sts";
import { awsCredsPlugin, ConfigurationError, createCredentialSlot, fromWebIdentity, OLDEST_SUPPORTED_SDK_VERSION, type AwsClientConfig, type CredentialSlot } from "@awscreds/core";
import { startEmulator, type Emulator, type ServiceName } from "@awscreds/emulator";
import * as oldestDynamoDB from "client-dynamodb-oldest";
import * as oldestLambda from "client-lambda-oldest";
import * as oldestS3 from "client-s3-oldest";
import * as oldestSTS from "client-sts-oldest";
import * as tooOldS3 from "client-s3-too-old";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";

const ROLE_ARN = "arn:aws:iam::123456789012:role/orders-service";
const REGION = "eu-west-1";
const SERVICES = ["s3", "dynamodb", "sts", "lambda"] as const satisfies readonly ServiceName[];
type Service = (typeof SERVICES)[number];

/**
 * What these tests use of a client, whichever copy of the SDK built it. `use` takes `never`: a
 * stack is invariant in its client's input and output types, so no one plugin type fits every
 * client here; the single cast to it is in `clientsFor`.
 */
interface SdkClient {
  readonly config: AwsClientConfig & { signer(): Promise<object> };
  readonly middlewareStack: { use(pluggable: never): void };
  send(command: object): Promise<{ $metadata: { attempts?: number } }>;
}
type ClientClass<Config> = new (config: Config) => SdkClient;
type CommandClass<Input> = new (input: Input) => object;
interface Endpoint {
  region: string;
  endpoint: string;
}

/** The exports each fixture must provide; both SDK copies are checked against it structurally. */
interface Sdk {
  s3: { S3Client: ClientClass<Endpoint & { forcePathStyle: boolean }>; PutObjectCommand: CommandClass<{ Bucket: string; Key: string; Body: string }> };
  dynamodb: { DynamoDBClient: ClientClass<Endpoint>; ListTablesCommand: CommandClass<object> };
  sts: { STSClient: ClientClass<Endpoint>; GetCallerIdentityCommand: CommandClass<object> };
  lambda: { LambdaClient: ClientClass<Endpoint>; GetFunctionCommand: CommandClass<{ FunctionName: string }> };
}

interface Fixture {
  label: string;
  /** The package each service's client comes from, to check its version. */
  packages: Record<Service, string>;
  isExpectedVersion(version: string): boolean;
  sdk: Sdk;
}

const minor = (version: string) => Number(version.split(".")[1]);

const fixtures: Fixture[] = [
  {
    label: `oldest supported (${OLDEST_SUPPORTED_SDK_VERSION})`,
    packages: { s3: "client-s3-oldest", dynamodb: "client-dynamodb-oldest", sts: "client-sts-oldest", lambda: "client-lambda-oldest" },
    isExpectedVersion: (version) => version === OLDEST_SUPPORTED_SDK_VERSION,
    sdk: { s3: oldestS3, dynamodb: oldestDynamoDB, sts: oldestSTS, lambda: oldestLambda },
  },
  {
    label: "newest (the lockfile's)",
    packages: { s3: "@aws-sdk/client-s3", dynamodb: "@aws-sdk/client-dynamodb", sts: "@aws-sdk/client-sts", lambda: "@aws-sdk/client-lambda" },
    isExpectedVersion: (version) => minor(version) > minor(OLDEST_SUPPORTED_SDK_VERSION),
    sdk: { s3: newestS3, dynamodb: newestDynamoDB, sts: newestSTS, lambda: newestLambda },
  },
];

let aws: Emulator;
let slot: CredentialSlot;

beforeEach(async () => {
  aws = await startEmulator({ dynamodb: { tables: [{ name: "orders" }] }, s3: { buckets: ["media"] }, lambda: { functions: ["resize"] } });
  const tokenFile = join(mkdtempSync(join(tmpdir(), "awscreds-sdk-versions-")), "token");
  writeFileSync(tokenFile, "sdk-versions-token");
  slot = createCredentialSlot({ source: fromWebIdentity({ roleArn: ROLE_ARN, webIdentityTokenFile: tokenFile, region: REGION, endpoint: aws.url }) });
  await slot.ready();
});
afterEach(async () => {
  await slot.close();
  await aws.close();
});

type Call = () => Promise<{ $metadata: { attempts?: number } }>;
type Calls = Record<Service, Call> & { signer(service: Service): Promise<object> };

/** The four clients of one SDK copy, each attached to the slot (unless told not to), as one call per service (and each one's `config.signer()`). */
function clientsFor(sdk: Sdk, { attached = true } = {}): Calls {
  const endpoint = { region: REGION, endpoint: aws.url };
  const attach = (client: SdkClient) => {
    if (attached) client.middlewareStack.use(awsCredsPlugin(client.config, { slot }) as never);
    return client;
  };
  const s3 = attach(new sdk.s3.S3Client({ ...endpoint, forcePathStyle: true }));
  const dynamodb = attach(new sdk.dynamodb.DynamoDBClient(endpoint));
  const sts = attach(new sdk.sts.STSClient(endpoint));
  const lambda = attach(new sdk.lambda.LambdaClient(endpoint));
  let objects = 0;
  return {
    s3: () => s3.send(new sdk.s3.PutObjectCommand({ Bucket: "media", Key: `object-${objects++}.txt`, Body: "x" })),
    dynamodb: () => dynamodb.send(new sdk.dynamodb.ListTablesCommand({})),
    sts: () => sts.send(new sdk.sts.GetCallerIdentityCommand({})),
    lambda: () => lambda.send(new sdk.lambda.GetFunctionCommand({ FunctionName: "resize" })),
    signer: (service) => ({ s3, dynamodb, sts, lambda })[service].config.signer(),
  };
}

function slotKey(): string {
  const key = slot.current()?.accessKeyId;
  if (key === undefined) throw new Error("the slot holds no credentials");
  return key;
}

/** Replaces the slot's key, then has the emulator refuse the old one, as after its real expiry. */
async function rotate(): Promise<string> {
  const old = slotKey();
  const refreshed = new Promise<string>((resolve) => {
    const listener = ({ accessKeyId }: { accessKeyId: string }) => {
      slot.off("refreshed", listener);
      resolve(accessKeyId);
    };
    slot.on("refreshed", listener);
  });
  slot.invalidate(old);
  const replacement = await refreshed;
  aws.expireKey(old);
  return replacement;
}

describe.each(fixtures)("SDK $label", ({ packages, isExpectedVersion, sdk }) => {
  test("the fixture's clients are the version it names", () => {
    const require = createRequire(import.meta.url);
    const versions = SERVICES.map((service) => (require(`${packages[service]}/package.json`) as { version: string }).version);
    expect(versions.filter((version) => !isExpectedVersion(version))).toEqual([]);
  });

  test("every signature verifies across one rotation, and the old key is never used after its expiry", async () => {
    const call = clientsFor(sdk);
    const before = slotKey();
    for (const service of SERVICES) await call[service]();
    const after = await rotate();
    for (const service of SERVICES) await call[service]();

    expect(after).not.toBe(before);
    expect(aws.records.requests.map((r) => [r.service, r.accessKeyId])).toEqual([
      ...SERVICES.map((service) => [service, before]),
      ...SERVICES.map((service) => [service, after]),
    ]);
    expect(aws.records.requests.filter((r) => !r.signatureValid || r.keyExpired || r.status !== 200)).toEqual([]);
  });

  test("where the SDK's own signer is a plain SignatureV4 the plugin signs with one per slot credentials; any other (S3's multi-region signer) stays", async () => {
    const call = clientsFor(sdk);
    const control = clientsFor(sdk, { attached: false });
    for (let i = 0; i < 2; i++) for (const service of SERVICES) await call[service](); // the first signature decides
    const kinds = async (calls: Calls) => Object.fromEntries(await Promise.all(SERVICES.map(async (service) => [service, (await calls.signer(service)).constructor.name])));
    const sdkKinds = await kinds(control);
    const expected = Object.fromEntries(SERVICES.map((service) => [service, sdkKinds[service] === "SignatureV4" ? "PerCredentialsSignatureV4" : sdkKinds[service]]));
    expect(await kinds(call)).toEqual(expected);
    expect(expected).toMatchObject({ s3: "SignatureV4MultiRegion", dynamodb: "PerCredentialsSignatureV4", lambda: "PerCredentialsSignatureV4" });
    expect(aws.records.requests.filter((r) => !r.signatureValid || r.accessKeyId !== slotKey() || r.status !== 200)).toEqual([]);
  });

  test.each(SERVICES)("%s: ExpiredToken is recovered in one SDK attempt, the request sent again with a new key", async (service) => {
    const call = clientsFor(sdk)[service];
    const before = slotKey();
    aws.injectServiceFaults("ExpiredToken", 1, service);

    const out = await call();

    expect(out.$metadata.attempts).toBe(1);
    const [failed, resent, ...more] = aws.records.requests;
    expect(more).toEqual([]);
    expect(failed).toMatchObject({ service, accessKeyId: before, signatureValid: true, errorCode: expect.stringMatching(/^ExpiredToken(Exception)?$/) });
    expect(resent).toMatchObject({ service, accessKeyId: slotKey(), signatureValid: true, status: 200 });
    expect(resent?.accessKeyId).not.toBe(before);
    expect(aws.records.credentialCalls()).toHaveLength(2);
  });

  test.each([
    ["dynamodb", "InvalidSignatureException", 400],
    ["sts", "SignatureDoesNotMatch", 403],
  ] as const)("%s: with the service clock 20 minutes ahead, the SDK corrects its clock from the %s error and retries; the next call needs one attempt", async (service, skewError, skewStatus) => {
    const call = clientsFor(sdk)[service];
    aws.configure({ clockOffsetMs: 20 * 60_000 });

    const first = await call();
    const second = await call();

    expect([first.$metadata.attempts, second.$metadata.attempts]).toEqual([2, 1]);
    expect(aws.records.requests.map((r) => [r.service, r.errorCode, r.status])).toEqual([
      [service, skewError, skewStatus],
      [service, undefined, 200],
      [service, undefined, 200],
    ]);
    expect(aws.records.requests.every((r) => r.accessKeyId === slotKey())).toBe(true);
  });
});

describe("an SDK older than the oldest supported version (3.774.0)", () => {
  function tooOldClient() {
    const issued = aws.issueCredentials();
    const client = new tooOldS3.S3Client({ region: REGION, endpoint: aws.url, forcePathStyle: true, credentials: issued });
    return { client, issued };
  }
  const put = (client: tooOldS3.S3Client) => client.send(new tooOldS3.PutObjectCommand({ Bucket: "media", Key: "old.txt", Body: "x" }));

  test(`an S3 client is refused at attach time with a ConfigurationError naming ${OLDEST_SUPPORTED_SDK_VERSION}`, () => {
    const { client } = tooOldClient();
    let refusal: unknown;
    try {
      awsCredsPlugin(client.config, { slot });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ConfigurationError);
    expect((refusal as Error).message).toContain(`from ${OLDEST_SUPPORTED_SDK_VERSION} on`);
  });

  test("the control: with nothing attached, the same client is a real one and signs with its own credentials", async () => {
    const { client, issued } = tooOldClient();
    await put(client);
    expect(aws.records.requests).toEqual([expect.objectContaining({ service: "s3", accessKeyId: issued.accessKeyId, signatureValid: true, status: 200 })]);
  });

  test("why it is refused: pointing its config.credentials at the slot by hand changes nothing its signer uses", async () => {
    const { client, issued } = tooOldClient();
    client.config.credentials = slot.provider;
    await put(client);
    expect(aws.records.requests.map((r) => r.accessKeyId)).toEqual([issued.accessKeyId]);
    expect(issued.accessKeyId).not.toBe(slotKey());
  });
});
