import { httpAuthSchemeEndpointRuleSetMiddlewareOptions, httpSigningMiddlewareOptions } from "@smithy/core";
import { getSmithyContext } from "@smithy/core/client";
import { endpointMiddlewareOptions } from "@smithy/core/endpoints";
import { HttpRequest } from "@smithy/core/protocols";
import type { FinalizeHandler, FinalizeHandlerArguments, FinalizeHandlerOutput, FinalizeRequestMiddleware, HandlerExecutionContext, RelativeMiddlewareOptions, SelectedHttpAuthScheme, SerializeMiddleware } from "@smithy/types";
import { SIGN_TRACE_TAG } from "../names.js";
import type { SampleFanOut } from "../sinks/index.js";
import { operationOf, serviceOf } from "./sampleLabels.js";
import { AttemptSample } from "./signTraceSample.js";

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
 * Marks the start of the call's identity resolution and opens the sample of attempt 1, if any
 * sink listens to this call. This is where a call is chosen for timing, once, as it starts: the
 * other three middlewares act only on calls that have a sample, so a call nobody listens to
 * allocates nothing and reads no clock. Decided when the call runs, not when the SDK builds its
 * handler chain, because with `cacheMiddleware: true` the SDK builds it once per command class.
 *
 * @example
 * ```ts
 * stack.addRelativeTo(identityStartMiddleware(samples), signTraceMiddlewareOptions.identityStart);
 * ```
 */
export function identityStartMiddleware<Input extends object, Output extends object>(samples: SampleFanOut): SerializeMiddleware<Input, Output> {
  return (next, context: TracedContext) => (args) => {
    if (samples.listensTo(context)) {
      const sample = new AttemptSample(serviceOf(context), operationOf(context), 1);
      sample.identityStarted(performance.now());
      context[SAMPLE] = sample;
    } else if (context[SAMPLE] !== undefined) {
      // A context the SDK reuses (cacheMiddleware) must not carry the last traced call's sample into this one.
      context[SAMPLE] = undefined;
    }
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
 * Times one attempt of a traced call: signing and the whole attempt, then hands the finished
 * sample to the sinks. Async, so only traced calls pay for the extra promise.
 */
async function timeAttempt<Input extends object, Output extends object>(next: FinalizeHandler<Input, Output>, args: FinalizeHandlerArguments<Input>, context: TracedContext, previous: AttemptSample, samples: SampleFanOut): Promise<FinalizeHandlerOutput<Output>> {
  const sample = previous.started ? new AttemptSample(previous.service, previous.operation, previous.attempt + 1) : previous;
  context[SAMPLE] = sample;
  sample.signingStarted(performance.now());
  let output: FinalizeHandlerOutput<Output>;
  try {
    output = await next(args);
  } catch (error) {
    sample.failed(performance.now(), error);
    samples.deliver(sample, context);
    throw error;
  }
  if (sample.signed) {
    sample.succeeded(performance.now());
    samples.deliver(sample, context);
  }
  return output;
}

/**
 * Runs once per attempt, just before the signer: times signing and the whole attempt of traced
 * calls, and hands each finished sample to the sinks. An attempt whose signer is never reached
 * and which succeeds (the S3 presigner intercepts there) sent nothing, and yields no sample.
 *
 * @example
 * ```ts
 * stack.addRelativeTo(signStartMiddleware(samples), signTraceMiddlewareOptions.signStart);
 * ```
 */
export function signStartMiddleware<Input extends object, Output extends object>(samples: SampleFanOut): FinalizeRequestMiddleware<Input, Output> {
  return (next, context: TracedContext) => (args) => {
    const previous = context[SAMPLE];
    if (previous === undefined || !HttpRequest.isInstance(args.request)) return next(args);
    return timeAttempt(next, args, context, previous, samples);
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
