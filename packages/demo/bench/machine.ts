import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, totalmem } from "node:os";

/** What the figures were measured on: they mean little without it. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
  /** Versions of the SDK packages on the request path, as installed. */
  readonly packages: Readonly<Record<string, string>>;
}

const SDK_PACKAGES = ["@aws-sdk/client-dynamodb", "@aws-sdk/client-s3", "@aws-sdk/core", "@smithy/core", "@smithy/signature-v4", "@aws-sdk/credential-provider-web-identity"];

export function describeMachine(): Machine {
  const require = createRequire(import.meta.url);
  const packages: Record<string, string> = {};
  for (const name of SDK_PACKAGES) {
    try {
      const manifest = require.resolve(`${name}/package.json`);
      packages[name] = (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
    } catch {
      packages[name] = "not installed";
    }
  }
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    packages,
  };
}
