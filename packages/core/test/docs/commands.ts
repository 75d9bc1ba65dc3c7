// The commands of the docs' ```sh blocks, split into words the way a shell would (enough of it:
// quotes, `&&`, `||`, `;`, `|`, comments, `VAR=value` prefixes and `\` line continuations).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPOSITORY, type CodeBlock } from "./markdown.js";

export interface Command {
  readonly block: CodeBlock;
  /** 1-based line in the page. */
  readonly line: number;
  /** The command as written, for messages. */
  readonly text: string;
  /** Its words, quotes removed, `VAR=value` prefixes and `kubectl exec … --` left out. */
  readonly words: readonly string[];
}

function words(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g)) found.push(match[1] ?? match[2]?.replace(/\\(.)/g, "$1") ?? match[3]!);
  return found;
}

/** Every command of an sh block, in order. */
export function commands(block: CodeBlock): Command[] {
  const lines = block.code.split("\n");
  const found: Command[] = [];
  for (let i = 0; i < lines.length; i++) {
    const first = i;
    let text = lines[i]!;
    while (text.endsWith("\\") && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i]!}`;
    text = text.replace(/(^|\s)#.*$/, "").trim(); // a comment (never inside the quotes these pages use)
    if (text === "") continue;
    for (const part of text.split(/\s*(?:&&|\|\||;|\|)\s*/)) {
      let parts = words(part);
      while (parts.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(parts[0]!)) parts = parts.slice(1);
      if (parts[0] === "kubectl" && parts.includes("--")) parts = parts.slice(parts.indexOf("--") + 1);
      if (parts.length > 0) found.push({ block, line: block.line + 1 + first, text: part, words: parts });
    }
  }
  return found;
}

interface PackageJson {
  readonly name?: string;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly scripts?: Record<string, string>;
  readonly bin?: string | Record<string, string>;
}

function packageJson(path: string): PackageJson {
  return JSON.parse(readFileSync(path, "utf8")) as PackageJson;
}

/** The root package.json's scripts. */
export function scripts(): Record<string, string> {
  return packageJson(join(REPOSITORY, "package.json")).scripts ?? {};
}

function workspaceManifests(): PackageJson[] {
  const manifests: PackageJson[] = [];
  for (const name of readdirSync(join(REPOSITORY, "packages"))) {
    try {
      manifests.push(packageJson(join(REPOSITORY, "packages", name, "package.json")));
    } catch {
      // not a package
    }
  }
  return manifests;
}

/** What a page may tell a reader to `npm install`: the workspace packages and what they depend on. */
export function installable(): Set<string> {
  const names = new Set<string>();
  for (const manifest of workspaceManifests()) {
    if (manifest.name !== undefined) names.add(manifest.name);
    for (const list of [manifest.dependencies, manifest.devDependencies, manifest.peerDependencies]) for (const dependency of Object.keys(list ?? {})) names.add(dependency);
  }
  return names;
}

/**
 * The workspace packages' bins, each mapped to the source file it is built from: the built
 * path `dist/[esm|commonjs/]X.js` comes from `src/X.ts`. Tests never depend on a build.
 */
export function workspaceBins(): Map<string, string> {
  const bins = new Map<string, string>();
  for (const name of readdirSync(join(REPOSITORY, "packages"))) {
    let manifest: PackageJson;
    try {
      manifest = packageJson(join(REPOSITORY, "packages", name, "package.json"));
    } catch {
      continue;
    }
    const entries = typeof manifest.bin === "string" ? { [manifest.name ?? name]: manifest.bin } : (manifest.bin ?? {});
    for (const [bin, path] of Object.entries(entries)) {
      const source = path.replace(/^\.\//, "").replace(/^dist\/(?:esm\/|commonjs\/)?/, "src/").replace(/\.[cm]?js$/, ".ts");
      bins.set(bin, join("packages", name, source));
    }
  }
  return bins;
}
