import { getSmithyContext } from "@smithy/core/client";
import type { HandlerExecutionContext } from "@smithy/types";

/**
 * How much of an access key id a sample carries: the type prefix and a few more characters.
 *
 * @example
 * ```ts
 * "ASIAXYZ1EXAMPLE00000".slice(0, ACCESS_KEY_ID_PREFIX_LENGTH); // "ASIAXYZ1"
 * ```
 */
export const ACCESS_KEY_ID_PREFIX_LENGTH = 8;

// Memoized so a sample costs no string allocation: a process has a few client classes and
// operations, and one access key id at a time (a rotation replaces the single entry).
const services = new Map<string, string>();
const operations = new Map<string, string>();
let lastKeyId = "";
let lastKeyIdPrefix = "";

function trimSuffix(cache: Map<string, string>, name: string, suffix: string): string {
  let trimmed = cache.get(name);
  if (trimmed === undefined) {
    trimmed = name.endsWith(suffix) && name.length > suffix.length ? name.slice(0, -suffix.length) : name;
    cache.set(name, trimmed);
  }
  return trimmed;
}

/**
 * The service, as `@opentelemetry/instrumentation-aws-sdk` names it in `rpc.service`: the client
 * class without `Client` ("DynamoDB", "S3", "STS").
 *
 * @example
 * ```ts
 * serviceOf({ clientName: "DynamoDBClient" } as HandlerExecutionContext); // "DynamoDB"
 * ```
 */
export function serviceOf(context: HandlerExecutionContext): string {
  return trimSuffix(services, typeof context.clientName === "string" ? context.clientName : "unknown", "Client");
}

/**
 * The operation: the Smithy operation name the SDK puts in its context, else the command
 * class without `Command` ("GetItem").
 *
 * @example
 * ```ts
 * operationOf({ commandName: "GetItemCommand" } as HandlerExecutionContext); // "GetItem"
 * ```
 */
export function operationOf(context: HandlerExecutionContext): string {
  const operation = getSmithyContext(context).operation;
  if (typeof operation === "string") return operation;
  return trimSuffix(operations, typeof context.commandName === "string" ? context.commandName : "unknown", "Command");
}

/**
 * The first {@link ACCESS_KEY_ID_PREFIX_LENGTH} characters of an access key id: enough to tell
 * keys apart in a trace, never the whole id.
 *
 * @example
 * ```ts
 * keyIdPrefix("ASIAXYZ1EXAMPLE00000"); // "ASIAXYZ1"
 * ```
 */
export function keyIdPrefix(accessKeyId: string): string {
  if (accessKeyId !== lastKeyId) {
    lastKeyId = accessKeyId;
    lastKeyIdPrefix = accessKeyId.slice(0, ACCESS_KEY_ID_PREFIX_LENGTH);
  }
  return lastKeyIdPrefix;
}
