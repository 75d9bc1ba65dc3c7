import type { Provider } from "@smithy/types";
import { chooseDefaultSource, type DefaultSourceDecision } from "./chooseDefaultSource.js";
import type { CredentialSource } from "../slot/index.js";
import { describeSource } from "../slot/index.js";
import { fromContainer } from "../sources/index.js";
import { fromEnvironmentKeys } from "../sources/index.js";
import { fromSdkChain } from "../sources/index.js";
import { fromWebIdentity } from "../sources/index.js";

/** Options of {@link defaultSource}. */
export interface DefaultSourceOptions {
  /** Region for STS when neither the environment nor the profile names one: the first attached client's. */
  fallbackRegion?: Provider<string>;
}

/** The default slot's source, with what it decided once it has. */
export type DefaultSource = CredentialSource & {
  /** What the source is, once decided (on the first fetch); "default (not decided yet)" before. */
  readonly description: string;
  /** The decision and its reason, once decided. */
  readonly decision: DefaultSourceDecision | undefined;
  destroy(): void;
};

/**
 * The source of the default slot: decides on its first fetch, in the SDK's own precedence
 * (see `decideDefaultSource`), then always fetches from what it picked. Deciding on the fetch
 * rather than at creation lets it read the shared config files without blocking the caller.
 *
 * @example
 * ```ts
 * const slot = createCredentialSlot({ source: defaultSource(), name: "default" });
 * ```
 */
export function defaultSource(options: DefaultSourceOptions = {}): DefaultSource {
  let decided: { decision: DefaultSourceDecision; source: CredentialSource } | undefined;
  let deciding: Promise<{ decision: DefaultSourceDecision; source: CredentialSource }> | undefined;
  const decide = async () => {
    const decision = await chooseDefaultSource();
    const source = sourceForDecision(decision.kind, options);
    decided = { decision, source };
    return decided;
  };
  const fetch: CredentialSource = async (signal) => {
    const { source } = decided ?? (await (deciding ??= decide().finally(() => (deciding = undefined))));
    return source(signal);
  };
  // Accessors, not Object.assign (which would copy the getters' values once).
  return Object.defineProperties(fetch, {
    description: {
      get: (): string => (decided === undefined ? "default (not decided yet)" : `${describeSource(decided.source) ?? decided.decision.kind}, because ${decided.decision.reason}`),
    },
    decision: { get: (): DefaultSourceDecision | undefined => decided?.decision },
    destroy: { value: (): void => (decided?.source as { destroy?: () => void } | undefined)?.destroy?.() },
  }) as DefaultSource;
}

/**
 * The source the default slot uses for a decided kind (also what `awscreds doctor` probes).
 *
 * @internal
 */
export function sourceForDecision(kind: DefaultSourceDecision["kind"], options: DefaultSourceOptions = {}): CredentialSource & { readonly description: string } {
  switch (kind) {
    case "environment":
      return fromEnvironmentKeys();
    case "webIdentity":
      return fromWebIdentity(options.fallbackRegion === undefined ? {} : { fallbackRegion: options.fallbackRegion });
    case "container":
      return fromContainer();
    case "profile":
    case "chain":
      return fromSdkChain();
  }
}
