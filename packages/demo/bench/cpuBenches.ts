import type { CpuBenchId, CpuSetups } from "./cpuRounds.js";
import { cpuPerRequestSetups } from "./figures/cpuPerRequest.js";
import { signTraceOverheadSetups } from "./figures/signTraceOverhead.js";

/** Builds a CPU figure's set-ups, in the process that measures them (children/cpuRounds.ts). */
export function createCpuSetups(bench: CpuBenchId): Promise<CpuSetups> {
  switch (bench) {
    case "cpu-per-request":
      return cpuPerRequestSetups();
    case "sign-trace-overhead":
      return signTraceOverheadSetups();
  }
}
