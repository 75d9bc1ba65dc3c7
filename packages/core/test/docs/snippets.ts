// Compiling and running the code blocks of the docs, extracted from the Markdown itself.
//
// Info strings (GitHub highlights by the first word and ignores the rest):
//   ```ts                a complete module: compiled as it is, with the repository's tsconfig
//   ```ts fragment       lines out of a larger program: names it does not declare come from
//                        ./snippetContext.ts (imports, fixtures, placeholders)
//   ```ts run            also run, against a fresh emulator (see docsSnippets.test.ts)
//   ```js                the same, as JavaScript with type checking (checkJs)
//   ```json              parsed; `satisfies=Name` also checks it against the type `Name` of
//                        ./snippetContext.ts
//   ```sh                each command is checked by docsCommands.test.ts
//   ```mermaid           parsed by docsMermaid.test.ts
//   ```text              output or pseudo-code: not checked
import ts from "typescript";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { REPOSITORY, type CodeBlock } from "./markdown.js";

const HERE = dirname(fileURLToPath(import.meta.url));
export const CONTEXT_FILE = join(HERE, "snippetContext.ts");

/** Where snippets live, virtually while compiling and on disk while running (a dot folder, so tsc, ESLint's TS globs and vitest skip it). */
export const SNIPPET_DIRECTORY = join(HERE, ".snippets");

export interface ContextNames {
  readonly values: ReadonlySet<string>;
  readonly types: ReadonlySet<string>;
  /** `declare`d values: compile-time placeholders with nothing behind them at run time. */
  readonly placeholders: ReadonlySet<string>;
}

/** The names ./snippetContext.ts exports, split into values, types and placeholders. */
export function contextNames(): ContextNames {
  const source = ts.createSourceFile(CONTEXT_FILE, readFileSync(CONTEXT_FILE, "utf8"), ts.ScriptTarget.Latest, true);
  const values = new Set<string>();
  const types = new Set<string>();
  const placeholders = new Set<string>();
  const exported = (node: ts.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const declared = (node: ts.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword);
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement) && statement.exportClause !== undefined && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) (statement.isTypeOnly || element.isTypeOnly ? types : values).add(element.name.text);
    } else if (ts.isVariableStatement(statement) && exported(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) (declared(statement) ? placeholders : values).add(declaration.name.text);
      }
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && exported(statement) && statement.name !== undefined) {
      values.add(statement.name.text);
    } else if ((ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) && exported(statement)) {
      types.add(statement.name.text);
    }
  }
  return { values, types, placeholders };
}

function bindingNames(name: ts.BindingName, into: Set<string>): void {
  if (ts.isIdentifier(name)) into.add(name.text);
  else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bindingNames(element.name, into);
}

/** The names a snippet declares at its top level: its imports, variables, functions, classes and types. */
export function topLevelNames(block: CodeBlock): Set<string> {
  const source = ts.createSourceFile("snippet.ts", block.code, ts.ScriptTarget.Latest, true, block.lang === "js" ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && statement.importClause !== undefined) {
      const clause = statement.importClause;
      if (clause.name !== undefined) names.add(clause.name.text);
      if (clause.namedBindings !== undefined) {
        if (ts.isNamespaceImport(clause.namedBindings)) names.add(clause.namedBindings.name.text);
        else for (const element of clause.namedBindings.elements) names.add(element.name.text);
      }
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) bindingNames(declaration.name, names);
    } else if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)) &&
      statement.name !== undefined
    ) {
      names.add(statement.name.text);
    }
  }
  return names;
}

/** A file name for a block: `docs-credential-slot.md-276.ts`. */
export function snippetFileName(block: CodeBlock): string {
  return `${block.page.replace(/[/\\]/g, "-")}-${block.line}.${block.lang === "js" ? "js" : "ts"}`;
}

/** A compiled snippet's source, and how many lines come before the block's own first line. */
interface VirtualFile {
  readonly block: CodeBlock;
  readonly path: string;
  readonly text: string;
  readonly offset: number;
}

const CONTEXT_IMPORT = "../snippetContext.js";

