import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./packWorkspaces.js";

/** The README's quick start: its first ```ts block (whatever the info string adds), as a user copies it (ESM, top-level await). */
export function readmeQuickStart(): string {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const block = /```ts[^\n]*\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error("README.md has no ```ts block");
  return block;
}

const IMPORT = /^import \{([^}]*)\} from ("[^"]+");$/gm;

/**
 * The same code as a CommonJS user writes it: `require` for each import, the rest in an async
 * function (CommonJS has no top-level await). `keepImports` leaves the import lines (a .cts
 * file, where TypeScript itself turns them into requires).
 */
export function asCommonJs(esm: string, { keepImports = false } = {}): string {
  const imports = [...esm.matchAll(IMPORT)].map((match) => (keepImports ? match[0] : `const {${match[1]}} = require(${match[2]});`));
  const body = esm.replace(IMPORT, "").trim();
  if (imports.length === 0) throw new Error("the quick start has no import line to turn into a require");
  return `${imports.join("\n")}\n\n(async () => {\n${body}\n})().catch((error) => {\n  console.error(error);\n  process.exitCode = 1;\n});\n`;
}

/**
 * The same code as an AWS Lambda handler module: the imports at the top, the rest inside
 * `export const handler = async () => { … }` (a bundle in CommonJS format has no top-level await).
 */
export function asLambdaHandler(esm: string): string {
  const imports = [...esm.matchAll(IMPORT)].map((match) => match[0]);
  const body = esm.replace(IMPORT, "").trim();
  return `${imports.join("\n")}\n\nexport const handler = async () => {\n${body}\n};\n`;
}
