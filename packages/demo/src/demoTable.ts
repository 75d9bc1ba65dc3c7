import Table from "cli-table3";
import type { SetupSummary } from "./setupSummary.js";

const ms = (value: number) => (Number.isNaN(value) ? "–" : value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`);

/** The demo's table, one row per set-up, as text for the terminal. */
export function demoTable(summaries: readonly SetupSummary[]): string {
  const table = new Table({
    head: ["set-up", "requests", "failed", "p50", "p99", "max", "> 100 ms", "STS calls", "rotations", "signature failures"],
    colAligns: ["left", "right", "right", "right", "right", "right", "right", "right", "right", "right"],
    style: { head: [], border: [] },
  });
  for (const row of summaries) {
    table.push([row.setup, row.requests, row.failed, ms(row.p50Ms), ms(row.p99Ms), ms(row.maxMs), row.slowerThan100Ms, row.stsCalls, row.rotations, row.signatureFailures]);
  }
  return table.toString();
}
