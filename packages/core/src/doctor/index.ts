/** `awscreds doctor`: checks this environment's credential set-up and explains what to fix. */
export { formatText } from "./formatText.js";
export { runDoctor } from "./runDoctor.js";
