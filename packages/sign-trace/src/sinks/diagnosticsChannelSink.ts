import diagnosticsChannel from "node:diagnostics_channel";
import { SAMPLE_CHANNEL } from "../names.js";
import type { SampleSink } from "./sampleFanOut.js";

/**
 * Publishes each sample on {@link SAMPLE_CHANNEL}, and listens only while someone subscribes:
 * with no subscriber (and no other sink listening) a call is not timed at all. The channel object
 * is held here, so a subscription made later by name reaches the same channel.
 *
 * @internal
 * @example
 * ```ts
 * const sink = diagnosticsChannelSink();
 * sink.listensTo?.(context); // false until diagnosticsChannel.subscribe(SAMPLE_CHANNEL, fn)
 * ```
 */
export function diagnosticsChannelSink(): SampleSink {
  const channel = diagnosticsChannel.channel(SAMPLE_CHANNEL);
  return {
    listensTo: () => channel.hasSubscribers,
    take: (sample) => channel.publish(sample),
  };
}
