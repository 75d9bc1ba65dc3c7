#!/usr/bin/env node
import { parseArgs } from "node:util";
import { CONTAINER_MODES, STS_MODES, type ContainerMode, type StsMode } from "./options.js";
import { startEmulator } from "./startEmulator.js";

const usage = `awscreds-emulator: a loopback STS + SigV4-verifying DynamoDB and S3 for credential tests

Options:
  --port N              TCP port on 127.0.0.1 (default: a free one)
  --region R            reject signatures scoped to other regions (default: accept any)
  --sts-mode M          ${STS_MODES.join(" | ")} (default: ok)
  --sts-latency MS      delay before STS answers credential calls (default: 0)
  --lifetime SECONDS    lifetime of issued credentials (STS without DurationSeconds, container endpoint) (default: 3600)
  --container-mode M    container credentials endpoint: ${CONTAINER_MODES.join(" | ")} (default: ok)
  --container-latency MS  delay before the container endpoint answers (default: 0)
  --container-token T   require this Authorization header at the container endpoint (default: any)
  --static-key ID:SECRET  accept a static key (repeatable)
  --table NAME          create a DynamoDB table keyed by "pk" (repeatable)
  --bucket NAME         create an S3 bucket (repeatable)
  --for SECONDS         stop by itself after this long (default: run until Ctrl-C)`;

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    region: { type: "string" },
    "sts-mode": { type: "string" },
    "sts-latency": { type: "string" },
    lifetime: { type: "string" },
    "container-mode": { type: "string" },
    "container-latency": { type: "string" },
    "container-token": { type: "string" },
    "static-key": { type: "string", multiple: true },
    table: { type: "string", multiple: true },
    bucket: { type: "string", multiple: true },
    for: { type: "string" },
    help: { type: "boolean" },
  },
});

if (values.help) {
  console.log(usage);
  process.exit(0);
}

const aws = await startEmulator({
  port: values.port ? Number(values.port) : 0,
  region: values.region,
  keepProcessAlive: true,
  staticKeys: (values["static-key"] ?? []).map((pair) => {
    const [accessKeyId = "", secretAccessKey = ""] = pair.split(":");
    return { accessKeyId, secretAccessKey };
  }),
  sts: {
    mode: (values["sts-mode"] ?? "ok") as StsMode,
    latencyMs: Number(values["sts-latency"] ?? 0),
    credentialLifetimeSeconds: Number(values.lifetime ?? 3600),
  },
  container: {
    mode: (values["container-mode"] ?? "ok") as ContainerMode,
    latencyMs: Number(values["container-latency"] ?? 0),
    credentialLifetimeSeconds: Number(values.lifetime ?? 3600),
    expectedAuthorizationToken: values["container-token"],
  },
  dynamodb: { tables: (values.table ?? []).map((name) => ({ name })) },
  s3: { buckets: values.bucket ?? [] },
});

console.log(`emulator listening on ${aws.url}
Point your service at it:
  export AWS_ENDPOINT_URL=${aws.url}        # every service (S3 clients also need forcePathStyle)
  export AWS_ENDPOINT_URL_STS=${aws.url}    # only the web identity STS call
  export AWS_CONTAINER_CREDENTIALS_FULL_URI=${aws.url}/v1/credentials   # EKS Pod Identity (or /v2/credentials/<id>, ECS)
Control it: POST ${aws.url}/__emulator/configure  {"sts":{"mode":"throttle"}}
Records:    GET  ${aws.url}/__emulator/records`);

const stop = () => void aws.close().then(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
if (values.for) setTimeout(stop, Number(values.for) * 1000).unref();
