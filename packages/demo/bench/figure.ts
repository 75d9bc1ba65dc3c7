/** Min, median and max of one quantity over the rounds of a benchmark. */
export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/** One figure of `npm run bench`: what was measured, how, the ratios and whether each goal holds. */
export interface FigureResult {
  /** Short id, e.g. `cpu-per-request`; the JSON key and the markdown anchor. */
  readonly id: string;
  readonly title: string;
  /** What was run, in one or two sentences (set-ups, requests per round, rounds). */
  readonly method: string;
  /** Rows of the figure's markdown table: column name → cell (numbers are formatted by the report). */
  readonly table: ReadonlyArray<Readonly<Record<string, string | number>>>;
  /** Each claim, with its measured value and goal; `met` is decided by the figure, not by hand. */
  readonly goals: ReadonlyArray<{ readonly claim: string; readonly measured: string; readonly goal: string; readonly met: boolean }>;
  /** Raw numbers, kept in the JSON for whoever wants to re-plot them. */
  readonly raw?: unknown;
}

/** What every figure's `run` gets: `quick` shrinks it to a smoke run (tests), `long` enables the opt-in long figures. */
export interface FigureOptions {
  readonly quick: boolean;
  /** Progress lines for the person waiting ("round 3/7 …"); never part of the results. */
  readonly log: (line: string) => void;
}

export interface Figure {
  readonly id: string;
  /** Long figures run only with `npm run bench -- --long` (or `--only <id>`). */
  readonly long?: boolean;
  run(options: FigureOptions): Promise<FigureResult>;
}
