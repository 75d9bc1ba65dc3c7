import { describe, expect, it } from "vitest";
import { interleavedRound, runCpuTask, type CpuSetups } from "../bench/cpuRounds.js";
import { fanOutGoals, type FanOutRow } from "../bench/figures/fanOut.js";
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

  it("interleaves the set-ups block by block, alternating their order, and gives CPU µs per request", async () => {
    const sent: string[] = [];
    const setups: CpuSetups<"a" | "b" | "c"> = {
      label: "test",
      names: ["a", "b", "c"],
      send: async (name, count) => void sent.push(`${name}${count}`),
      finish: async () => ({}),
    };
    const micros = await interleavedRound(setups, 5, 2, false);
    expect(sent).toEqual(["a2", "b2", "c2", "c2", "b2", "a2", "a1", "b1", "c1"]);
    expect(Object.keys(micros)).toEqual(["a", "b", "c"]);
    for (const value of Object.values(micros)) expect(value).toBeGreaterThanOrEqual(0);
    sent.length = 0;
    await interleavedRound(setups, 4, 2, true);
    expect(sent).toEqual(["c2", "b2", "a2", "a2", "b2", "c2"]);
  });

  it("runs a measuring process's task: warm-up, every round, one progress line a round, the final check on all requests", async () => {
    const sent: Record<string, number> = { a: 0, b: 0 };
    let checked: number | undefined;
    const setups: CpuSetups<"a" | "b"> = {
      label: "test figure",
      names: ["a", "b"],
      send: async (name, count) => void (sent[name]! += count),
      finish: async (requests) => {
        checked = requests;
        return { a: sent.a! };
      },
    };
    const lines: string[] = [];
    const plan = { rounds: 3, requestsPerRound: 10, blockRequests: 4, warmUpRequests: 2, processes: 2 };
    const line = await runCpuTask(setups, { bench: "cpu-per-request", plan, requestsPerRound: 5, process: 1 }, (progress) => lines.push(progress));
    expect(sent).toEqual({ a: 2 + 3 * 5, b: 2 + 3 * 5 });
    expect(checked).toBe(17);
    expect(line.requestsPerRound).toBe(5);
    expect(line.facts).toEqual({ a: 17 });
    for (const values of Object.values(line.cpuMicrosPerRequest)) expect(values).toHaveLength(3);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^test figure round 1\/3, process 2: µs CPU per request: a \d/);
  });

  it("fan-out: awscreds meets its goal when every client count makes the 1-client count of STS calls, at most one per rotation + the first fetch", () => {
    const rows = (awscreds: number[], stock: number[]): FanOutRow[] =>
      [1, 10, 100].flatMap((clients, i) => [
        { clients, side: "awscreds" as const, stsCalls: awscreds[i]!, failed: 0 },
        { clients, side: "stock" as const, stsCalls: stock[i]!, failed: 0 },
      ]);
    const verdicts = (awscreds: number[], stock = [3, 30, 300]) => fanOutGoals(rows(awscreds, stock), 3).map((goal) => goal.met);
    expect(verdicts([4, 4, 4])).toEqual([true, true, true]);
    // However close together the calls came (the old burst count saw 1.25 here), equal counts meet it.
    expect(verdicts([3, 3, 3])).toEqual([true, true, true]);
    expect(verdicts([4, 4, 5])).toEqual([false, true, true]);
    expect(verdicts([4, 5, 4])).toEqual([false, true, true]);
    expect(verdicts([5, 5, 5])).toEqual([false, true, true]); // more than one per rotation
    expect(verdicts([4, 4, 4], [3, 30, 30])).toEqual([true, false, true]); // stock must grow with clients
    expect(fanOutGoals(rows([4, 4, 4], [3, 30, 300]), 3)[0]?.measured).toBe("1: 4, 10: 4, 100: 4");
    const failed = rows([4, 4, 4], [3, 30, 300]).map((row, i) => (i === 3 ? { ...row, failed: 2 } : row));
    expect(fanOutGoals(failed, 3)[2]).toMatchObject({ measured: "2", met: false });
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
    expect(markdown).not.toContain("Kept from earlier runs");
  });

  it("names the figures kept from earlier runs (--merge) and how busy the machine was", () => {
    const figure = (id: string, startedAt: string) => ({ id, title: id, method: "m", table: [], goals: [], run: { command: `npm run bench -- --only ${id}`, startedAt, durationSeconds: 1800 } });
    const markdown = benchmarksMarkdown({
      command: "npm run bench",
      startedAt: "2026-12-01T12:00:00Z",
      durationSeconds: 420,
      machine: { cpu: "Test CPU", cores: 2, memoryGiB: 24, node: "v20.20.2", platform: "linux x64", packages: {} },
      loadAverage: { median: 3.2, max: 6.5, samples: 29 },
      figures: [figure("cpu", "2026-12-01T12:00:00Z"), figure("memory", "2026-11-30T08:00:00Z")],
      skipped: [],
    });
    expect(markdown).toContain("Kept from earlier runs (`--merge`), on the same page: [memory](#memory) (`npm run bench -- --only memory`, 2026-11-30T08:00:00Z, 1800 s).");
    expect(markdown).not.toContain("[cpu](#cpu) (`");
    expect(markdown).toContain("```sh\nnpm run bench -- --only memory\nnpm run bench -- --merge\n```");
    expect(markdown).toContain("1-minute load average during the run: median 3.2, max 6.5 on 2 cores (29 samples); other processes shared the machine");
  });
});
