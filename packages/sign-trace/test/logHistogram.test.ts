import { describe, expect, test } from "vitest";
import { BUCKET_COUNT, bucketOf, bucketValue, LogHistogram, LOWEST_MS, MAX_RELATIVE_ERROR } from "../src/summary/logHistogram.js";

const OVERFLOW = BUCKET_COUNT - 1;

describe("bucketOf", () => {
  test.each([
    ["negative", -1, 0],
    ["NaN", Number.NaN, 0],
    ["zero", 0, 0],
    ["under 1 µs", 0.0009, 0],
    ["1 µs", 0.001, 1],
    ["2 µs, one octave up", 0.002, 9],
    ["1 ms", 1, 80],
    ["300 ms, an STS call", 300, 1 + Math.floor(Math.log2(300_000) * 8)],
    ["just under 60 s", 59_999, OVERFLOW - 1],
    ["60 s", 60_000, OVERFLOW],
    ["an hour", 3_600_000, OVERFLOW],
    ["Infinity", Number.POSITIVE_INFINITY, OVERFLOW],
  ])("%s (%d ms) → bucket %d", (_name, ms, bucket) => {
    expect(bucketOf(ms)).toBe(bucket);
  });

  test("is monotonic, and every bucket's reported value falls back into that bucket", () => {
    let previous = 0;
    for (let ms = LOWEST_MS / 4; ms < 120_000; ms *= 1.01) {
      const bucket = bucketOf(ms);
      expect(bucket).toBeGreaterThanOrEqual(previous);
      previous = bucket;
    }
    for (let bucket = 1; bucket < OVERFLOW; bucket++) expect(bucketOf(bucketValue(bucket))).toBe(bucket);
  });
});

describe("LogHistogram", () => {
  // A deterministic log-uniform spread from 1 µs to 60 s, and a bimodal one like a stock client.
  function lcg(seed: number): () => number {
    let state = seed;
    return () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  }
  const random = lcg(42);
  const logUniform = Array.from({ length: 5_000 }, () => LOWEST_MS * (60_000 / LOWEST_MS) ** random());
  const bimodal = Array.from({ length: 1_000 }, (_, i) => (i % 20 === 0 ? 300 + (i % 7) : 0.05 + (i % 13) / 100));

  test.each([
    ["log-uniform 1 µs – 60 s", logUniform],
    ["bimodal: fast, and 5% waiting 300 ms on STS", bimodal],
    ["one value", [42]],
    ["all equal", Array.from({ length: 100 }, () => 0.3)],
  ])("%s: p50/p90/p99 within the documented relative error, max exact", (_name, values) => {
    const histogram = new LogHistogram();
    for (const value of values) histogram.record(value);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.99]) {
      const exact = sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
      expect(Math.abs(histogram.quantile(q) - exact) / exact).toBeLessThanOrEqual(MAX_RELATIVE_ERROR + 1e-9);
    }
    expect(histogram.max).toBe(sorted.at(-1));
    expect(histogram.quantile(1)).toBe(sorted.at(-1));
    expect(histogram.count).toBe(values.length);
  });

  test("the documented error bound is 2^(1/16) − 1, about 4.4%", () => {
    expect(MAX_RELATIVE_ERROR).toBeCloseTo(0.0443, 4);
  });

  test("empty reads 0; invalid values count as 0; add merges; reset empties", () => {
    const a = new LogHistogram();
    expect([a.count, a.quantile(0.5), a.max]).toEqual([0, 0, 0]);
    a.record(Number.NaN);
    a.record(-3);
    expect([a.count, a.quantile(0.99), a.max]).toEqual([2, 0, 0]);
    const b = new LogHistogram();
    b.record(10);
    b.record(1_000);
    a.add(b);
    expect([a.count, a.max, a.min]).toEqual([4, 1_000, 0]);
    a.reset();
    expect([a.count, a.max, a.counts.every((c) => c === 0)]).toEqual([0, 0, true]);
  });
});
