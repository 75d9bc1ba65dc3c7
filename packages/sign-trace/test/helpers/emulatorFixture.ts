import { fromTokenFile } from "@aws-sdk/credential-provider-web-identity";
import { createCredentialSlot, fromWebIdentity, type CredentialSlot } from "@awscreds/core";
import { startEmulator, type Emulator, type EmulatorOptions } from "@awscreds/emulator";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROLE_ARN = "arn:aws:iam::123456789012:role/orders-service";
export const REGION = "eu-west-1";
export const WEB_IDENTITY_TOKEN = "sign-trace-web-identity-token";

/** An emulator, a projected token file, and the two ways a client gets web identity credentials. */
export interface Fixture {
  readonly aws: Emulator;
  readonly tokenFile: string;
  /** The SDK's own provider, as a stock client uses it (the SDK wraps it in its 5-minute memoizer). */
  stockCredentials(): AwsCredentialIdentityProvider;
  /** A ready `@awscreds/core` slot on the same STS; closed by `close()`. */
  slot(): Promise<CredentialSlot>;
  close(): Promise<void>;
}

export async function startFixture(options: EmulatorOptions = {}): Promise<Fixture> {
  const aws = await startEmulator({ dynamodb: { tables: [{ name: "orders" }] }, s3: { buckets: ["media"] }, ...options });
  const tokenFile = join(mkdtempSync(join(tmpdir(), "sign-trace-")), "token");
  writeFileSync(tokenFile, WEB_IDENTITY_TOKEN);
  const slots: CredentialSlot[] = [];
  return {
    aws,
    tokenFile,
    stockCredentials: () => fromTokenFile({ roleArn: ROLE_ARN, webIdentityTokenFile: tokenFile, clientConfig: { endpoint: aws.url, region: REGION } }),
    async slot() {
      const slot = createCredentialSlot({ source: fromWebIdentity({ roleArn: ROLE_ARN, webIdentityTokenFile: tokenFile, region: REGION, endpoint: aws.url }) });
      slots.push(slot);
      await slot.ready();
      return slot;
    },
    async close() {
      await Promise.all(slots.map((slot) => slot.close()));
      await aws.close();
    },
  };
}
