/** A SigV4-verified in-memory Lambda (REST-JSON; Invoke echoes its payload). */
export { LambdaService, lambdaOperation } from "./lambdaService.js";
