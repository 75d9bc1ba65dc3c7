/**
 * The two container credentials endpoints the emulator serves on its loopback port:
 * EKS Pod Identity's agent (`/v1/credentials`, at http://169.254.170.23 in a pod) and
 * ECS's (`/v2/credentials/<id>`, at http://169.254.170.2 in a task).
 */
export type ContainerEndpoint = { readonly kind: "eksPodIdentity" } | { readonly kind: "ecs"; readonly id: string };

const ECS_PATH = /^\/v2\/credentials\/([^/]+)$/;

/** The endpoint a request path names, or `undefined` when it is no container credentials path. */
export function containerEndpoint(rawPath: string): ContainerEndpoint | undefined {
  if (rawPath === "/v1/credentials") return { kind: "eksPodIdentity" };
  const ecs = ECS_PATH.exec(rawPath);
  return ecs ? { kind: "ecs", id: ecs[1] as string } : undefined;
}
