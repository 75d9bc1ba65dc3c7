import { httpAuthSchemeEndpointRuleSetMiddlewareOptions, httpSigningMiddlewareOptions } from "@smithy/core";
import { getSmithyContext } from "@smithy/core/client";
import { endpointMiddlewareOptions } from "@smithy/core/endpoints";
import { HttpRequest } from "@smithy/core/protocols";
import type { FinalizeHandlerArguments, FinalizeHandlerOutput, FinalizeRequestMiddleware, HandlerExecutionContext, RelativeMiddlewareOptions, SelectedHttpAuthScheme, SerializeMiddleware } from "@smithy/types";
import { SIGN_TRACE_TAG } from "./names.js";
import { operationOf, serviceOf } from "./sampleLabels.js";
import { AttemptSample } from "./signTraceSample.js";

/**
 * Receives each finished attempt, with the SDK context of its call (for its `metricsRecorder`).
 *
 * @example
 * ```ts
 * const handle: SampleHandler = (sample) => summary.record(sample);
 * ```
 */
export type SampleHandler = (sample: AttemptSample, context: HandlerExecutionContext) => void;

// The context is the SDK's per-call object: the one place the serialize-step marks and the
// per-attempt finalize-step marks can meet without another allocation.
const SAMPLE = Symbol("@awscreds/sign-trace.sample");
type TracedContext = HandlerExecutionContext & { [SAMPLE]?: AttemptSample };

// The SDK's option constants type `name` as optional, but always set it.
const relative = (name: string, relation: "before" | "after", anchor: { name?: string }): RelativeMiddlewareOptions => ({
  name,
  relation,
  toMiddleware: anchor.name as string,
  tags: [SIGN_TRACE_TAG],
  // Using the plugin twice on one client replaces the first one instead of throwing.
  override: true,
});

/**
 * Where the four timing middlewares go, anchored by the SDK's own names. The identity ones are
 * relative to middlewares added per command, so they resolve at `send` time and do not show in
 * `client.middlewareStack.identify()`.
 *
 * @example
 * ```ts
 * stack.addRelativeTo(signEndMiddleware(), signTraceMiddlewareOptions.signEnd);
 * ```
 */
export const signTraceMiddlewareOptions = {
  identityStart: relative("signTraceIdentityStartMiddleware", "before", httpAuthSchemeEndpointRuleSetMiddlewareOptions),
  identityEnd: relative("signTraceIdentityEndMiddleware", "after", endpointMiddlewareOptions),
  signStart: relative("signTraceSignStartMiddleware", "before", httpSigningMiddlewareOptions),
  signEnd: relative("signTraceSignEndMiddleware", "after", httpSigningMiddlewareOptions),
} as const;

/**
 * Marks the start of the call's identity resolution and opens the sample of attempt 1.
 *
 * @example
 * ```ts
 * stack.addRelativeTo(identityStartMiddleware(), signTraceMiddlewareOptions.identityStart);
 * ```
 */
export function identityStartMiddleware<Input extends object, Output extends object>(): SerializeMiddleware<Input, Output> {
  return (next, context: TracedContext) => (args) => {
    const sample = new AttemptSample(serviceOf(context), operationOf(context), 1);
    sample.identityStarted(performance.now());
    context[SAMPLE] = sample;
    return next(args);
  };
}

/**
 * Marks the end of identity (and endpoint) resolution, just before serialization.
 *
 * @example
 * ```ts
 * stack.addRelativeTo(identityEndMiddleware(), signTraceMiddlewareOptions.identityEnd);
 * ```
 */
export function identityEndMiddleware<Input extends object, Output extends object>(): SerializeMiddleware<Input, Output> {
  return (next, context: TracedContext) => (args) => {
    context[SAMPLE]?.identityResolved(performance.now());
    return next(args);
  };
}

/**
 * Runs once per attempt, just before the signer: times signing and the whole attempt, and hands
 * the finished sample to `handle`. An attempt whose signer is never reached and which succeeds
 * (the S3 presigner intercepts there) sent nothing, and yields no sample.
 *
 * @example
 * ```ts
 * stack.addRelativeTo(signStartMiddleware(handle), signTraceMiddlewareOptions.signStart);
 * ```
 */
export function signStartMiddleware<Input extends object, Output extends object>(handle: SampleHandler): FinalizeRequestMiddleware<Input, Output> {
  return (next, context: TracedContext) => async (args: FinalizeHandlerArguments<Input>) => {
    if (!HttpRequest.isInstance(args.request)) return next(args);
    const previous = context[SAMPLE];
    const sample = previous !== undefined && !previous.started ? previous : new AttemptSample(serviceOf(context), operationOf(context), (previous?.attempt ?? 0) + 1);
    context[SAMPLE] = sample;
    sample.signingStarted(performance.now());
    let output: FinalizeHandlerOutput<Output>;
    try {
      output = await next(args);
    } catch (error) {
      sample.failed(performance.now(), error);
      handle(sample, context);
      throw error;
    }
    if (sample.signed) {
      sample.succeeded(performance.now());
      handle(sample, context);
    }
    return output;
  };
}

/**
 * Marks the end of signing and reads what was signed with: key id prefix, slot or not, region.
 *
 * @example
 * ```ts
 * stack.addRelativeTo(signEndMiddleware(), signTraceMiddlewareOptions.signEnd);
 * ```
 */
export function signEndMiddleware<Input extends object, Output extends object>(): FinalizeRequestMiddleware<Input, Output> {
  return (next, context: TracedContext) => (args) => {
    const sample = context[SAMPLE];
    if (sample?.started === true && !sample.signed) {
      sample.signingDone(performance.now(), getSmithyContext(context).selectedHttpAuthScheme as SelectedHttpAuthScheme | undefined);
    }
    return next(args);
  };
}
