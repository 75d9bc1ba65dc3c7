import { HttpRequest } from "@smithy/protocol-http";
import type { FinalizeRequestMiddleware, HandlerExecutionContext, MiddlewareStack, SerializeMiddleware } from "@smithy/types";
import type { CredentialSlot } from "@awscreds/core";

/** Keys the watch remembers: the one in use and a few before it (a request in flight may still carry one). */
const KEYS_KEPT = 8;
const READ_AT = Symbol("soak.readAt");
const FIRST_FAILURES_KEPT = 5;

type Context = HandlerExecutionContext & { [READ_AT]?: number };

/** The access key id in a SigV4 `Authorization` header (`Credential=<key>/<date>/...`). */
export function signingKeyOf(authorization: unknown): string | undefined {
  return typeof authorization === "string" ? /Credential=([^/,\s]+)\//.exec(authorization)?.[1] : undefined;
}

/**
 * Watches every signed send of the clients it is attached to, against the expirations the slot
 * announced (`refreshed` events), on the host clock the slot reads:
 * no send is signed at or after its key's expiration, and no request got its key from the slot
 * within `expiryMargin` of that expiration (the slot must have retired the key by then). The
 * emulator checks the same from its side (`keyExpired`); this catches a late key even when the
 * request would still have arrived in time. Memory is constant: counters and the last few keys.
 */
export class SigningWatch {
  signedSends = 0;
  signedAtOrAfterExpiry = 0;
  handedOutWithinMargin = 0;
  signedWithUnknownKey = 0;
  keyChanges = 0;
  refreshes = 0;
  /** Failed refresh attempts (`refreshFailed` events) by kind, and the first few of them. */
  readonly refreshFailures: Record<string, number> = {};
  readonly firstRefreshFailures: string[] = [];
  /** `expired` events: a key stopped being usable before its replacement came. */
  expiries = 0;
  closestSigningToExpiryMs = Number.POSITIVE_INFINITY;
  readonly #expirations = new Map<string, number>();
  #lastKey: string | undefined;

  constructor(
    slot: CredentialSlot,
    private readonly expiryMarginMs: number,
  ) {
    slot.on("refreshed", ({ accessKeyId, expiration }) => {
      this.refreshes++;
      this.#expirations.set(accessKeyId, expiration?.getTime() ?? Number.POSITIVE_INFINITY);
      if (this.#expirations.size > KEYS_KEPT) this.#expirations.delete(this.#expirations.keys().next().value!);
    });
    slot.on("refreshFailed", ({ error, attempt }) => {
      this.refreshFailures[error.kind] = (this.refreshFailures[error.kind] ?? 0) + 1;
      if (this.firstRefreshFailures.length < FIRST_FAILURES_KEPT) this.firstRefreshFailures.push(`after ${this.refreshes} refreshes, attempt ${attempt}: ${error.kind}: ${error.message}`);
    });
    slot.on("expired", () => void this.expiries++);
  }

  /** Adds the watch to a client's stack: one middleware before identity resolution, one after signing. */
  attach(stack: MiddlewareStack<object, object>): void {
    const beforeIdentity: SerializeMiddleware<object, object> = (next, context: Context) => (args) => {
      context[READ_AT] = Date.now();
      return next(args);
    };
    const afterSigning: FinalizeRequestMiddleware<object, object> = (next, context: Context) => (args) => {
      if (HttpRequest.isInstance(args.request)) this.#check(signingKeyOf(args.request.headers.authorization), context[READ_AT]);
      return next(args);
    };
    stack.addRelativeTo(beforeIdentity, { relation: "before", toMiddleware: "httpAuthSchemeMiddleware", name: "soakBeforeIdentity" });
    stack.addRelativeTo(afterSigning, { relation: "after", toMiddleware: "httpSigningMiddleware", name: "soakAfterSigning" });
  }

  #check(key: string | undefined, readAt: number | undefined): void {
    const signedAt = Date.now();
    this.signedSends++;
    if (key !== this.#lastKey) {
      if (this.#lastKey !== undefined) this.keyChanges++;
      this.#lastKey = key;
    }
    const expiration = key === undefined ? undefined : this.#expirations.get(key);
    if (expiration === undefined) {
      this.signedWithUnknownKey++;
      return;
    }
    this.closestSigningToExpiryMs = Math.min(this.closestSigningToExpiryMs, expiration - signedAt);
    if (signedAt >= expiration) this.signedAtOrAfterExpiry++;
    // The slot decided at or after the SDK began resolving the identity (readAt).
    if (readAt !== undefined && readAt >= expiration - this.expiryMarginMs) this.handedOutWithinMargin++;
  }
}
