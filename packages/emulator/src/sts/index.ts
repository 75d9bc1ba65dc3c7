/** STS over its wire protocol: AssumeRoleWithWebIdentity, AssumeRole, GetCallerIdentity, with faults and latency. */
export { isStsRequest, stsParams } from "./stsParams.js";
export { CREDENTIAL_ACTIONS, handleSts } from "./stsService.js";
