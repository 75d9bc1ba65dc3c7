import { setImmediate as nextTurn } from "node:timers/promises";
import { liveTimerCount } from "./liveTimers.js";
import type { ResourceSample } from "./memoryLine.js";

/** `global.gc`, which exists only under `node --expose-gc`. */
function forceGc(): () => void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== "function") throw new Error("the memory child needs `node --expose-gc`: heap samples are only comparable after a forced full GC");
  return gc;
}

function countByType(names: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/**
 * Samples the heap after full garbage collection (twice, with a turn of the event loop between,
 * so finalizers and weak callbacks released by the first run are collected by the second), and
 * counts what could leak besides memory: handles, timers, listeners.
 */
export async function takeSample(requests: number, slotListeners: (() => number) | undefined): Promise<ResourceSample> {
  const gc = forceGc();
  gc();
  await nextTurn();
  gc();
  const processListeners = process.eventNames().reduce((sum, event) => sum + process.listenerCount(event), 0);
  return {
    requests,
    heapUsedBytes: process.memoryUsage().heapUsed,
    activeResources: countByType(process.getActiveResourcesInfo()),
    liveTimers: liveTimerCount(),
    slotListeners: slotListeners === undefined ? null : slotListeners(),
    processListeners,
  };
}
