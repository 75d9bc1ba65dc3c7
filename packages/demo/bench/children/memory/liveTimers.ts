/**
 * Counts live timers, ref'd or not. `process.getActiveResourcesInfo()` lists only ref'd timers,
 * and a credential slot keeps its timers unref'd while idle, so a leak of those would not show
 * there. Wraps the global timer functions; import it first, before anything that sets timers.
 * Not covered: `timers/promises` and `AbortSignal.timeout` (nothing on this path uses them).
 */
import { promisify } from "node:util";

const live = new Set<object>();

const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const realSetInterval = globalThis.setInterval;
const realClearInterval = globalThis.clearInterval;

type TimerCallback = (...args: unknown[]) => void;

const countedSetTimeout = (callback: TimerCallback, delay?: number, ...args: unknown[]) => {
  if (typeof callback !== "function") return realSetTimeout(callback, delay, ...args); // let Node reject it as usual
  const timer = realSetTimeout(
    (...callbackArgs: unknown[]) => {
      live.delete(timer); // a fired timeout is done
      callback(...callbackArgs);
    },
    delay,
    ...args,
  );
  live.add(timer);
  return timer;
};
// util.promisify(setTimeout) must keep resolving after the delay, as Node's own does.
Object.defineProperty(countedSetTimeout, promisify.custom, { value: (realSetTimeout as unknown as Record<symbol, unknown>)[promisify.custom] });
globalThis.setTimeout = countedSetTimeout as unknown as typeof setTimeout;

globalThis.setInterval = ((callback: TimerCallback, delay?: number, ...args: unknown[]) => {
  const timer = realSetInterval(callback, delay, ...args);
  live.add(timer);
  return timer;
}) as typeof setInterval;

// Primitive timer ids are not tracked: resolving them would itself register every timer by id.
globalThis.clearTimeout = ((timer?: Parameters<typeof clearTimeout>[0]) => {
  if (typeof timer === "object" && timer !== null) live.delete(timer);
  realClearTimeout(timer);
}) as typeof clearTimeout;

globalThis.clearInterval = ((timer?: Parameters<typeof clearInterval>[0]) => {
  if (typeof timer === "object" && timer !== null) live.delete(timer);
  realClearInterval(timer);
}) as typeof clearInterval;

/** Timers set and neither fired (timeouts) nor cleared. */
export function liveTimerCount(): number {
  return live.size;
}
