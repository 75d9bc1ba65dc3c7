import type { ServiceName } from "./awsError.js";

/** One call to the emulator's STS. Times are on the emulator's clock (epoch ms). */
export interface StsCallRecord {
  readonly at: number;
  /** Milliseconds from arrival to the end of the response; `undefined` while hung. */
  durationMs: number | undefined;
  readonly action: string;
  /** `ok`, the AWS error code answered, `garbage`, or `hung` until released. */
  outcome: string;
  readonly roleArn?: string;
  readonly roleSessionName?: string;
  readonly durationSeconds?: number;
  /** The web identity token as received (emulator tokens are test data, not secrets). */
  readonly webIdentityToken?: string;
  /** The access key id issued by this call. */
  accessKeyId?: string;
  expiration?: number;
}

/** One call to the container credentials endpoint (EKS Pod Identity agent or ECS). Times are on the emulator's clock (epoch ms). */
export interface ContainerCallRecord {
  readonly at: number;
  /** Milliseconds from arrival to the end of the response; `undefined` while hung. */
  durationMs: number | undefined;
  readonly method: string;
  /** `/v1/credentials` (EKS Pod Identity) or `/v2/credentials/<id>` (ECS), as sent, without the query. */
  readonly path: string;
  /** The `Authorization` header as received (emulator tokens are test data, not secrets). */
  readonly authorization: string | undefined;
  /** `ok`, the error `Code` answered (`AccessDeniedException`, ...), `garbage`, or `hung` until released. */
  outcome: string;
  /** The access key id issued by this call. */
  accessKeyId?: string;
  /** The issued key's expiration (epoch ms), also when `noExpiration` left it out of the answer. */
  expiration?: number;
}

/** One request to a signed service (DynamoDB, S3, or a signed STS action). */
export interface ServiceRequestRecord {
  readonly at: number;
  durationMs: number;
  readonly service: ServiceName;
  readonly operation: string;
  readonly accessKeyId?: string;
  readonly signatureValid: boolean;
  readonly keyExpired: boolean;
  readonly presigned: boolean;
  readonly signingRegion?: string;
  /** Injected latency, in ms. */
  readonly latencyMs: number;
  status: number;
  /** The AWS error code answered, if any. */
  errorCode?: string;
}

/** Everything the emulator saw, for tests and benchmarks to query. */
export class EmulatorRecords {
  readonly stsCalls: StsCallRecord[] = [];
  readonly requests: ServiceRequestRecord[] = [];
  readonly containerCalls: ContainerCallRecord[] = [];

  /** STS calls that issued credentials (or were meant to): AssumeRoleWithWebIdentity and AssumeRole. */
  credentialCalls(): StsCallRecord[] {
    return this.stsCalls.filter((call) => call.action.startsWith("AssumeRole"));
  }

  clear(): void {
    this.stsCalls.length = 0;
    this.requests.length = 0;
    this.containerCalls.length = 0;
  }
}
