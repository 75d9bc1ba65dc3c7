// docs/peer-scenarios.md shows the rows of peerScenarios.test.ts; this keeps the two in step.
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";

const rowsSource = readFileSync(new URL("./peerScenarios.test.ts", import.meta.url), "utf8");
const page = readFileSync(new URL("../../../docs/peer-scenarios.md", import.meta.url), "utf8");

/** Each row's `peer` and `differs` strings, the latter joined from its `"…" + "…"` pieces. */
function rows(source: string): Array<{ peer: string; differs: string }> {
  const found: Array<{ peer: string; differs: string }> = [];
  const row = /peer: "([^"]+)"[\s\S]*?differs:\s*((?:"(?:[^"\\]|\\.)*"\s*\+?\s*)+)/g;
  for (const match of source.matchAll(row)) {
    const pieces = [...match[2]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((piece) => piece[1]!.replace(/\\"/g, '"'));
    found.push({ peer: match[1]!, differs: pieces.join("") });
  }
  return found;
}

test("docs/peer-scenarios.md has one table row per peer scenario row, with its text", () => {
  const expected = rows(rowsSource);
  expect(expected.length).toBeGreaterThanOrEqual(23);
  const tableRows = page.split("\n").filter((line) => line.startsWith("| #"));
  expect(tableRows).toEqual(expected.map(({ peer, differs }) => `| ${peer} | ${differs.replace(/\|/g, "\\|")} |`));
});
