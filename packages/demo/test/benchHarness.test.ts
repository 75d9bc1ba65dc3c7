import { describe, expect, it } from "vitest";
import { benchmarksMarkdown } from "../bench/report.js";
import { alternateRounds, ratios, spread } from "../bench/rounds.js";
import { countBursts } from "../src/setupSummary.js";
import { percentile } from "../src/percentile.js";

describe("bench harness", () => {
  it("alternates the set-ups' order every round, so drift falls on all of them alike", async () => {
    const order: string[] = [];
    const setup = (name: string) => async () => {
      order.push(name);
      return order.length;
    };
    const results = await alternateRounds(3, { a: setup("a"), b: setup("b"), c: setup("c") });
    expect(order).toEqual(["a", "b", "c", "c", "b", "a", "a", "b", "c"]);
    expect(results).toEqual({ a: [1, 6, 7], b: [2, 5, 8], c: [3, 4, 9] });
  });

  it("spread gives min, median and max; ratios pair rounds", () => {
    expect(spread([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3 });
    expect(spread([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4 });
    expect(() => spread([])).toThrow(RangeError);
    expect(ratios([2, 9], [4, 3])).toEqual([0.5, 3]);
  });

  it("percentile is nearest-rank", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it("counts STS calls less than 2 s apart as one rotation", () => {
    expect(countBursts([])).toBe(0);
    expect(countBursts([0, 5, 1_999, 10_000, 10_001, 30_000])).toBe(3);
  });

  it("writes every goal with its verdict, the machine and the command into the markdown", () => {
    const markdown = benchmarksMarkdown({
      command: "npm run bench",
      startedAt: "2026-12-01T12:00:00Z",
      durationSeconds: 42,
      machine: { cpu: "Test CPU", cores: 2, memoryGiB: 24, node: "v20.20.2", platform: "linux x64", packages: { "@aws-sdk/core": "3.1.0" } },
      figures: [
        {
          id: "cpu",
          title: "CPU per request",
          method: "alternating rounds",
          table: [{ "set-up": "a | b", "µs": 12.5 }],
          goals: [
            { claim: "ratio", measured: "0.80", goal: "≤ 0.85", met: true },
            { claim: "other", measured: "1.2", goal: "≤ 1", met: false },
          ],
        },
      ],
      skipped: [{ id: "memory", how: "npm run bench -- --only memory (long)" }],
    });
    expect(markdown).toContain("npm run bench");
    expect(markdown).toContain("Test CPU, 2 cores");
    expect(markdown).toContain("| [CPU per request](#cpu) | ratio | 0.80 | ≤ 0.85 | yes |");
    expect(markdown).toContain("| [CPU per request](#cpu) | other | 1.2 | ≤ 1 | **no** |");
    expect(markdown).toContain("| a \\| b | 12.5 |");
    expect(markdown).toContain("`memory`: npm run bench -- --only memory (long)");
  });
});
