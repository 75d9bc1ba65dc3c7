import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, describe, expect, it } from "vitest";
import type { SetupSummary } from "../src/setupSummary.js";
import { SETUP_NAMES } from "../src/setups.js";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const STS_LATENCY_MS = 1000;

type Node = Record<string, unknown>;
/** Every element named `tag` in a parsed XML tree, depth first. */
function elements(node: unknown, tag: string, found: Node[] = []): Node[] {
  if (Array.isArray(node)) for (const child of node) elements(child, tag, found);
  else if (node !== null && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === tag) for (const element of [value].flat()) found.push(element as Node);
      elements(value, tag, found);
    }
  }
  return found;
}

describe("npm start: the demo", () => {
  const out = mkdtempSync(join(tmpdir(), "awscreds-demo-test-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const chartPath = join(out, "chart.svg");
  // One short run shared by the assertions below: 6 s of traffic, a rotation every 4 s.
  const run = promisify(execFile)(
    process.execPath,
    ["--import", "tsx", MAIN, "--duration", "6", "--rotation", "4", "--rate", "10", "--sts-latency", String(STS_LATENCY_MS), "--out", chartPath],
    { env: { ...process.env, INIT_CWD: out }, timeout: 60_000 },
  );

  it("prints a table with the four set-ups and the chart's path", async () => {
    const { stdout } = await run;
    for (const name of SETUP_NAMES) expect(stdout).toMatch(new RegExp(`│ ${name.replace(/[()]/g, "\\$&")} +│`));
    expect(stdout).toContain(`chart:   ${chartPath}`);
  }, 60_000);

  it("awscreds' slowest request is faster than STS, fromTokenFile()'s waited on it, and every signature held", async () => {
    await run;
    const figures = JSON.parse(readFileSync(chartPath.replace(/\.svg$/, ".json"), "utf8")) as { setups: SetupSummary[]; fairRotations: boolean };
    expect(figures.setups.map((row) => row.setup)).toEqual(SETUP_NAMES);
    const row = (name: string) => figures.setups.find((summary) => summary.setup === name)!;
    expect(row("awscreds").maxMs).toBeLessThan(STS_LATENCY_MS);
    expect(row("fromTokenFile()").maxMs).toBeGreaterThan(STS_LATENCY_MS);
    expect(row("awscreds").rotations).toBeGreaterThanOrEqual(2); // it did refresh during the run
    expect(figures.fairRotations).toBe(true);
    for (const summary of figures.setups) {
      expect(summary.requests).toBe(60);
      expect(summary.failed).toBe(0);
      expect(summary.signatureFailures).toBe(0);
    }
  }, 60_000);

  it("writes an SVG chart that parses and holds one series of points per set-up", async () => {
    await run;
    const svg = readFileSync(chartPath, "utf8");
    expect(XMLValidator.validate(svg)).toBe(true);
    const tree = new XMLParser({ ignoreAttributes: false }).parse(svg);
    const series = elements(tree, "g").filter((g) => String(g["@_class"]).startsWith("mark-symbol role-mark"));
    expect(series).toHaveLength(SETUP_NAMES.length);
    for (const lane of series) expect(elements(lane, "path")).toHaveLength(60);
    const texts = elements(tree, "text").map((text) => (typeof text === "object" ? text["#text"] : text));
    for (const name of SETUP_NAMES) expect(texts).toContain(name);
  }, 60_000);
});
