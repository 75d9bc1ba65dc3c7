// The options tables of the docs are checked against the TypeScript types, read by TypeDoc from
// the packages' public entry points, so options and defaults cannot drift:
// - docs/configuration.md has a table for every exported `…Options` interface of the three
//   packages, and for every exported function whose parameter is an inline options object;
// - each table marked `<!-- options: Name -->` (on any page) lists exactly the type's options,
//   nested objects flattened (`sts.mode`), and gives each one's JSDoc `@default`: its text, code
//   spans aside; "required" for a required option without one; "none" (and any more words) for
//   an optional one without one;
// - every table on docs/configuration.md is such a table.
import { Application, Comment, ReflectionKind, type DeclarationReflection, type ProjectReflection, type SomeType } from "typedoc";
import { fileURLToPath } from "node:url";
import { beforeAll, expect, test } from "vitest";
import { docPages, tables, type Table } from "./docs/markdown.js";

const TSCONFIG = fileURLToPath(new URL("./docs/typedoc.tsconfig.json", import.meta.url));
const ENTRY_POINTS = ["core", "sign-trace", "emulator"].map((pkg) => fileURLToPath(new URL(`../../${pkg}/src/index.ts`, import.meta.url)));

let project: ProjectReflection;
beforeAll(async () => {
  const app = await Application.bootstrapWithPlugins({
    entryPoints: ENTRY_POINTS,
    tsconfig: TSCONFIG,
    skipErrorChecking: true,
    excludeExternals: true,
    logLevel: "Error",
    readme: "none",
    plugin: [],
  });
  const converted = await app.convert();
  if (converted === undefined) throw new Error("TypeDoc could not convert the packages");
  project = converted;
}, 120_000);

interface Option {
  readonly name: string;
  readonly optional: boolean;
  readonly defaultText: string | undefined;
}

/** Code fences, code spans, `{@link X}` and runs of whitespace removed: what the text says. */
function plain(text: string): string {
  return text
    .replace(/```\w*\n?/g, "")
    .replace(/\{@link\s+([^}\s|]+)[^}]*\}/g, "$1")
    .replace(/`/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** The options of an object type, nested object literals flattened to `parent.child`. */
function optionsOf(children: readonly DeclarationReflection[] | undefined, prefix = ""): Option[] {
  return (children ?? []).flatMap((child) => {
    const tag = child.comment?.getTag("@default");
    // An object of options without a default of its own (the emulator's `sts: { … }`) is its options.
    const nested = child.type?.type === "reflection" ? child.type.declaration.children : undefined;
    if (tag === undefined && nested !== undefined && nested.length > 0 && nested.every((grandchild) => grandchild.kind === ReflectionKind.Property)) {
      return optionsOf(nested, `${prefix}${child.name}.`);
    }
    return [{ name: `${prefix}${child.name}`, optional: child.flags.isOptional, defaultText: tag === undefined ? undefined : plain(Comment.combineDisplayParts(tag.content)) }];
  });
}

/** `Name` (an interface) or `fn(param)` (an inline object parameter of a function) → its options. */
function documentedTypes(): Map<string, Option[]> {
  const types = new Map<string, Option[]>();
  for (const reflection of project.getReflectionsByKind(ReflectionKind.Interface) as DeclarationReflection[]) {
    if (reflection.name.endsWith("Options")) types.set(reflection.name, optionsOf(reflection.children));
  }
  for (const fn of project.getReflectionsByKind(ReflectionKind.Function) as DeclarationReflection[]) {
    for (const parameter of fn.signatures?.[0]?.parameters ?? []) {
      const type: SomeType | undefined = parameter.type;
      if (/^(options|init)$/.test(parameter.name) && type?.type === "reflection" && (type.declaration.children?.length ?? 0) > 0) types.set(`${fn.name}(${parameter.name})`, optionsOf(type.declaration.children));
    }
  }
  return types;
}

const marked = docPages()
  .flatMap((page) => tables(page))
  .filter((table): table is Table & { marker: string } => table.marker !== undefined);
const configurationTables = tables("docs/configuration.md");

test("docs/configuration.md has a table for every options type of the three packages", () => {
  const documented = new Set(configurationTables.map((table) => table.marker));
  expect([...documentedTypes().keys()].filter((name) => !documented.has(name)).sort()).toEqual([]);
});

test("every table on docs/configuration.md is an options table checked here", () => {
  expect(configurationTables.filter((table) => table.marker === undefined).map((table) => `docs/configuration.md:${table.line}`)).toEqual([]);
});

test.for(marked.map((table) => [`${table.page}:${table.line}`, table.marker, table] as const))("%s lists the options of %s with their @default", ([, marker, table]) => {
  const options = documentedTypes().get(marker);
  expect(options, `no exported type or options parameter named ${marker}`).toBeDefined();
  const column = table.header.findIndex((cell) => /^default$/i.test(cell));
  expect(column, "a `default` column").toBeGreaterThan(0);
  const rows = new Map(table.rows.map((row) => [/`([^`]+)`/.exec(row.cells[0] ?? "")?.[1] ?? row.cells[0] ?? "", row]));

  expect([...rows.keys()].filter((name) => !options!.some((option) => option.name === name)), "rows for options that do not exist").toEqual([]);
  expect(options!.filter((option) => !rows.has(option.name)).map((option) => option.name), "options without a row").toEqual([]);
  const wrong = options!.flatMap((option) => {
    const cell = plain(rows.get(option.name)?.cells[column] ?? "");
    const expected = option.defaultText ?? (option.optional ? "none" : "required");
    const ok = option.defaultText !== undefined || !option.optional ? cell === expected : /^none\b/.test(cell);
    return ok ? [] : [`${option.name}: the page says "${cell}", the JSDoc @default says "${expected}"`];
  });
  expect(wrong).toEqual([]);
});
