// A structural check of the Mermaid diagrams the docs use (flowchart, sequenceDiagram,
// stateDiagram-v2, gantt): the diagram type, every line's statement shape, balanced blocks,
// declared ids. It is not Mermaid's grammar, only what these pages use; when the `mermaid`
// package is installed, docsMermaid.test.ts also runs Mermaid's own parser.

export const DIAGRAM_TYPES = ["flowchart", "graph", "sequenceDiagram", "stateDiagram-v2", "stateDiagram", "gantt"] as const;

type Check = (lines: ReadonlyArray<{ line: number; text: string }>) => string[];

/** The diagram type a block declares on its first statement, or `undefined`. */
export function diagramType(code: string): string | undefined {
  const first = statements(code)[0]?.text ?? "";
  return DIAGRAM_TYPES.find((type) => first === type || first.startsWith(`${type} `));
}

/** Non-empty lines that are not `%%` comments, with their 1-based line within the block; front matter skipped. */
function statements(code: string): Array<{ line: number; text: string }> {
  const lines = code.split("\n").map((text, index) => ({ line: index + 1, text: text.trim() }));
  let start = 0;
  if (lines[0]?.text === "---") start = lines.findIndex((entry, index) => index > 0 && entry.text === "---") + 1;
  return lines.slice(start).filter((entry) => entry.text !== "" && !entry.text.startsWith("%%"));
}

