/** The refresh policy: pure functions from a slot's state and the clock to its next action, no timers or I/O. */
export { classifyError } from "./classifyError.js";
export { decide, isUsable, planRefresh, planRetry, planRetryOnDemand } from "./refreshPolicy.js";
export type { RefreshDecision, RefreshInput, RetryInput } from "./refreshPolicy.js";
export { DEFAULT_REFRESH_POLICY, resolveRefreshPolicy } from "./resolveRefreshPolicy.js";
export type { RefreshPolicyOptions } from "./resolveRefreshPolicy.js";
export { validateCredentials } from "./validateCredentials.js";
