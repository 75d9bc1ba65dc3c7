import { httpSigningMiddlewareOptions } from "@smithy/core";
import { getSmithyContext } from "@smithy/core/client";
import { HttpRequest } from "@smithy/core/protocols";
import type { FinalizeHandler, FinalizeHandlerArguments, FinalizeHandlerOutput, FinalizeRequestMiddleware, HandlerExecutionContext, HttpSigner, Identity, RelativeMiddlewareOptions, SelectedHttpAuthScheme } from "@smithy/types";
import type { SlotSigV4Signer } from "./slotSigner.js";

/**
 * Registered exactly as the SDK registers its own signer (same name, aliases and anchor, after
 * `retryMiddleware`, `override: true`), so it replaces the SDK's `httpSigningMiddleware` in
 * place: one signer in the stack, run once per attempt. Adding it with `add()` instead would
 * leave both in the stack and sign twice.
 */
export const slotSigningMiddlewareOptions: RelativeMiddlewareOptions = httpSigningMiddlewareOptions as RelativeMiddlewareOptions;

/** The client config an S3 Express session signature needs: the SDK's own multi-region signer. */
export interface SigningClientConfig {
  credentials?: unknown;
  signer?: (...args: never[]) => Promise<unknown>;
}

type ExpressContext = HandlerExecutionContext & { s3ExpressIdentity?: Identity };

const rethrow = () => (error: unknown): never => {
  throw error;
};

/**
 * Signs every attempt: SigV4 from the slot through {@link SlotSigV4Signer}; every other scheme
 * (SigV4a, S3 Express sessions, bearer tokens, no-auth) with the SDK's own signer, exactly as
 * the SDK's middleware would.
 */
export function slotSigningMiddleware<Input extends object, Output extends object>(config: SigningClientConfig, slotSigner: SlotSigV4Signer): FinalizeRequestMiddleware<Input, Output> {
  return (next: FinalizeHandler<Input, Output>, context: ExpressContext) =>
    async (args: FinalizeHandlerArguments<Input>): Promise<FinalizeHandlerOutput<Output>> => {
      if (!HttpRequest.isInstance(args.request)) return next(args);
      const scheme = getSmithyContext(context).selectedHttpAuthScheme as SelectedHttpAuthScheme | undefined;
      if (!scheme) throw new Error("No HttpAuthScheme was selected: unable to sign request");
      const { httpAuthOption, identity, signer: sdkSigner } = scheme;
      const signingProperties = httpAuthOption.signingProperties ?? {};
      let signer: HttpSigner = sdkSigner;
      let request: HttpRequest;
      if (context.s3ExpressIdentity) {
        const sdk = (await config.signer?.()) as { signWithCredentials?: (request: HttpRequest, identity: Identity, options: object) => Promise<HttpRequest> } | undefined;
        if (!sdk?.signWithCredentials) throw new Error("awsCredsPlugin: this client cannot sign S3 Express requests");
        request = await sdk.signWithCredentials(args.request, context.s3ExpressIdentity, {});
      } else if (httpAuthOption.schemeId === "aws.auth#sigv4") {
        signer = slotSigner;
        request = (await slotSigner.sign(args.request, identity, signingProperties)) as HttpRequest;
      } else {
        request = (await sdkSigner.sign(args.request, identity, signingProperties)) as HttpRequest;
      }
      const output = await next({ ...args, request }).catch(signer.errorHandler?.(signingProperties) ?? rethrow());
      signer.successHandler?.(output.response, signingProperties);
      return output;
    };
}
