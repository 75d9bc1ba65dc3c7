import type { Provider } from "@smithy/types";
import { createCredentialSlot, isSlotClosed } from "../slot/index.js";
import type { CredentialSlot } from "../slot/index.js";
import { defaultSource } from "./defaultSource.js";

// On globalThis, so two copies of this package in one process (a bundling accident) still
// share one slot and make one STS call per refresh.
const KEY = Symbol.for("@awscreds/core.defaultSlot");
type Holder = { [KEY]?: CredentialSlot };

/**
 * The process-wide slot that `awsCredsPlugin()` uses for clients built without credentials.
 * Its source is picked from the environment on the first fetch, in the SDK's own order:
 * environment keys, the profile (SSO, keys, `credential_process`, roles), web identity (EKS
 * IRSA), container credentials (EKS Pod Identity, ECS), then EC2 instance metadata through the
 * SDK's chain. `stats().source` says which, and why. Created on first use and shared by every
 * client, so any number of clients make one fetch per refresh.
 *
 * @example
 * ```ts
 * await defaultSlot().ready(); // fail start-up early if no credentials can be had
 * console.log(defaultSlot().stats().source); // "web identity arn:aws:iam::…, because AWS_ROLE_ARN and …"
 * ```
 */
export function defaultSlot(): CredentialSlot {
  return ensureDefaultSlot();
}

/**
 * The default slot, created with `fallbackRegion` (for STS, when neither the environment nor the
 * profile names a region) if it does not exist yet.
 *
 * @internal
 */
export function ensureDefaultSlot(fallbackRegion?: Provider<string>): CredentialSlot {
  const holder = globalThis as Holder;
  const existing = holder[KEY];
  if (existing !== undefined && !isSlotClosed(existing)) return existing;
  const slot = createCredentialSlot({ source: defaultSource(fallbackRegion === undefined ? {} : { fallbackRegion }), name: "default" });
  holder[KEY] = slot;
  return slot;
}

/**
 * Closes the default slot, if one was created (graceful shutdown, or between tests). The next
 * `defaultSlot()` call creates a new one from the environment as it is then.
 *
 * @example
 * ```ts
 * process.once("SIGTERM", () => void closeDefaultSlot());
 * ```
 */
export async function closeDefaultSlot(): Promise<void> {
  const holder = globalThis as Holder;
  const slot = holder[KEY];
  delete holder[KEY];
  await slot?.close(); // also destroys its source's clients
}
