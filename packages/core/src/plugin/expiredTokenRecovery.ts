import { httpSigningMiddlewareOptions } from "@smithy/core";
import { getSmithyContext } from "@smithy/core/client";
import { HttpRequest } from "@smithy/core/protocols";
import type { FinalizeHandlerArguments, FinalizeHandlerOutput, FinalizeRequestMiddleware, HttpSigner, Logger, RelativeMiddlewareOptions, SelectedHttpAuthScheme } from "@smithy/types";
import type { CredentialSlot } from "../slot/index.js";
import { describeError } from "../errors.js";
import { isExpiredCredentialsError } from "./expiredCredentialsError.js";
import { isReplayableBody } from "./replayableBody.js";
import { isRecordingSigner, recordingSigner } from "./recordingSigner.js";
import { SIGNED_WITH_SLOT_KEY } from "./signedKeyId.js";

/** What the recovery needs: the slot (looked up per request) and the plugin's options. */
export interface ExpiredTokenRecoveryOptions {
  readonly slot: () => CredentialSlot;
  readonly enabled: boolean;
  readonly replacementTimeout: number;
  readonly logger: Logger | undefined;
}

/** Requests (SDK calls) that already recovered once: never a second time, whatever happens. */
const recovered = new WeakSet<object>();

/** Around the SDK's signer, below the retry middleware: runs once per SDK attempt. */
export const expiredTokenRecoveryMiddlewareOptions: RelativeMiddlewareOptions = {
  name: "awsCredsExpiredTokenRecoveryMiddleware",
  relation: "before",
  toMiddleware: httpSigningMiddlewareOptions.name as string,
  tags: ["AWSCREDS"],
  override: true,
};

/** Adds what awscreds did (or could not do) to the service's own error, keeping its type and name. */
function annotate(error: Error, sentence: string): Error {
  try {
    error.message = `${error.message} (awscreds: ${sentence})`;
  } catch {
    // A frozen error keeps its message.
  }
  return error;
}

/**
 * When AWS answers `ExpiredToken` for a key from the slot: invalidates that key, waits (bounded
 * by `replacementTimeout`, and by the call's `abortSignal`) for the credentials replacing it, and
 * sends the request once more, signed by the SDK's signer with them. All inside one SDK attempt,
 * below the retry middleware, so it spends none of the client's retry quota and does not depend
 * on the SDK classifying the error as retryable. Once per request; the slot refreshes once per
 * key however many requests fail with it. A streamed body cannot be sent twice: the error then
 * says so. Which key signed each attempt is recorded by the selected auth scheme's signer,
 * wrapped here per call ({@link recordingSigner}), so the recovery needs no second middleware.
 *
 * @internal
 */
export function expiredTokenRecoveryMiddleware<Input extends object, Output extends object>(options: ExpiredTokenRecoveryOptions): FinalizeRequestMiddleware<Input, Output> {
  // The SDK's signers (one per auth scheme, shared by the client's requests) → their recording wrappers.
  const recorders = new WeakMap<HttpSigner, HttpSigner>();
  const recorderOf = (signer: HttpSigner): HttpSigner => {
    let recorder = recorders.get(signer);
    if (recorder === undefined) recorders.set(signer, (recorder = recordingSigner(signer, options.slot)));
    return recorder;
  };
  return (next, context) =>
    async (args: FinalizeHandlerArguments<Input>): Promise<FinalizeHandlerOutput<Output>> => {
      const scheme = getSmithyContext(context).selectedHttpAuthScheme as SelectedHttpAuthScheme | undefined;
      if (scheme === undefined || !HttpRequest.isInstance(args.request)) return next(args);
      // The selected scheme is the SDK's object for this one call: its signer now records which key signed.
      if (!isRecordingSigner(scheme.signer)) scheme.signer = recorderOf(scheme.signer);
      const properties = (scheme.httpAuthOption.signingProperties ??= {}) as Record<string | symbol, unknown>;
      // A retry's mark is its own: an attempt its signer never saw (S3 Express session keys) carries none.
      if (properties[SIGNED_WITH_SLOT_KEY] !== undefined) properties[SIGNED_WITH_SLOT_KEY] = undefined;
      try {
        return await next(args);
      } catch (error) {
        const key = properties[SIGNED_WITH_SLOT_KEY];
        if (!options.enabled || !(error instanceof Error) || !isExpiredCredentialsError(error) || typeof key !== "string" || recovered.has(context)) throw error;
        recovered.add(context);
        const slot = options.slot();
        const invalidated = slot.invalidate(key);
        if (!isReplayableBody(args.request.body)) {
          throw annotate(error, `credentials ${key} were refreshed, but this request's body is a stream that cannot be sent again; retry the call with a new body`);
        }
        options.logger?.warn(`[awscreds] AWS answered ${error.name} for ${key}; ${invalidated ? "refreshing" : "a refresh is already under way"}, sending once more with the replacement`);
        const signal = getSmithyContext(context).abortSignal as AbortSignal | undefined;
        try {
          await slot.get({ replacing: key, timeout: options.replacementTimeout, ...(signal !== undefined && { signal }) });
        } catch (waitError) {
          throw annotate(error, `no credentials replaced ${key} within replacementTimeout (${options.replacementTimeout} ms): ${describeError(waitError).message}`);
        }
        properties[SIGNED_WITH_SLOT_KEY] = undefined;
        // The SDK's signer reads config.credentials, that is the slot: it now holds the replacement.
        return await next(args);
      }
    };
}
