/**
 * The STS of a fleet run, as an in-process model: one `CredentialSource` per slot, all sharing
 * one record of calls. It runs on the simulation's clock (`now()`, and `setTimeout` for its
 * latencies), so hours of refreshes take no real time.
 *
 * Model: a call arrives at STS the instant the slot starts it; it is answered after a latency
 * uniform in [latency.min, latency.max]; a call that arrives during the brown-out is answered
 * with STS's throttling error (`Throttling`, HTTP 400), any other with fresh credentials expiring
 * `credentialLifetimeMs` after the answer. No rate limit outside the brown-out, no network loss.
 */
import type { AwsCredentialIdentity } from "@smithy/types";
import type { CredentialSource } from "@awscreds/core";
import type { FleetScenario } from "./fleetScenario.js";
import { seededRandom } from "./seededRandom.js";

/** One STS call as the model saw it. Times are ms since the simulation start. */
export interface StsCall {
  /** Index of the calling slot. */
  readonly slot: number;
  /** Arrival instant. */
  readonly at: number;
  /** 0 for the slot's first fetch (start-up), k for the attempts of its k-th refresh. */
  readonly wave: number;
  /** 1 for the first attempt of a wave, 2 for its first retry… */
  readonly attempt: number;
  readonly outcome: "issued" | "throttled";
  readonly latencyMs: number;
}

export interface StsModel {
  /** The calls so far, in arrival order. */
  readonly calls: readonly StsCall[];
  /** The source of slot `index`. */
  sourceFor(index: number): CredentialSource;
}

/** The error STS answers when it throttles, as the SDK surfaces it: what `classifyError` calls throttling. */
export function throttlingError(): Error {
  return Object.assign(new Error("Rate exceeded"), { name: "Throttling", $metadata: { httpStatusCode: 400 } });
}

/**
 * Creates the model on the clock `now` (epoch ms); call instants are recorded relative to `now()`
 * at creation, the simulation start.
 *
 * @example
 * ```ts
 * const sts = createStsModel(FULL_FLEET, clock.now);
 * const slot = createCredentialSlot({ source: sts.sourceFor(0) });
 * ```
 */
export function createStsModel(scenario: FleetScenario, now: () => number): StsModel {
  const start = now();
  const calls: StsCall[] = [];
  const { min, max } = scenario.latencyMs;
  const { brownOut } = scenario;

  const sourceFor = (index: number): CredentialSource => {
    const latency = seededRandom(scenario.seed, index, 2);
    let issued = 0;
    let attempt = 0;
    return (signal) =>
      new Promise<AwsCredentialIdentity>((resolve, reject) => {
        const at = now() - start;
        const latencyMs = Math.round(min + latency() * (max - min));
        const throttled = at >= brownOut.from && at < brownOut.to;
        calls.push({ slot: index, at, wave: issued, attempt: ++attempt, outcome: throttled ? "throttled" : "issued", latencyMs });
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(signal.reason);
        };
        const timer = setTimeout(() => {
          signal.removeEventListener("abort", onAbort);
          if (throttled) {
            reject(throttlingError());
            return;
          }
          issued++;
          attempt = 0;
          const serial = `${index}`.padStart(5, "0") + `${issued}`.padStart(3, "0");
          resolve({
            accessKeyId: `ASIAFLEET${serial}`,
            secretAccessKey: `fleet-secret-${serial}`,
            sessionToken: `fleet-token-${serial}`,
            expiration: new Date(now() + scenario.credentialLifetimeMs),
          });
        }, latencyMs);
        signal.addEventListener("abort", onAbort, { once: true });
      });
  };

  return { calls, sourceFor };
}
