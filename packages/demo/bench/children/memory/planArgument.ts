import type { RequestPlan } from "./memoryLine.js";

/** Reads the plan the parent passed as the child's one argument (JSON). */
export function planArgument(): RequestPlan {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error("the memory child takes its RequestPlan as one JSON argument");
  const plan = JSON.parse(raw) as RequestPlan;
  for (const field of ["requests", "batchSize", "firstSampleAt", "sampleEvery"] as const) {
    if (!(Number.isInteger(plan[field]) && plan[field] > 0)) throw new Error(`RequestPlan.${field} must be a positive integer, got ${String(plan[field])}`);
  }
  return plan;
}
