import { SMITHY_CONTEXT_KEY, type AbsoluteLocation, type InitializeHandlerOptions, type InitializeMiddleware } from "@smithy/types";
import type { CredentialSlot } from "../slot/index.js";

/** First in the stack: before the serialize step, where the SDK awaits `config.credentials`. */
export const coldStartMiddlewareOptions: InitializeHandlerOptions & AbsoluteLocation = {
  name: "awsCredsColdStartMiddleware",
  step: "initialize",
  priority: "high",
  tags: ["AWSCREDS"],
  override: true,
};

/**
 * Makes a call's `abortSignal` end its wait for credentials. The SDK resolves identity through
 * `config.credentials` without passing the signal, so a call made while the slot has nothing
 * usable (cold start, or expired with the source down) would wait the slot's whole `readTimeout`
 * even after its caller aborted. Here the call waits on the slot itself, with its signal; the
 * SDK's own read that follows then finds the credentials at once. Without a signal, or with
 * usable credentials, this does nothing.
 *
 * @internal
 */
export function coldStartMiddleware<Input extends object, Output extends object>(slot: () => CredentialSlot): InitializeMiddleware<Input, Output> {
  return (next, context) => {
    // The SDK puts the call's signal in its context before it builds the handlers: a call without
    // one (nearly all) gets the next handler itself, so this adds no call, closure or promise to it.
    const signal = (context[SMITHY_CONTEXT_KEY] as { abortSignal?: AbortSignal } | undefined)?.abortSignal;
    if (signal === undefined) return next;
    return (args) => waitForCredentials(slot, signal).then(() => next(args));
  };
}

async function waitForCredentials(slot: () => CredentialSlot, signal: AbortSignal): Promise<void> {
  const current = slot();
  if (current.current() === undefined) await current.get({ signal });
}
