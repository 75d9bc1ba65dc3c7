import type { Spread } from "./figure.js";

/** Min, median and max of `values` (the median of an even count is the mean of the middle two). */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError("spread() of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}

/**
 * Runs `rounds` rounds of every set-up, alternating their order each round (A B C, then C B A, …),
 * so drift of the machine (thermal, another process, GC debt) falls on all set-ups alike.
 * Returns each set-up's measurements, in round order.
 */
export async function alternateRounds<Name extends string>(
  rounds: number,
  setups: Readonly<Record<Name, () => Promise<number>>>,
  onRound?: (round: number, name: Name, value: number) => void,
): Promise<Record<Name, number[]>> {
  const names = Object.keys(setups) as Name[];
  const results = Object.fromEntries(names.map((name) => [name, [] as number[]])) as unknown as Record<Name, number[]>;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const value = await setups[name]();
      results[name].push(value);
      onRound?.(round, name, value);
    }
  }
  return results;
}

/** Per-round ratios `numerator[i] / denominator[i]`: both measured in the same round, side by side. */
export function ratios(numerator: readonly number[], denominator: readonly number[]): number[] {
  return numerator.map((value, i) => value / denominator[i]!);
}
