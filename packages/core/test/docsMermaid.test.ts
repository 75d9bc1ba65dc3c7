// Every ```mermaid block of README.md and docs/*.md passes ./docs/mermaid.ts's structural check.
// Mermaid's own parser is not used: it needs a DOM (stubbed, mermaid 11 parses these diagrams
// in Node), its 12.x needs Node 22, and it adds ~150 MB to every install. The diagrams of docs/how-it-works.md are
// also checked against the code they draw: the middleware stack of a real client, and the
// refresh window of the default policy.
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { awsCredsPlugin, createCredentialSlot, DEFAULT_REFRESH_POLICY, planRefresh } from "@awscreds/core";
import { startEmulator } from "@awscreds/emulator";
import { describe, expect, test, vi } from "vitest";
import { codeBlocks, docPages } from "./docs/markdown.js";
import { diagramType, mermaidProblems } from "./docs/mermaid.js";

const diagrams = docPages()
  .flatMap((page) => codeBlocks(page))
  .filter((block) => block.lang === "mermaid");
const howItWorks = diagrams.filter((block) => block.page === "docs/how-it-works.md");


test.for(diagrams.map((block) => [block.where, block] as const))("%s is a well-formed Mermaid diagram", ([, block]) => {
  expect(diagramType(block.code), "the first line names the diagram type").toBeDefined();
  expect(mermaidProblems(block.code)).toEqual([]);
});


describe("the structural check rejects what Mermaid would", () => {
  test.for([
    ["no diagram type", "flowchat TD\n  A --> B\n"],
    ["an unclosed subgraph", "flowchart TB\n  subgraph a\n    A --> B\n"],
    ["a flowchart line that is not a node or edge", "flowchart TB\n  A[label --> B\n"],
    ["a message without text", "sequenceDiagram\n  A->>B hello\n"],
    ["a semicolon in a note", "sequenceDiagram\n  Note over A: one; two\n"],
    ["else outside alt", "sequenceDiagram\n  else nope\n"],
    ["an unclosed alt", "sequenceDiagram\n  alt x\n  A->>B: hi\n"],
    ["a state arrow with one dash", "stateDiagram-v2\n  A -> B\n"],
    ["a task with no duration", "gantt\n  section s\n  task :a, 00:00, soon\n"],
    ["after an unknown task", "gantt\n  section s\n  task :a, after nothing, 5m\n"],
  ] as const)("%s", ([, code]) => {
    expect(mermaidProblems(code)).not.toEqual([]);
  });
});

test("docs/how-it-works.md draws the stack, the slot's states, a request with and without awscreds, and the refresh timeline", () => {
  const types = howItWorks.map((block) => diagramType(block.code));
  expect(types).toEqual(expect.arrayContaining(["flowchart", "stateDiagram-v2", "sequenceDiagram", "gantt"]));
  expect(types.filter((type) => type === "sequenceDiagram")).toHaveLength(2);
});

/** The middleware names a flowchart shows, in order, with the subgraph (step) each is drawn in. */
function drawnMiddlewares(code: string): Array<{ name: string; step: string | undefined }> {
  const drawn: Array<{ name: string; step: string | undefined }> = [];
  let step: string | undefined;
  for (const line of code.split("\n").map((text) => text.trim())) {
    const subgraph = /^subgraph\s+(\S+)/.exec(line);
    if (subgraph !== null) step = subgraph[1];
    else if (line === "end") step = undefined;
    const name = /^[A-Za-z_]\w*\["(\w+Middleware)\b/.exec(line)?.[1];
    if (name !== undefined) drawn.push({ name, step });
  }
  return drawn;
}

test("the stack diagram is the resolved stack of a DynamoDB client with the plugin: same middlewares, order and steps", async () => {
  const stackDiagram = howItWorks.find((block) => block.code.includes("httpSigningMiddleware"));
  expect(stackDiagram, "a flowchart of the middleware stack").toBeDefined();
  const drawn = drawnMiddlewares(stackDiagram!.code);
  const names = drawn.map((entry) => entry.name);
  expect(names).toEqual(
    expect.arrayContaining(["awsCredsColdStartMiddleware", "httpAuthSchemeMiddleware", "endpointV2Middleware", "retryMiddleware", "awsCredsExpiredTokenRecoveryMiddleware", "httpSigningMiddleware"]),
  );

  await using aws = await startEmulator({ staticKeys: [{ accessKeyId: "AKIDSTACK", secretAccessKey: "stack" }] });
  await using slot = createCredentialSlot({ source: async () => ({ accessKeyId: "AKIDSTACK", secretAccessKey: "stack" }) });
  const client = new DynamoDBClient({ endpoint: aws.url, region: "eu-west-1" });
  client.middlewareStack.use(awsCredsPlugin(client.config, { slot }));
  client.middlewareStack.identifyOnResolve(true);
  const printed: unknown[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void printed.push(...args));
  await client.send(new ListTablesCommand({}));
  log.mockRestore();
  // "name (a.k.a. …) - step", or "name - before anchor" for a relative entry.
  const resolved = (printed.find(Array.isArray) as string[]).map((entry) => {
    const [, name = "", where = ""] = /^(\w+).* - (.+)$/.exec(entry) ?? [];
    return { name, where };
  });
  const stepOf = (name: string): string | undefined => {
    const entry = resolved.find((candidate) => candidate.name === name);
    const anchor = /^(?:before|after) (\w+)$/.exec(entry?.where ?? "")?.[1];
    return anchor !== undefined ? stepOf(anchor) : entry?.where;
  };
  const order = resolved.map((entry) => entry.name);
  expect(names.filter((name) => !order.includes(name)), "drawn but not in the stack").toEqual([]);
  expect(
    names.map((name) => order.indexOf(name)),
    "drawn in the stack's order",
  ).toEqual(names.map((name) => order.indexOf(name)).sort((a, b) => a - b));
  expect(drawn.map(({ name, step }) => [name, step])).toEqual(drawn.map(({ name }) => [name, stepOf(name)]));
});

test("the timeline's refresh window is the default policy's, for 1-hour credentials", () => {
  const timeline = howItWorks.find((block) => diagramType(block.code) === "gantt");
  const task = (id: string) => {
    const match = new RegExp(`:\\s*(?:\\w+,\\s*)?${id},\\s*(\\d\\d):(\\d\\d),\\s*(\\d+)m\\s*$`, "m").exec(timeline!.code);
    expect(match, `a task with id ${id}`).not.toBeNull();
    return { start: (Number(match![1]) * 60 + Number(match![2])) * 60_000, duration: Number(match![3]) * 60_000 };
  };
  const hour = 3_600_000;
  const earliest = planRefresh({ expiration: hour, obtainedAt: 0 }, 1 - Number.EPSILON);
  const latest = planRefresh({ expiration: hour, obtainedAt: 0 }, 0);
  expect(task("jitter")).toEqual({ start: earliest, duration: latest - earliest });
  expect(task("room")).toEqual({ start: latest, duration: DEFAULT_REFRESH_POLICY.refreshBeforeExpiry - 5 * 60_000 });
  expect(task("sdk")).toEqual({ start: hour - 5 * 60_000, duration: 5 * 60_000 });
  expect(task("valid")).toEqual({ start: 0, duration: hour });
});
