// The CommonJS build's loadOpenTelemetryApi (tshy uses this file in place of
// loadOpenTelemetryApi.ts there): a plain require, which bundlers see and bundle. Type-checked
// by that build (the root typecheck reads only .ts files).
import type * as OpenTelemetryApi from "@opentelemetry/api";

export function loadOpenTelemetryApi(): typeof OpenTelemetryApi {
  return require("@opentelemetry/api") as typeof OpenTelemetryApi;
}
