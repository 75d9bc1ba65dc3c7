import { HttpRequest } from "@smithy/core/protocols";
import type { HttpRequest as Request, HttpResponse, HttpSigner, Identity } from "@smithy/types";
import type { CredentialSlot } from "../slot/index.js";
import { SIGNED_WITH_SLOT_KEY, isSignedWithKey } from "./signedKeyId.js";

const RECORDING = Symbol("@awscreds/core.recordingSigner");

/** A signer that {@link recordingSigner} made. */
export function isRecordingSigner(signer: HttpSigner): boolean {
  return (signer as { [RECORDING]?: true })[RECORDING] === true;
}

function currentKey(slot: CredentialSlot): string | undefined {
  try {
    return slot.current()?.accessKeyId;
  } catch {
    return undefined; // a closed slot signs nothing
  }
}

/**
 * The SDK's signer of an auth scheme (`AwsSdkSigV4Signer`, or whatever the client selected),
 * unchanged, that also records on each attempt's `signingProperties` whether the signed request
 * carries the slot's key ({@link SIGNED_WITH_SLOT_KEY}): the `ExpiredToken` recovery acts only on
 * slot keys, and `@awscreds/sign-trace` reports them. Read from the signed request, so a custom
 * `signer` with keys of its own is never mistaken for the slot; compared right after signing,
 * before any I/O could rotate the slot. Recorded during signing, it is there for every middleware
 * after the signer, whatever their order, without a middleware of ours in the stack.
 *
 * @internal
 * @example
 * ```ts
 * scheme.signer = recordingSigner(scheme.signer, () => slot);
 * ```
 */
export function recordingSigner(signer: HttpSigner, slot: () => CredentialSlot): HttpSigner {
  const record = (signed: Request, signingProperties: Record<string | symbol, unknown>): Request => {
    const key = currentKey(slot());
    signingProperties[SIGNED_WITH_SLOT_KEY] = key !== undefined && HttpRequest.isInstance(signed) && isSignedWithKey(signed, key) ? key : undefined;
    return signed;
  };
  const recording: HttpSigner & { [RECORDING]: true } = {
    [RECORDING]: true,
    sign: (request: Request, identity: Identity, signingProperties: Record<string, unknown>) =>
      signer.sign(request, identity, signingProperties).then((signed) => record(signed, signingProperties)),
  };
  // The SDK's clock-skew correction lives in these: pass them through as they are.
  const { errorHandler, successHandler } = signer;
  if (errorHandler !== undefined) recording.errorHandler = (signingProperties: Record<string, unknown>) => errorHandler.call(signer, signingProperties);
  if (successHandler !== undefined) {
    recording.successHandler = (response: HttpResponse | unknown, signingProperties: Record<string, unknown>) => successHandler.call(signer, response, signingProperties);
  }
  return recording;
}
