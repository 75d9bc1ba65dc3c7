export { startEmulator } from "./startEmulator.js";
export type { Emulator, IssuedCredentials } from "./startEmulator.js";
export { CONTAINER_MODES, STS_MODES } from "./options.js";
export type { ContainerMode, EmulatorOptions, EmulatorSettings, EmulatorSettingsUpdate, Latency, ServiceFault, StsMode } from "./options.js";
export { EmulatorRecords } from "./records.js";
export type { ContainerCallRecord, ServiceRequestRecord, StsCallRecord } from "./records.js";
export type { StaticKey } from "./keyStore.js";
export type { ServiceName } from "./awsError.js";
