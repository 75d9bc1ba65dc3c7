// What a doc snippet marked `fragment` may use without declaring it. A fragment shows the lines
// that matter and leaves out imports and set-up a reader already has; it is compiled, and run
// when marked `run`, with every name below that it does not declare itself (docsSnippets.test.ts).
// Snippets not marked `fragment` are compiled as complete modules, with none of this.
//
// Values here exist at run time. `declare`d names are placeholders for compiling only: a
// fragment that uses one cannot be marked `run`.
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import type { CredentialSlot } from "@awscreds/core";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export { DynamoDBClient, GetItemCommand, ListTablesCommand } from "@aws-sdk/client-dynamodb";
export { S3Client } from "@aws-sdk/client-s3";
export { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
export { fromHttp } from "@aws-sdk/credential-provider-http";
export { fromTokenFile } from "@aws-sdk/credential-provider-web-identity";
export { fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
export {
  awsCredsPlugin,
  closeDefaultSlot,
  createCredentialSlot,
  CredentialsUnavailableError,
  defaultSlot,
  fromContainer,
  fromEnvironmentKeys,
  fromProvider,
  fromSdkChain,
  fromWebIdentity,
} from "@awscreds/core";
export type { CredentialSlot, CredentialSource } from "@awscreds/core";
export { startEmulator } from "@awscreds/emulator";
export { SAMPLE_CHANNEL, signTrace } from "@awscreds/sign-trace";
export type { SignTraceSample, SignTraceSnapshot } from "@awscreds/sign-trace";
export type { AwsCredentialIdentity } from "@smithy/types";
export type { DoctorReport } from "../../src/doctor/doctorReport.js";
export { readFileSync, writeFileSync } from "node:fs";
export { expect, vi } from "vitest";

/** A test in a snippet (`test("…", async () => …)`): queued here, run by the harness in its own test. */
export const pendingTests: Array<{ readonly name: string; readonly fn: () => unknown }> = [];
export function test(name: string, fn: () => unknown): void {
  pendingTests.push({ name, fn });
}

// Fixtures: what a page's worked example names, with values that work against the emulator.
export const region = "eu-west-1";
export const roleArn = "arn:aws:iam::123456789012:role/orders-service";
const directory = mkdtempSync(join(tmpdir(), "awscreds-docs-"));
export const webIdentityTokenFile = join(directory, "web-identity-token");
writeFileSync(webIdentityTokenFile, "projected-service-account-token");
/** A file for a container authorization token; the snippet writes it. */
export const tokenFile = join(directory, "pod-identity-token");

// Placeholders, for compiling only.
export declare const slot: CredentialSlot;
export declare const metrics: { count(name: string, tags?: Record<string, string>): void };
export declare const client: DynamoDBClient;
export declare const dynamodb: DynamoDBClient;
export declare const s3: S3Client;
export declare const readClient: DynamoDBClient;
export declare const writeClient: DynamoDBClient;
export declare const READER_ROLE: string;
export declare const WRITER_ROLE: string;
export declare const ORDERS_ROLE: string;
export declare const CROSS_ACCOUNT_ROLE: string;
