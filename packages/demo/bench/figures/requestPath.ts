import { runDemo } from "../../src/runDemo.js";
import type { SetupSummary } from "../../src/setupSummary.js";
import { SETUP_NAMES } from "../../src/setups.js";
import type { SetupName } from "../../src/setups.js";
import type { Figure, FigureResult } from "../figure.js";
import { spread } from "../rounds.js";

const STS_LATENCY_MS = 1000;

/**
 * The request path across rotations: the demo's four set-ups side by side (same STS, same
 * rate, same rotations) for several rounds. The set-ups run concurrently within a round, so
 * they share the machine's state at every instant; rounds give the spread.
 */
export const requestPathFigure: Figure = {
  id: "request-path",
  async run({ quick, log }): Promise<FigureResult> {
    const rounds = quick ? 1 : 3;
    const durationMs = quick ? 6_000 : 40_000;
    const rotationSeconds = quick ? 4 : 10;
    const rate = 20;
    const perRound: SetupSummary[][] = [];
    for (let round = 0; round < rounds; round++) {
      log(`request path: round ${round + 1}/${rounds} (${durationMs / 1000} s)`);
      const result = await runDemo({ durationMs, stsLatencyMs: STS_LATENCY_MS, rate, rotationSeconds, region: "eu-west-1" });
      perRound.push([...result.setups]);
    }
    const of = (name: SetupName) => perRound.map((round) => round.find((row) => row.setup === name)!);
    const values = (name: SetupName, pick: (row: SetupSummary) => number) => spread(of(name).map(pick));
    const fmt = (s: { min: number; median: number; max: number }, digits = 1) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;

    const maxOverStatic = spread(perRound.map((round) => round.find((r) => r.setup === "awscreds")!.maxMs - round.find((r) => r.setup === "static keys")!.maxMs));
    const awsCredsSlow = values("awscreds", (row) => row.slowerThan100Ms);
    const stockMax = Math.min(...(["fromTokenFile()", "default chain"] as const).flatMap((name) => of(name).map((row) => row.maxMs)));
    const awsCredsRotations = values("awscreds", (row) => row.rotations);
    const failures = perRound.flat().reduce((sum, row) => sum + row.signatureFailures + row.failed, 0);

    return {
      id: this.id,
      title: "Request path across rotations",
      method:
        `The \`npm start\` workload: DynamoDB + S3, open loop at ${rate} requests/s per set-up, all four set-ups at once against one emulated STS answering in ${STS_LATENCY_MS} ms; ` +
        `keys valid for the SDK's 5-minute window + ${rotationSeconds} s, so each set-up rotates every ~${rotationSeconds} s; ${rounds} round(s) of ${durationMs / 1000} s. Cells: median (min–max) over rounds.`,
      table: SETUP_NAMES.map((name) => ({
        "set-up": name,
        requests: fmt(values(name, (row) => row.requests), 0),
        "p50 ms": fmt(values(name, (row) => row.p50Ms)),
        "p99 ms": fmt(values(name, (row) => row.p99Ms)),
        "max ms": fmt(values(name, (row) => row.maxMs)),
        "> 100 ms": fmt(values(name, (row) => row.slowerThan100Ms), 0),
        "STS calls": fmt(values(name, (row) => row.stsCalls), 0),
        rotations: fmt(values(name, (row) => row.rotations), 0),
      })),
      goals: [
        { claim: "awscreds max − static-key max (per round)", measured: `${fmt(maxOverStatic)} ms`, goal: "≤ 10 ms", met: maxOverStatic.max <= 10 },
        { claim: "awscreds requests slower than 100 ms", measured: `${awsCredsSlow.max} (worst round)`, goal: "0", met: awsCredsSlow.max === 0 },
        { claim: "stock set-ups' max shows the STS latency", measured: `lowest stock max ${stockMax.toFixed(0)} ms`, goal: `≥ ${STS_LATENCY_MS} ms`, met: stockMax >= STS_LATENCY_MS },
        { claim: "awscreds rotations per round", measured: fmt(awsCredsRotations, 0), goal: "≥ 3", met: awsCredsRotations.min >= 3 },
        { claim: "failed requests and signature failures, all set-ups", measured: String(failures), goal: "0", met: failures === 0 },
      ],
      raw: perRound,
    };
  },
};
