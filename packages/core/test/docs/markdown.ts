// Reading the repository's Markdown the way GitHub renders it, for the docs tests: fenced code
// blocks with their info strings, links, heading anchors and tables. Small on purpose: the pages
// use CommonMark fences, inline links, ATX headings and pipe tables, nothing else.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The repository root, with a trailing slash. */
export const REPOSITORY = fileURLToPath(new URL("../../../../", import.meta.url));

/** Every page the docs tests cover: README.md and docs/*.md, as paths from the repository root. */
export function docPages(): string[] {
  const docs = readdirSync(`${REPOSITORY}docs`)
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`);
  // Each published package's README too: it is the page npm shows.
  const packageReadmes = ["core", "sign-trace", "emulator"].map((pkg) => `packages/${pkg}/README.md`);
  return ["README.md", ...packageReadmes, ...docs];
}

export function readPage(page: string): string {
  return readFileSync(`${REPOSITORY}${page}`, "utf8");
}

/** A fenced code block. */
export interface CodeBlock {
  /** The page, from the repository root. */
  readonly page: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The info string's first word (`ts`, `sh`, `json`, `mermaid`, `text`), or `""` for a bare fence. */
  readonly lang: string;
  /** The info string's other words: `run`, `fragment`, `satisfies=Name`. */
  readonly attributes: ReadonlyMap<string, string | true>;
  /** The block's text, its fence's indentation removed, ending with a newline. */
  readonly code: string;
  /** `page:line`, for test names and messages. */
  readonly where: string;
}

const FENCE = /^( *)(`{3,}|~{3,})(.*)$/;

/** The fenced code blocks of a page, in order. An unclosed fence runs to the end, as in CommonMark. */
export function codeBlocks(page: string, text = readPage(page)): CodeBlock[] {
  const lines = text.split("\n");
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (open === null) continue;
    const [, indent = "", fence = "", info = ""] = open;
    if (fence.startsWith("`") && info.includes("`")) continue; // not a fence: an inline code span
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]!);
      if (close !== null && close[2]![0] === fence[0] && close[2]!.length >= fence.length && close[3]!.trim() === "") break;
      body.push(lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!.trimStart());
    }
    const [lang = "", ...words] = info.trim().split(/\s+/).filter(Boolean);
    const attributes = new Map<string, string | true>();
    for (const word of words) {
      const eq = word.indexOf("=");
      attributes.set(eq < 0 ? word : word.slice(0, eq), eq < 0 ? true : word.slice(eq + 1));
    }
    blocks.push({ page, line: i + 1, lang, attributes, code: body.length > 0 ? `${body.join("\n")}\n` : "", where: `${page}:${i + 1}` });
    i = j;
  }
  return blocks;
}

/** The page's lines outside fenced code blocks (code lines become empty, so line numbers hold). */
export function proseLines(page: string, text = readPage(page)): string[] {
  const lines = text.split("\n");
  for (const block of codeBlocks(page, text)) {
    const last = block.line + block.code.split("\n").length - 1;
    for (let i = block.line - 1; i < Math.min(last, lines.length); i++) lines[i] = "";
  }
  return lines;
}

/** A link or image in a page's prose. */
export interface Link {
  readonly page: string;
  readonly line: number;
  readonly text: string;
  readonly target: string;
}

/** Inline links and images, and reference definitions, outside code blocks and code spans. */
export function links(page: string, text = readPage(page)): Link[] {
  const found: Link[] = [];
  proseLines(page, text).forEach((raw, index) => {
    const line = raw.replace(/(`+)[^`]*?\1/g, (span) => " ".repeat(span.length)); // code spans hold no links
    for (const match of line.matchAll(/!?\[((?:[^\]\\]|\\.)*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      found.push({ page, line: index + 1, text: match[1]!, target: match[2]! });
    }
    const definition = /^ {0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s.*)?$/.exec(line);
    if (definition !== null) found.push({ page, line: index + 1, text: definition[1]!, target: definition[2]! });
  });
  return found;
}

/** The text a heading renders to: code spans, links, emphasis and HTML reduced to their words. */
function renderedText(markdown: string): string {
  return markdown
    .replace(/<[^>]+>/g, "")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`+([^`]*)`+/g, "$1")
    .replace(/(\*\*|__|\*|\b_)(\S(?:.*?\S)?)\1/g, "$2");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return renderedText(heading)
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** A heading, with the anchor GitHub gives it (`-1`, `-2`… for repeats). */
export interface Heading {
  readonly line: number;
  readonly level: number;
  readonly text: string;
  readonly anchor: string;
}

export function headings(page: string, text = readPage(page)): Heading[] {
  const seen = new Map<string, number>();
  const found: Heading[] = [];
  proseLines(page, text).forEach((line, index) => {
    const match = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (match === null) return;
    const base = slug(match[2]!);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.push({ line: index + 1, level: match[1]!.length, text: match[2]!, anchor: count === 0 ? base : `${base}-${count}` });
  });
  return found;
}

/** Every fragment a link may name on a page: heading anchors and explicit `<a id>` / `<a name>`. */
export function anchors(page: string, text = readPage(page)): Set<string> {
  const found = new Set(headings(page, text).map((heading) => heading.anchor));
  for (const line of proseLines(page, text)) {
    for (const match of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) found.add(match[1]!);
  }
  return found;
}

/** A pipe table: its header cells and rows, the nearest heading above it, and its marker. */
export interface Table {
  readonly page: string;
  readonly line: number;
  /** The `<!-- options: Name -->` comment on the line before the table (or before its blank line). */
  readonly marker: string | undefined;
  readonly heading: string | undefined;
  readonly header: readonly string[];
  readonly rows: ReadonlyArray<{ readonly line: number; readonly cells: readonly string[] }>;
}

/** The cells of a table row; `\|` stays inside its cell. */
export function cells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, "").replace(/\|$/, "");
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, "|"));
}

export function tables(page: string, text = readPage(page)): Table[] {
  const lines = proseLines(page, text);
  const found: Table[] = [];
  let heading: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const title = /^#{1,6}\s+(.*)$/.exec(line);
    if (title !== null) heading = title[1];
    if (!line.trimStart().startsWith("|") || !/^\s*\|?\s*:?-{3,}/.test(lines[i + 1] ?? "")) continue;
    const before = [lines[i - 1], lines[i - 2]].find((candidate) => candidate !== undefined && candidate.trim() !== "");
    const marker = /<!--\s*options:\s*(\S+)\s*-->/.exec(before ?? "")?.[1];
    const rows: Array<{ line: number; cells: string[] }> = [];
    let j = i + 2;
    for (; j < lines.length && lines[j]!.trimStart().startsWith("|"); j++) rows.push({ line: j + 1, cells: cells(lines[j]!) });
    found.push({ page, line: i + 1, marker, heading, header: cells(line), rows });
    i = j - 1;
  }
  return found;
}
