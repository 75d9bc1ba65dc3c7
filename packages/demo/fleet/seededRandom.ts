/**
 * Deterministic uniform random numbers in [0, 1), so a fleet run is reproducible: the same seed
 * gives the same start offsets, STS latencies and jitter draws, in the run with jitter and in the
 * run without. Quality is ample for a simulation (xorshift32), not for anything secret.
 */

/** Scrambles a 32-bit integer so that neighbouring seeds start far apart (a 32-bit avalanche). */
function scramble(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A stream of uniform numbers in [0, 1) named by integers: `seededRandom(seed, slot, purpose)`
 * always yields the same sequence, and different names yield unrelated ones.
 *
 * @example
 * ```ts
 * const latency = seededRandom(42, 7, 2);
 * latency(); // 0.31…, the same on every run
 * ```
 */
export function seededRandom(...name: readonly number[]): () => number {
  let state = name.reduce((h, part) => scramble(h ^ scramble(part + 0x9e3779b9)), 0x6a09e667) || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}
