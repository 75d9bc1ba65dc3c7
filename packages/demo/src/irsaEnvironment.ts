import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The role every stock set-up that reads the environment assumes (the SDK default chain). */
export const ENVIRONMENT_ROLE_ARN = "arn:aws:iam::123456789012:role/demo-default-chain";

/**
 * Makes this process look like a pod on EKS with IRSA, pointed at the emulator: a projected
 * token file, `AWS_ROLE_ARN`, `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ENDPOINT_URL_STS`. It also
 * hides this machine's own AWS set-up (profiles, instance metadata) so nothing leaves loopback.
 * Returns a function that removes the token file.
 */
export function becomeIrsaPod(emulatorUrl: string, region: string): { tokenFile: string; remove(): void } {
  const directory = mkdtempSync(join(tmpdir(), "awscreds-demo-"));
  const tokenFile = join(directory, "token");
  writeFileSync(tokenFile, "demo-projected-service-account-token");
  Object.assign(process.env, {
    AWS_REGION: region,
    AWS_ROLE_ARN: ENVIRONMENT_ROLE_ARN,
    AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
    AWS_ENDPOINT_URL_STS: emulatorUrl,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: join(directory, "no-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(directory, "no-credentials"),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  });
  for (const name of ["AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]) {
    delete process.env[name];
  }
  return { tokenFile, remove: () => rmSync(directory, { recursive: true, force: true }) };
}