const ID = "[A-Za-z_][A-Za-z0-9_]*";
// A node: an id and an optional shape with a label; quoted labels may hold any bracket.
const SHAPE = String.raw`(?:\(\[(?:"[^"]*"|[^\]"]*)\]\)|\[\[(?:"[^"]*"|[^\]"]*)\]\]|\[\((?:"[^"]*"|[^)"]*)\)\]|\(\((?:"[^"]*"|[^)"]*)\)\)|\{\{(?:"[^"]*"|[^}"]*)\}\}|\[(?:"[^"]*"|[^\]"]*)\]|\((?:"[^"]*"|[^)"]*)\)|\{(?:"[^"]*"|[^}"]*)\}|>(?:"[^"]*"|[^\]"]*)\])`;
const NODE = new RegExp(`^(${ID})(${SHAPE})?(?::::${ID})?`);
const EDGE = /^\s*(?:<?(?:-{2,}|={2,}|-\.+-)(?:[>ox])?|<?-(?:-|\.)\s+[^-|]+?\s+-{1,2}[>ox]?)\s*(?:\|(?:"[^"]*"|[^|]*)\|)?\s*/;

const flowchart: Check = (lines) => {
  const errors: string[] = [];
  const header = lines[0]!.text.split(/\s+/);
  if (header.length > 2 || (header[1] !== undefined && !["TB", "TD", "BT", "RL", "LR"].includes(header[1]))) errors.push(`line ${lines[0]!.line}: direction must be TB, TD, BT, RL or LR`);
  let depth = 0;
  for (const { line, text } of lines.slice(1)) {
    if (/^subgraph\s+\S/.test(text)) depth++;
    else if (text === "end") {
      if (--depth < 0) errors.push(`line ${line}: end without subgraph`);
    } else if (/^direction\s+(TB|TD|BT|RL|LR)$/.test(text) || /^(classDef|class|style|linkStyle|click)\s/.test(text)) continue;
    else {
      // node (edge node)*, nodes joined by &
      let rest = text;
      let ok = true;
      for (;;) {
        const node = NODE.exec(rest);
        if (node === null) {
          ok = false;
          break;
        }
        rest = rest.slice(node[0].length);
        const and = /^\s*&\s*/.exec(rest);
        if (and !== null) {
          rest = rest.slice(and[0].length);
          continue;
        }
        if (rest.trim() === "") break;
        const edge = EDGE.exec(rest);
        if (edge === null || edge[0].trim() === "") {
          ok = false;
          break;
        }
        rest = rest.slice(edge[0].length);
      }
      if (!ok) errors.push(`line ${line}: not a node, edge or flowchart statement: ${text}`);
    }
  }
  if (depth > 0) errors.push(`${depth} subgraph(s) without end`);
  return errors;
};

const sequence: Check = (lines) => {
  const errors: string[] = [];
  const blocks: string[] = [];
  for (const { line, text } of lines.slice(1)) {
    if (text.includes(";")) errors.push(`line ${line}: ';' ends a statement in a sequence diagram: ${text}`);
    const opener = /^(loop|alt|opt|par|critical|break|rect|box)\b/.exec(text)?.[1];
    if (opener !== undefined) blocks.push(opener);
    else if (/^else\b/.test(text)) {
      if (blocks.at(-1) !== "alt") errors.push(`line ${line}: else outside alt`);
    } else if (/^and\b/.test(text)) {
      if (blocks.at(-1) !== "par") errors.push(`line ${line}: and outside par`);
    } else if (/^option\b/.test(text)) {
      if (blocks.at(-1) !== "critical") errors.push(`line ${line}: option outside critical`);
    } else if (text === "end") {
      if (blocks.pop() === undefined) errors.push(`line ${line}: end without a block`);
    } else if (
      !new RegExp(`^(participant|actor)\\s+${ID}(\\s+as\\s+.+)?$`).test(text) &&
      !/^autonumber\b/.test(text) &&
      !new RegExp(`^(activate|deactivate|destroy|create\\s+participant)\\s+${ID}$`).test(text) &&
      !new RegExp(`^[Nn]ote\\s+(left of|right of|over)\\s+${ID}(\\s*,\\s*${ID})?\\s*:.+$`).test(text) &&
      !new RegExp(`^${ID}\\s*(->>|-->>|->|-->|-x|--x|-\\)|--\\)|<<->>|<<-->>)\\s*[+-]?${ID}\\s*:.*$`).test(text)
    ) {
      errors.push(`line ${line}: not a sequence statement: ${text}`);
    }
  }
  if (blocks.length > 0) errors.push(`unclosed: ${blocks.join(", ")}`);
  return errors;
};

const state: Check = (lines) => {
  const errors: string[] = [];
  let depth = 0;
  let inNote = false;
  const STATE = String.raw`(?:\[\*\]|${ID})`;
  for (const { line, text } of lines.slice(1)) {
    if (inNote) {
      if (text === "end note") inNote = false;
      continue;
    }
    if (new RegExp(`^note\\s+(left|right)\\s+of\\s+${ID}$`).test(text)) inNote = true;
    else if (new RegExp(`^note\\s+(left|right)\\s+of\\s+${ID}\\s*:.+$`).test(text)) continue;
    else if (new RegExp(`^state\\s+(${ID}|"[^"]+"\\s+as\\s+${ID})\\s*\\{$`).test(text)) depth++;
    else if (text === "}") {
      if (--depth < 0) errors.push(`line ${line}: } without state {`);
    } else if (
      !new RegExp(`^${STATE}\\s*-->\\s*${STATE}(\\s*:.+)?$`).test(text) &&
      !new RegExp(`^state\\s+("[^"]+"\\s+as\\s+)?${ID}(\\s+<<(choice|fork|join)>>)?$`).test(text) &&
      !new RegExp(`^${ID}\\s*:.+$`).test(text) &&
      !/^(--|direction\s+(TB|BT|LR|RL)|classDef\s.+|class\s.+)$/.test(text)
    ) {
      errors.push(`line ${line}: not a state statement: ${text}`);
    }
  }
  if (depth > 0) errors.push(`${depth} state block(s) without }`);
  if (inNote) errors.push("note without end note");
  return errors;
};

const gantt: Check = (lines) => {
  const errors: string[] = [];
  const ids = new Set<string>();
  let section = false;
  for (const { line, text } of lines.slice(1)) {
    if (/^(title|dateFormat|axisFormat|tickInterval|todayMarker|excludes|includes|weekday)\s+\S/.test(text) || text === "inclusiveEndDates") continue;
    if (/^section\s+\S/.test(text)) {
      section = true;
      continue;
    }
    const task = /^([^:]+?)\s*:\s*(.+)$/.exec(text);
    if (task === null) {
      errors.push(`line ${line}: not a gantt statement: ${text}`);
      continue;
    }
    if (!section) errors.push(`line ${line}: a task before any section`);
    const parts = task[2]!.split(",").map((part) => part.trim());
    const tags = new Set(["done", "active", "crit", "milestone"]);
    while (parts.length > 0 && tags.has(parts[0]!)) parts.shift();
    if (parts.length < 1 || parts.length > 3) errors.push(`line ${line}: a task takes [tags,] [id,] [start,] end or duration: ${text}`);
    if (parts.length === 3) {
      if (!new RegExp(`^${ID}$`).test(parts[0]!)) errors.push(`line ${line}: task id '${parts[0]}' is not an id`);
      else ids.add(parts[0]!);
    }
    for (const part of parts.slice(parts.length === 3 ? 1 : 0)) {
      const after = /^after\s+(.+)$/.exec(part);
      if (after !== null) for (const id of after[1]!.split(/\s+/)) if (!ids.has(id)) errors.push(`line ${line}: after '${id}': no such task id before it`);
    }
    const last = parts.at(-1) ?? "";
    if (!/^\d+(\.\d+)?(ms|s|m|h|d|w)$/.test(last) && !/^[\d:. -]+$/.test(last) && !/^until\s/.test(last)) errors.push(`line ${line}: '${last}' is neither a duration (15m, 1h) nor a date`);
  }
  return errors;
};

const CHECKS: Record<string, Check> = { flowchart, graph: flowchart, sequenceDiagram: sequence, "stateDiagram-v2": state, stateDiagram: state, gantt };

/** What is wrong with a diagram, as `line N: …` within the block; empty when it checks out. */
export function mermaidProblems(code: string): string[] {
  const type = diagramType(code);
  if (type === undefined) return [`the first statement must name a diagram type: ${DIAGRAM_TYPES.join(", ")}`];
  return CHECKS[type]!(statements(code));
}
