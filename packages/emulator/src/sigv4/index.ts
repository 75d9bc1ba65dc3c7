/** The service-side SigV4 check: the emulator's own canonical request, compared with @smithy/signature-v4's. */
export { verifySigV4 } from "./verifySigV4.js";
export type { AuthOutcome } from "./verifySigV4.js";
