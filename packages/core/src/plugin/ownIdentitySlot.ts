import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Logger } from "@smithy/types";
import { createCredentialSlot } from "../slot/index.js";
import type { CredentialSlot } from "../slot/index.js";
import { SlotClosedError } from "../errors.js";
import { raceAbort } from "../raceAbort.js";

const OWN_PROVIDER = Symbol("@awscreds/core.ownCredentials");
type ConfigWithOwn = { credentials?: unknown; serviceId?: unknown; [OWN_PROVIDER]?: AwsCredentialIdentityProvider };

// A slot's timers keep it reachable for ever; this closes it once its client is collected.
const closeWhenCollected = new FinalizationRegistry<CredentialSlot>((slot) => void slot.close());

/**
 * A slot of a client's own: the credentials the client was built with (`credentials:` given to
 * its constructor), kept warm in the background, so attaching the plugin never switches a client
 * to another identity. The slot calls the SDK's resolved provider with `forceRefresh`, which
 * reaches the provider the client was given.
 *
 * The slot holds its client's config only weakly: the provider lives on the config itself, so a
 * client created per request and dropped is garbage-collected with its slot closed, rather than
 * refreshing in the background for ever.
 *
 * @internal
 */
export function ownIdentitySlot(config: ConfigWithOwn, logger: Logger | undefined): CredentialSlot {
  Object.defineProperty(config, OWN_PROVIDER, { value: config.credentials as AwsCredentialIdentityProvider, configurable: true });
  const client = new WeakRef(config);
  const service = typeof config.serviceId === "string" ? config.serviceId : "client";
  const source = (signal: AbortSignal): Promise<AwsCredentialIdentity> => {
    const provider = client.deref()?.[OWN_PROVIDER];
    if (provider === undefined) {
      void slot.close(); // the client was collected before the registry said so
      return Promise.reject(new SlotClosedError("the client that owned these credentials is gone"));
    }
    return raceAbort(() => provider({ forceRefresh: true }), signal);
  };
  Object.defineProperty(source, "description", { value: `the credentials given to this ${service} client` });
  const slot = createCredentialSlot({ source, name: `${service} client credentials`, ...(logger !== undefined && { logger }) });
  closeWhenCollected.register(config, slot);
  return slot;
}
