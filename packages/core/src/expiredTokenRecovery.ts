import { httpSigningMiddlewareOptions } from "@smithy/core";
import { getSmithyContext } from "@smithy/core/client";
import { HttpRequest } from "@smithy/core/protocols";
import type { FinalizeHandlerArguments, FinalizeHandlerOutput, FinalizeRequestMiddleware, HandlerExecutionContext, Logger, RelativeMiddlewareOptions, SelectedHttpAuthScheme } from "@smithy/types";
import type { CredentialSlot } from "./credentialSlotTypes.js";
import { describeError } from "./errors.js";
import { isExpiredCredentialsError } from "./expiredCredentialsError.js";
import { isReplayableBody } from "./replayableBody.js";
import { SIGNED_WITH_SLOT_KEY, signedKeyId } from "./signedKeyId.js";

/** What the recovery needs: the slot (looked up per request) and the plugin's options. */
export interface ExpiredTokenRecoveryOptions {
  readonly slot: () => CredentialSlot;
  readonly enabled: boolean;
  readonly replacementTimeout: number;
  readonly logger: Logger | undefined;
}

/** The key one send of a request was signed with, written by the recorder below the signer. */
interface SignedAttempt {
  accessKeyId?: string;
  fromSlot?: boolean;
}

const ATTEMPT = Symbol("@awscreds/core.signedAttempt");
type RecoveryContext = HandlerExecutionContext & { [ATTEMPT]?: SignedAttempt };

/** Requests (SDK calls) that already recovered once: never a second time, whatever happens. */
const recovered = new WeakSet<object>();

const anchor = httpSigningMiddlewareOptions.name as string;

/** Around the SDK's signer, below the retry middleware: runs once per SDK attempt. */
export const expiredTokenRecoveryMiddlewareOptions: RelativeMiddlewareOptions = {
  name: "awsCredsExpiredTokenRecoveryMiddleware",
  relation: "before",
  toMiddleware: anchor,
  tags: ["AWSCREDS"],
  override: true,
};

/** Just after the SDK's signer: reads which key the signed request carries. */
export const signedKeyRecorderMiddlewareOptions: RelativeMiddlewareOptions = {
  name: "awsCredsSignedKeyRecorderMiddleware",
  relation: "after",
  toMiddleware: anchor,
  tags: ["AWSCREDS"],
  override: true,
};

function signingPropertiesOf(context: HandlerExecutionContext): Record<string | symbol, unknown> | undefined {
  const scheme = getSmithyContext(context).selectedHttpAuthScheme as SelectedHttpAuthScheme | undefined;
  return scheme?.httpAuthOption.signingProperties as Record<string | symbol, unknown> | undefined;
}

function currentKey(slot: CredentialSlot): string | undefined {
  try {
    return slot.current()?.accessKeyId;
  } catch {
    return undefined; // a closed slot signs nothing
  }
}

/**
 * Marks the attempt with the key the SDK's signer is about to read from the slot, for
 * middlewares that look before the recorder runs (their order after the signer is not ours to
 * choose); the recorder corrects it from the signed request.
 */
function markSlotKey(context: HandlerExecutionContext, slot: CredentialSlot): void {
  const properties = signingPropertiesOf(context);
  const key = currentKey(slot);
  if (properties !== undefined && key !== undefined) properties[SIGNED_WITH_SLOT_KEY] = key;
}

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
 * Records the access key id of each signed attempt (from the signed request itself, so it names
 * the key actually used even with a custom `signer`) and whether it is the slot's key, both for
 * the recovery and for `@awscreds/sign-trace`.
 *
 * @internal
 */
export function signedKeyRecorderMiddleware<Input extends object, Output extends object>(slot: () => CredentialSlot): FinalizeRequestMiddleware<Input, Output> {
  return (next, context: RecoveryContext) => (args) => {
    const attempt = context[ATTEMPT];
    if (attempt !== undefined && HttpRequest.isInstance(args.request)) {
      const key = signedKeyId(args.request);
      attempt.accessKeyId = key;
      // Compared right after signing, before any I/O could rotate the slot.
      attempt.fromSlot = key !== undefined && key === currentKey(slot());
      const properties = signingPropertiesOf(context);
      if (properties !== undefined) {
        if (attempt.fromSlot) properties[SIGNED_WITH_SLOT_KEY] = key;
        else delete properties[SIGNED_WITH_SLOT_KEY];
      }
    }
    return next(args);
  };
}

/**
 * When AWS answers `ExpiredToken` for a key from the slot: invalidates that key, waits (bounded
 * by `replacementTimeout`, and by the call's `abortSignal`) for the credentials replacing it, and
 * sends the request once more, signed by the SDK's signer with them. All inside one SDK attempt,
 * below the retry middleware, so it spends none of the client's retry quota and does not depend
 * on the SDK classifying the error as retryable. Once per request; the slot refreshes once per
 * key however many requests fail with it. A streamed body cannot be sent twice: the error then
 * says so.
 *
 * @internal
 */
export function expiredTokenRecoveryMiddleware<Input extends object, Output extends object>(options: ExpiredTokenRecoveryOptions): FinalizeRequestMiddleware<Input, Output> {
  return (next, context: RecoveryContext) =>
    async (args: FinalizeHandlerArguments<Input>): Promise<FinalizeHandlerOutput<Output>> => {
      if (!HttpRequest.isInstance(args.request)) return next(args);
      const slot = options.slot();
      const attempt: SignedAttempt = {};
      context[ATTEMPT] = attempt;
      markSlotKey(context, slot);
      try {
        return await next(args);
      } catch (error) {
        const key = attempt.accessKeyId;
        if (!options.enabled || !(error instanceof Error) || !isExpiredCredentialsError(error) || key === undefined || !attempt.fromSlot || recovered.has(context)) throw error;
        recovered.add(context);
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
        context[ATTEMPT] = {};
        markSlotKey(context, slot);
        // The SDK's signer reads config.credentials, that is the slot: it now holds the replacement.
        return await next(args);
      }
    };
}
