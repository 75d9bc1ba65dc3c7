// The published packages as a user gets them: `npm pack` (which builds through `prepack`), the
// ecosystem's checks on each tarball, then fresh projects that install the tarballs and run
// the README quick start as ESM, CommonJS, TypeScript (node16 both ways, bundler) and an
// esbuild bundle, against the emulator.
import { startEmulator, type Emulator } from "@awscreds/emulator";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ConsumerProject, installedBytes } from "./helpers/consumerProject.js";
import { type PackedPackage, packWorkspaces, PUBLIC_PACKAGES, REPO_ROOT } from "./helpers/packWorkspaces.js";
import { asCommonJs, asLambdaHandler, readmeQuickStart } from "./helpers/readmeQuickStart.js";

const PACK_TIMEOUT = 300_000;
const INSTALL_TIMEOUT = 300_000;
const scratch = mkdtempSync(join(tmpdir(), "awscreds-packed-"));
let packed: PackedPackage[] = [];
const unpackedDir = (pkg: PackedPackage) => join(scratch, "unpacked", pkg.folder, "package");

beforeAll(() => {
  packed = packWorkspaces(scratch);
  for (const pkg of packed) {
    mkdirSync(dirname(unpackedDir(pkg)), { recursive: true });
    execFileSync("tar", ["xzf", pkg.tarball, "-C", dirname(unpackedDir(pkg))]);
  }
}, PACK_TIMEOUT);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const byFolder = (folder: string): PackedPackage => {
  const pkg = packed.find((p) => p.folder === folder);
  if (pkg === undefined) throw new Error(`packages/${folder} was not packed`);
  return pkg;
};

