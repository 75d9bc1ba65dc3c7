import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** The packages this repository publishes, by workspace folder. */
export const PUBLIC_PACKAGES = ["core", "sign-trace", "emulator"] as const;
export type PublicPackage = (typeof PUBLIC_PACKAGES)[number];

export interface PackedPackage {
  readonly folder: PublicPackage;
  readonly name: string;
  readonly version: string;
  /** Absolute path of the .tgz. */
  readonly tarball: string;
  /** Paths inside the tarball, relative to its package/ folder. */
  readonly files: readonly string[];
}

interface NpmPackEntry {
  name: string;
  version: string;
  filename: string;
  files: Array<{ path: string }>;
}

/**
 * `npm pack`s each public package into `destination` exactly as `npm publish` would: its
 * `prepack` script builds it first, so a package that forgot to build fails here, not for a user.
 */
export function packWorkspaces(destination: string): PackedPackage[] {
  const workspaces = PUBLIC_PACKAGES.flatMap((folder) => ["--workspace", `packages/${folder}`]);
  const output = execFileSync("npm", ["pack", "--json", "--pack-destination", destination, ...workspaces], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  const entries = JSON.parse(output.slice(output.indexOf("["))) as NpmPackEntry[];
  return PUBLIC_PACKAGES.map((folder, index) => {
    const entry = entries[index];
    if (entry === undefined) throw new Error(`npm pack gave no entry for packages/${folder}`);
    return { folder, name: entry.name, version: entry.version, tarball: join(destination, entry.filename), files: entry.files.map((file) => file.path) };
  });
}
