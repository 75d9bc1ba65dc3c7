/**
 * The environment every benchmark child starts from: just enough to run node, and nothing that
 * lets the SDK reach this machine's ~/.aws files or EC2 instance metadata (169.254.169.254), so
 * a child only ever talks to the emulator, or to nobody.
 */
export function isolatedEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: home,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: "/nonexistent/awscreds-bench/config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/awscreds-bench/credentials",
    // The SDK warns once per process about Node 20 on stderr; the bench runs on Node 20 on purpose.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}