/** The version of `name` installed under `root` (by default, what this repository's lockfile installed, so a consumer install is served from npm's cache). */
const installedVersion = (name: string, root = REPO_ROOT): string => (JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;

/** The environment EKS gives an IRSA pod, pointed at the emulator, with nothing read from this machine. */
const irsaPodEnv = (tokenFile: string, endpoint: string): Record<string, string> => ({
  AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/orders-service",
  AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
  AWS_REGION: "eu-west-1",
  AWS_ENDPOINT_URL: endpoint,
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_CONFIG_FILE: "/nonexistent/awscreds-consumer/config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/awscreds-consumer/credentials",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
});

describe.each(PUBLIC_PACKAGES)("the %s tarball", (folder) => {
  test("holds README, LICENSE, ESM, CommonJS, types for both and the sources its maps point at", () => {
    const { files } = byFolder(folder);
    for (const file of ["README.md", "LICENSE", "package.json", "src/index.ts", "dist/esm/index.js", "dist/esm/index.d.ts", "dist/commonjs/index.js", "dist/commonjs/index.d.ts", "dist/commonjs/package.json"]) {
      expect(files, file).toContain(file);
    }
    const root = unpackedDir(byFolder(folder));
    const unresolved = files
      .filter((file) => file.endsWith(".js.map") || file.endsWith(".d.ts.map"))
      .flatMap((map) => (JSON.parse(readFileSync(join(root, map), "utf8")) as { sources: string[] }).sources.map((source) => relative(root, join(root, dirname(map), source))))
      .filter((source) => !files.includes(source));
    expect(unresolved, "source-map sources missing from the tarball").toEqual([]);
    expect(readFileSync(join(root, "LICENSE"), "utf8")).toBe(readFileSync(join(REPO_ROOT, "LICENSE"), "utf8"));
  });

  test("declares where it lives, has no side effects, and every bin it names is shipped and ESM", () => {
    const { files } = byFolder(folder);
    const manifest = JSON.parse(readFileSync(join(unpackedDir(byFolder(folder)), "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest).toMatchObject({ repository: { type: "git", directory: `packages/${folder}` }, bugs: { url: expect.stringMatching(/^https:/) }, homepage: expect.stringMatching(/^https:/), sideEffects: false, license: "MIT" });
    for (const bin of Object.values((manifest.bin ?? {}) as Record<string, string>)) {
      expect(files).toContain(bin.replace(/^\.\//, ""));
      expect(readFileSync(join(unpackedDir(byFolder(folder)), bin), "utf8").startsWith("#!/usr/bin/env node")).toBe(true);
    }
  });

  test("npm publish --dry-run takes the tarball as a public package", () => {
    const pkg = byFolder(folder);
    const output = execFileSync("npm", ["publish", "--dry-run", "--json", pkg.tarball], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const published = JSON.parse(output.slice(output.indexOf("{"))) as Record<string, { name: string; version: string }>;
    expect(published[pkg.name]).toMatchObject({ name: pkg.name, version: pkg.version });
  });

  test("publint --strict finds nothing", async () => {
    const pkg = byFolder(folder);
    const tarball = readFileSync(pkg.tarball);
    const { messages, pkg: manifest } = await publint({ pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) }, level: "suggestion", strict: true });
    expect(messages.map((message) => `${message.type}: ${formatMessage(message, manifest) ?? message.code}`)).toEqual([]);
  });

  test("@arethetypeswrong/cli finds no problem under any resolution (node10, node16 from CJS and ESM, bundler)", () => {
    const pkg = byFolder(folder);
    let report: string;
    try {
      report = execFileSync(process.execPath, [join(REPO_ROOT, "node_modules/@arethetypeswrong/cli/dist/index.js"), pkg.tarball, "--format", "json"], { encoding: "utf8" });
    } catch (error) {
      report = (error as { stdout?: string }).stdout ?? String(error);
    }
    const { analysis } = JSON.parse(report) as { analysis: { problems: Array<{ kind: string; entrypoint?: string; resolutionKind?: string }> } };
    expect(analysis.problems.map((p) => `${p.kind} ${p.entrypoint ?? ""} ${p.resolutionKind ?? ""}`)).toEqual([]);
  });
});

describe("a fresh project with the SDK, the tarballs installed", () => {
  const project = new ConsumerProject("consumer");
  const sdkOnlyBytes = { before: 0, after: 0 };
  let aws: Emulator;
  let env: Record<string, string>;

  beforeAll(async () => {
    await project.install([`@aws-sdk/client-dynamodb@${installedVersion("@aws-sdk/client-dynamodb")}`, `@types/node@${installedVersion("@types/node")}`]);
    sdkOnlyBytes.before = installedBytes(join(project.dir, "node_modules"));
    await project.install(packed.filter((p) => p.folder !== "emulator").map((p) => p.tarball));
    sdkOnlyBytes.after = installedBytes(join(project.dir, "node_modules"));
    // The optional peer and the emulator, after the size was taken: not what the core adds.
    await project.install([byFolder("emulator").tarball, `@opentelemetry/api@${installedVersion("@opentelemetry/api")}`]);
    process.stdout.write(`[install size] a fresh app with @aws-sdk/client-dynamodb: ${sdkOnlyBytes.before} bytes; + @awscreds/core and @awscreds/sign-trace: ${sdkOnlyBytes.after} bytes (+${sdkOnlyBytes.after - sdkOnlyBytes.before})\n`);
  }, INSTALL_TIMEOUT);

  beforeAll(async () => {
    aws = await startEmulator({ dynamodb: { tables: [{ name: "orders" }] } });
    const tokenFile = project.write("irsa/token", "consumer-token");
    env = irsaPodEnv(tokenFile, aws.url);
  });

  afterAll(async () => {
    await aws?.close();
    project.remove();
  }, 60_000);

  const tsc = (config: object, name: string) => {
    project.write(`${name}/tsconfig.json`, JSON.stringify(config, null, 2));
    return project.exec(process.execPath, [join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", `${name}/tsconfig.json`]);
  };
  const strictTs = { strict: true, target: "ES2022", types: ["node"], skipLibCheck: false, outDir: "out" };

  /** The README quick start printed `[ 'orders' ]`, from one ListTables signed with the key STS issued. */
  const expectQuickStartRan = (stdout: string, before: number) => {
    expect(stdout).toContain("orders");
    const requests = aws.records.requests.slice(before);
    expect(requests).toMatchObject([{ operation: "ListTables", signatureValid: true }]);
    const issued = aws.records.stsCalls.map((call) => call.accessKeyId);
    expect(issued).toContain(requests[0]?.accessKeyId);
  };

  test("ESM: the README quick start, verbatim, in a .mjs file", async () => {
    const before = aws.records.requests.length;
    const { stdout } = await project.node(project.write("esm/quickStart.mjs", readmeQuickStart()), env);
    expectQuickStartRan(stdout, before);
  });

  test("CommonJS: the same code with require(), in a .cjs file", async () => {
    const before = aws.records.requests.length;
    const { stdout } = await project.node(project.write("cjs/quickStart.cjs", asCommonJs(readmeQuickStart())), env);
    expectQuickStartRan(stdout, before);
  });

  test("TypeScript, module node16, ESM (.mts): type-checks against the shipped types and runs", async () => {
    project.write("node16-esm/quickStart.mts", readmeQuickStart());
    await tsc({ compilerOptions: { ...strictTs, module: "node16", moduleResolution: "node16", outDir: "out" }, include: ["*.mts"] }, "node16-esm");
    const before = aws.records.requests.length;
    const { stdout } = await project.node("node16-esm/out/quickStart.mjs", env);
    expectQuickStartRan(stdout, before);
  }, 120_000);

  test("TypeScript, module node16, CommonJS (.cts): import compiles to require (no TS1479) and runs", async () => {
    project.write("node16-cjs/quickStart.cts", asCommonJs(readmeQuickStart(), { keepImports: true }));
    await tsc({ compilerOptions: { ...strictTs, module: "node16", moduleResolution: "node16" }, include: ["*.cts"] }, "node16-cjs");
    const before = aws.records.requests.length;
    const { stdout } = await project.node("node16-cjs/out/quickStart.cjs", env);
    expectQuickStartRan(stdout, before);
  }, 120_000);

  /** The quick start with sign-trace's OpenTelemetry sink on the same client. */
  const withOpenTelemetryTrace = (code: string) => {
    const pluginLine = "dynamodb.middlewareStack.use(awsCredsPlugin(dynamodb.config));";
    expect(code).toContain(pluginLine);
    return `import { signTrace } from "@awscreds/sign-trace";\n${code.replace(pluginLine, `${pluginLine}\ndynamodb.middlewareStack.use(signTrace({ openTelemetry: true }));`)}`;
  };

  test("TypeScript, moduleResolution bundler: the quick start with signTrace({ openTelemetry: true }) type-checks", async () => {
    project.write("bundler/main.ts", withOpenTelemetryTrace(readmeQuickStart()));
    await tsc({ compilerOptions: { ...strictTs, module: "esnext", moduleResolution: "bundler", noEmit: true }, include: ["*.ts"] }, "bundler");
  }, 120_000);

  // What AWS's own guidance adds to an ESM bundle: the SDK's CommonJS parts require Node's
  // built-ins, which an ESM bundle can only do through a require made here.
  const ESM_REQUIRE_BANNER = 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);';

  test.each(["cjs", "esm"] as const)(
    "esbuild bundle for Node (format %s) of a Lambda handler with signTrace({ openTelemetry: true }) runs where no node_modules exist",
    async (format) => {
      const entry = project.write(`bundle-${format}/handler.ts`, asLambdaHandler(withOpenTelemetryTrace(readmeQuickStart())));
      const { build } = await import("esbuild");
      const lambdaDir = mkdtempSync(join(tmpdir(), "awscreds-lambda-"));
      const out = join(lambdaDir, format === "esm" ? "index.mjs" : "index.js");
      try {
        const result = await build({
          entryPoints: [entry],
          bundle: true,
          platform: "node",
          target: "node20",
          format,
          outfile: out,
          metafile: true,
          logLevel: "silent",
          absWorkingDir: project.dir,
          ...(format === "esm" && { banner: { js: ESM_REQUIRE_BANNER } }),
        });
        expect(Object.keys(result.metafile.inputs).some((input) => input.includes("node_modules/@opentelemetry/api/")), "@opentelemetry/api was bundled").toBe(true);
        expect(existsSync(join(lambdaDir, "node_modules"))).toBe(false);
        // The Lambda runtime's part: load the module, call its handler.
        const invoke = join(lambdaDir, "invoke.mjs");
        writeFileSync(invoke, `const { handler } = await import(${JSON.stringify(`./${format === "esm" ? "index.mjs" : "index.js"}`)});\nawait handler();\n`);
        const before = aws.records.requests.length;
        const { stdout } = await project.exec(process.execPath, [invoke], env, 60_000, lambdaDir);
        expectQuickStartRan(stdout, before);
      } finally {
        rmSync(lambdaDir, { recursive: true, force: true });
      }
    },
    120_000,
  );

  test("ESM and CommonJS copies loaded in one process share one default slot", async () => {
    const check = project.write(
      "dual/check.mjs",
      [
        'import { createRequire } from "node:module";',
        'import * as esm from "@awscreds/core";',
        'const cjs = createRequire(import.meta.url)("@awscreds/core");',
        "console.log(JSON.stringify({ twoCopies: esm.defaultSlot !== cjs.defaultSlot, oneSlot: esm.defaultSlot() === cjs.defaultSlot() }));",
        "await esm.closeDefaultSlot();",
      ].join("\n"),
    );
    const { stdout } = await project.node(check, env);
    expect(JSON.parse(stdout)).toEqual({ twoCopies: true, oneSlot: true });
  });

  test.each([
    ["esm", "emulator/start.mjs", 'import { startEmulator } from "@awscreds/emulator";'],
    ["cjs", "emulator/start.cjs", 'const { startEmulator } = require("@awscreds/emulator");'],
  ])("the emulator tarball starts and stops from %s", async (_, file, load) => {
    const code = `${load}\n(async () => {\n  const aws = await startEmulator({});\n  console.log(aws.url);\n  await aws.close();\n})();\n`;
    const { stdout } = await project.node(project.write(file, code));
    expect(stdout.trim()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test("npx awscreds-emulator --help and npx awscreds doctor --help work from the installed bins", async () => {
    const emulator = await project.exec("npx", ["--no-install", "awscreds-emulator", "--help"]);
    expect(emulator.stdout).toMatch(/usage: awscreds-emulator/);
    const doctor = await project.exec("npx", ["--no-install", "awscreds", "--help"]);
    expect(doctor.stdout + doctor.stderr).toMatch(/doctor/);
  }, 60_000);
});

describe("a project locked to the oldest versions every range allows", () => {
  const project = new ConsumerProject("floors");
  let aws: Emulator;

  /** Each runtime dependency of @awscreds/core and @awscreds/sign-trace at the lowest version its range admits. */
  const floors = (): string[] => {
    const ranges = new Map<string, string>();
    for (const folder of ["core", "sign-trace"]) {
      const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "packages", folder, "package.json"), "utf8")) as { dependencies: Record<string, string> };
      for (const [name, range] of Object.entries(manifest.dependencies)) {
        const floor = /^\^(\d+\.\d+\.\d+)$/.exec(range)?.[1];
        if (floor === undefined) throw new Error(`${folder}: ${name}@${range} is not a caret range; say what its floor is`);
        const seen = ranges.get(name);
        if (seen !== undefined && seen !== floor) throw new Error(`${name}: core and sign-trace ask for different floors (${seen}, ${floor})`);
        ranges.set(name, floor);
      }
    }
    return [...ranges].map(([name, floor]) => `${name}@${floor}`);
  };

  beforeAll(async () => {
    // The oldest SDK the plugin supports (OLDEST_SUPPORTED_SDK_VERSION), and our dependencies at
    // their floors; the tarballs then install against them, as in an app locked long ago.
    await project.install(["@aws-sdk/client-dynamodb@3.775.0", ...floors()]);
    await project.install(["--prefer-dedupe", ...packed.filter((p) => p.folder !== "emulator").map((p) => p.tarball)]);
    aws = await startEmulator({ dynamodb: { tables: [{ name: "orders" }] } });
  }, INSTALL_TIMEOUT);

  afterAll(async () => {
    await aws?.close();
    project.remove();
  }, 60_000);

  test("the README quick start runs, signed from the slot, with every dependency at its floor", async () => {
    for (const spec of floors()) {
      const at = spec.lastIndexOf("@");
      expect(installedVersion(spec.slice(0, at), project.dir), spec).toBe(spec.slice(at + 1));
    }
    const tokenFile = project.write("irsa/token", "floors-token");
    const { stdout } = await project.node(project.write("quickStart.mjs", readmeQuickStart()), irsaPodEnv(tokenFile, aws.url));
    expect(stdout).toContain("orders");
    expect(aws.records.requests).toMatchObject([{ operation: "ListTables", signatureValid: true, accessKeyId: aws.records.stsCalls[0]?.accessKeyId }]);
  });
});
