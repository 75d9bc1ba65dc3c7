import type { Figure } from "../figure.js";
import { fanOutFigure } from "./fanOut.js";
import { requestPathFigure } from "./requestPath.js";

/** Every figure of `npm run bench`, in the order of docs/benchmarks.md. */
export const FIGURES: readonly Figure[] = [requestPathFigure, fanOutFigure];
