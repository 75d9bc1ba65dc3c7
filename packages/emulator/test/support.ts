import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, FinalizeHandler, FinalizeHandlerArguments, Pluggable } from "@smithy/types";
import type { Emulator } from "@awscreds/emulator";

export const STATIC_KEY = { accessKeyId: "AKIDEMULATORSTATIC1", secretAccessKey: "emulator/static/secret/key/0123456789abcdef" };
export const ROLE_ARN = "arn:aws:iam::123456789012:role/app-role";
export const REGION = "eu-west-1";

type ClientOptions = { credentials?: AwsCredentialIdentity; maxAttempts?: number; region?: string };

export function dynamo(aws: Emulator, options: ClientOptions = {}): DynamoDBClient {
  return new DynamoDBClient({ endpoint: aws.url, region: options.region ?? REGION, credentials: options.credentials ?? STATIC_KEY, maxAttempts: options.maxAttempts });
}

export function s3(aws: Emulator, options: ClientOptions = {}): S3Client {
  return new S3Client({ endpoint: aws.url, region: options.region ?? REGION, forcePathStyle: true, credentials: options.credentials ?? STATIC_KEY, maxAttempts: options.maxAttempts });
}

export function sts(aws: Emulator, options: ClientOptions = {}): STSClient {
  return new STSClient({ endpoint: aws.url, region: options.region ?? REGION, credentials: options.credentials ?? STATIC_KEY, maxAttempts: options.maxAttempts });
}

/** A plugin that rewrites the signed request after the SDK's signer ran: the wire sees the change. */
export function tamperAfterSigning<Input extends object, Output extends object>(
  tamper: (request: { headers: Record<string, string>; body?: unknown }) => void,
): Pluggable<Input, Output> {
  return {
    applyToStack(stack) {
      stack.addRelativeTo(
        (next: FinalizeHandler<Input, Output>) => async (args: FinalizeHandlerArguments<Input>) => {
          tamper(args.request as { headers: Record<string, string>; body?: unknown });
          return next(args);
        },
        { relation: "after", toMiddleware: "httpSigningMiddleware", name: "tamperAfterSigning" },
      );
    },
  };
}

/** Changes one hex digit of the signature in an Authorization header. */
export function flipSignatureByte(headers: Record<string, string>): void {
  const authorization = headers["authorization"] ?? "";
  const at = authorization.indexOf("Signature=") + "Signature=".length;
  const digit = authorization[at] === "0" ? "1" : "0";
  headers["authorization"] = authorization.slice(0, at) + digit + authorization.slice(at + 1);
}
