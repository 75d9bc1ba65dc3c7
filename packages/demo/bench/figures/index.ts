import type { Figure } from "../figure.js";
import { coldStartFigure } from "./coldStart.js";
import { cpuPerRequestFigure } from "./cpuPerRequest.js";
import { fanOutFigure } from "./fanOut.js";
import { memoryFigure } from "./memory.js";
import { requestPathFigure } from "./requestPath.js";
import { signTraceOverheadFigure } from "./signTraceOverhead.js";

/** Every figure of `npm run bench`, in the order of docs/benchmarks.md. */
export const FIGURES: readonly Figure[] = [requestPathFigure, coldStartFigure, fanOutFigure, cpuPerRequestFigure, signTraceOverheadFigure, memoryFigure];
