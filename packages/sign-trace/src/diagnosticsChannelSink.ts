import diagnosticsChannel from "node:diagnostics_channel";
import { SAMPLE_CHANNEL } from "./names.js";
import type { SampleSink } from "./sampleFanOut.js";

/**
 * Publishes each sample on {@link SAMPLE_CHANNEL}, only while someone subscribes: with no
 * subscriber the cost is one property read. The channel object is held here, so a subscription
 * made later by name reaches the same channel.
 *
 * @internal
 * @example
 * ```ts
 * const sink = diagnosticsChannelSink();
 * sink(sample); // no-op until diagnosticsChannel.subscribe(SAMPLE_CHANNEL, fn)
 * ```
 */
export function diagnosticsChannelSink(): SampleSink {
  const channel = diagnosticsChannel.channel(SAMPLE_CHANNEL);
  return (sample) => {
    if (channel.hasSubscribers) channel.publish(sample);
  };
}
