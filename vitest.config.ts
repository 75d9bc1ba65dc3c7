import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import type { Reporter, TestModule } from "vitest/node";

/** Ends the run with a plain `N passed, N failed, N skipped` line that any CI can read. */
const countsLine: Reporter = {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed" || state === "failed") counts[state]++;
        else counts.skipped++;
      }
    }
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  },
};

const source = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// One config runs every package's tests; workspace packages resolve to their sources,
// so tests never depend on a prior build.
export default defineConfig({
  resolve: {
    alias: {
      "@awscreds/emulator": source("emulator"),
      "@awscreds/core": source("core"),
      "@awscreds/sign-trace": source("sign-trace"),
    },
  },
  test: {
    include: ["packages/*/test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Tests bind loopback ports and use fake timers; isolation per file keeps them apart.
    pool: "forks",
    reporters: ["default", countsLine],
    // The SDK warns once per process that it will soon need Node 22; we test on Node 20 on purpose.
    // And tests never reach EC2 instance metadata (a link-local address) nor this machine's ~/.aws
    // files: a test that wants a profile writes its own files and points these variables at them.
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: "/nonexistent/awscreds-tests/config",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/awscreds-tests/credentials",
    },
  },
});