/** The virtual module that type-checks one block. */
function virtualFile(block: CodeBlock, names: ContextNames): VirtualFile {
  const path = join(SNIPPET_DIRECTORY, snippetFileName(block));
  if (block.lang === "json") {
    const type = block.attributes.get("satisfies");
    const text = `import type { ${String(type)} } from "${CONTEXT_IMPORT}";\nexport const value: ${String(type)} =\n${block.code};\n`;
    return { block, path, text, offset: 2 };
  }
  const prelude: string[] = [];
  if (block.attributes.has("fragment")) {
    const own = topLevelNames(block);
    const types = [...names.types].filter((name) => !own.has(name));
    const values = [...names.values, ...names.placeholders].filter((name) => !own.has(name));
    if (block.lang === "js") {
      prelude.push(`import { ${values.join(", ")} } from "${CONTEXT_IMPORT}";`);
    } else {
      if (types.length > 0) prelude.push(`import type { ${types.join(", ")} } from "${CONTEXT_IMPORT}";`);
      prelude.push(`import { ${values.join(", ")} } from "${CONTEXT_IMPORT}";`);
    }
  }
  // `export {}` makes every block a module: its own scope, top-level await allowed.
  return { block, path, text: `${prelude.map((line) => `${line}\n`).join("")}${block.code}export {};\n`, offset: prelude.length };
}

export interface SnippetDiagnostic {
  readonly block: CodeBlock;
  /** `page:line: message`, the line being the page's. */
  readonly message: string;
}

/**
 * Type-checks the blocks (ts, js, and json with `satisfies=`) in one program, with the
 * repository's compiler options less the unused-name checks (a fragment may declare a name it
 * does not use). Returns one entry per block, with its diagnostics mapped to page lines.
 */
export function compileSnippets(blocks: readonly CodeBlock[]): Map<CodeBlock, SnippetDiagnostic[]> {
  const names = contextNames();
  const files = blocks.map((block) => virtualFile(block, names));
  const byPath = new Map(files.map((file) => [file.path, file]));
  const config = ts.getParsedCommandLineOfConfigFile(join(REPOSITORY, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (config === undefined) throw new Error("cannot read tsconfig.json");
  const options: ts.CompilerOptions = { ...config.options, noEmit: true, noUnusedLocals: false, noUnusedParameters: false, allowJs: true, checkJs: true };
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const file = byPath.get(fileName);
    return file !== undefined ? ts.createSourceFile(fileName, file.text, languageVersion, true) : getSourceFile(fileName, languageVersion, onError, shouldCreate);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => byPath.has(fileName) || fileExists(fileName);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => byPath.get(fileName)?.text ?? readFile(fileName);
  const program = ts.createProgram({ rootNames: files.map((file) => file.path), options, host });

  const result = new Map<CodeBlock, SnippetDiagnostic[]>();
  for (const file of files) {
    const source = program.getSourceFile(file.path);
    if (source === undefined) throw new Error(`${file.block.where}: not in the program`);
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    result.set(
      file.block,
      diagnostics.map((diagnostic) => {
        const { line } = diagnostic.start === undefined ? { line: 0 } : source.getLineAndCharacterOfPosition(diagnostic.start);
        const pageLine = file.block.line + 1 + Math.max(0, line - file.offset);
        return { block: file.block, message: `${file.block.page}:${pageLine}: TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}` };
      }),
    );
  }
  return result;
}

/**
 * The module that runs one block: the block itself, after a line that takes the context's
 * values it does not declare (placeholders excluded: they have no value).
 */
export function runnableModule(block: CodeBlock, contextImport: string): string {
  if (!block.attributes.has("fragment")) return `${block.code}export {};\n`;
  const names = contextNames();
  const own = topLevelNames(block);
  const values = [...names.values].filter((name) => !own.has(name));
  return `import * as __context from "${contextImport}";\nconst { ${values.join(", ")} } = __context;\n${block.code}export {};\n`;
}

/** Placeholders a block would need at run time, which have no value: such a block cannot run. */
export function placeholdersUsed(block: CodeBlock): string[] {
  if (!block.attributes.has("fragment")) return [];
  const { placeholders } = contextNames();
  const own = topLevelNames(block);
  const source = ts.createSourceFile("snippet.ts", block.code, ts.ScriptTarget.Latest, true);
  // Names the block declares in any scope count as its own (an approximation of scoping that
  // errs towards passing; running the block catches the rest).
  const declaredAnywhere = (node: ts.Node): void => {
    if ((ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isBindingElement(node)) && ts.isIdentifier(node.name)) own.add(node.name.text);
    if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name !== undefined) own.add(node.name.text);
    ts.forEachChild(node, declaredAnywhere);
  };
  const used = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && placeholders.has(node.text) && !own.has(node.text)) {
      const parent = node.parent;
      const isPropertyName = (ts.isPropertyAccessExpression(parent) && parent.name === node) || (ts.isPropertyAssignment(parent) && parent.name === node);
      if (!isPropertyName) used.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  declaredAnywhere(source);
  visit(source);
  return [...used];
}
