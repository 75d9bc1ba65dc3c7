// A namespace import: a bundle's banner often declares its own `createRequire` (AWS's advice
// for ESM Lambda bundles), and a bundled `import { createRequire }` would collide with it.
import * as nodeModule from "node:module";
// Types only: erased at build time.
import type * as OpenTelemetryApi from "@opentelemetry/api";

// Defined where this file runs bundled (esbuild, webpack and Rollup's CommonJS plugin give
// bundled code a `require`), undefined in Node's own ESM loader.
declare const require: NodeJS.Require | undefined;

/**
 * Loads the optional peer `@opentelemetry/api`, synchronously, in the ESM build. A bundler sees
 * the literal `require("@opentelemetry/api")` below and bundles the package (an unresolvable
 * one inside `try` stays a runtime lookup); Node's ESM loader has no `require`, so there it is
 * resolved from this file's URL. The CommonJS build uses loadOpenTelemetryApi-cjs.cts instead.
 */
export function loadOpenTelemetryApi(): typeof OpenTelemetryApi {
  try {
    if (typeof require === "function") return require("@opentelemetry/api") as typeof OpenTelemetryApi;
  } catch {
    // A bundle built without the package: fall through to resolving it next to this file.
  }
  // The CommonJS build compiles this file too (then ships the -cjs.cts one), and there
  // import.meta is an error; ts-ignore, as ts-expect-error would fail the ESM build.
  // eslint-disable-next-line @typescript-eslint/ban-ts-comment
  // @ts-ignore TS1470
  return nodeModule.createRequire(import.meta.url)("@opentelemetry/api") as typeof OpenTelemetryApi;
}
