/** The container credentials endpoint (ECS / EKS Pod Identity), with its token checks and faults. */
export { containerEndpoint } from "./containerEndpoint.js";
export type { ContainerEndpoint } from "./containerEndpoint.js";
export { handleContainer } from "./containerService.js";
