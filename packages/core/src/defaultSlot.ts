import { createCredentialSlot } from "./credentialSlot.js";
import type { CredentialSlot } from "./credentialSlotTypes.js";
import { fromWebIdentity } from "./fromWebIdentity.js";

// On globalThis, so two copies of this package in one process (a bundling accident) still
// share one slot and make one STS call per refresh.
const KEY = Symbol.for("@awscreds/core.defaultSlot");
type Holder = { [KEY]?: CredentialSlot };

/**
 * The process-wide slot that `awsCredsPlugin()` uses when given none: web identity from the
 * environment (IRSA), regional STS. Created on first use and shared by every client, so any
 * number of clients make one STS call per refresh. Throws `ConfigurationError` at once when
 * the environment lacks `AWS_ROLE_ARN`, `AWS_WEB_IDENTITY_TOKEN_FILE` or `AWS_REGION`.
 *
 * @example
 * ```ts
 * await defaultSlot().ready(); // fail start-up early if STS is unreachable
 * ```
 */
export function defaultSlot(): CredentialSlot {
  const holder = globalThis as Holder;
  const existing = holder[KEY];
  if (existing !== undefined && !existing.stats().closed) return existing;
  const slot = createCredentialSlot({ source: fromWebIdentity(), name: "default" });
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
  await slot?.close(); // also destroys its STS client
}
