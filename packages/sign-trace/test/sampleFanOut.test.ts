import type { HandlerExecutionContext } from "@smithy/types";
import { describe, expect, test, vi } from "vitest";
import { fanOut, type SampleSink } from "../src/sinks/sampleFanOut.js";
import type { SignTraceSample } from "../src/middleware/signTraceSample.js";

const context = { clientName: "DynamoDBClient" } as HandlerExecutionContext;
const sample = (): SignTraceSample => ({ service: "DynamoDB", operation: "GetItem", region: "eu-west-1", attempt: 1, identityWaitMs: 1, signMs: 0.5, attemptMs: 2, startTime: 0, accessKeyIdPrefix: "AKIDEXAM", fromSlot: false, authSchemeId: "aws.auth#sigv4", errorName: undefined });
const sink = (listens?: boolean): SampleSink & { taken: unknown[] } => {
  const taken: unknown[] = [];
  return listens === undefined ? { taken, take: (s) => taken.push(s) } : { taken, take: (s) => taken.push(s), listensTo: () => listens };
};

describe("listensTo: whether a call is timed at all", () => {
  test.each<[string, Array<boolean | undefined>, boolean]>([
    ["no sinks", [], false],
    ["only sinks that do not listen now", [false, false], false],
    ["one conditional sink listening", [false, true], true],
    ["a sink that always listens", [undefined], true],
  ])("%s → %s", (_name, listening, expected) => {
    expect(fanOut(listening.map(sink), () => {}).listensTo(context)).toBe(expected);
  });

  test("asks each conditional sink with the call's context", () => {
    const listensTo = vi.fn(() => false);
    fanOut([{ take: () => {}, listensTo }], () => {}).listensTo(context);
    expect(listensTo).toHaveBeenCalledWith(context);
  });
});

describe("deliver", () => {
  test("freezes the sample, then hands it, with the context, to the sinks listening now, in order", () => {
    const order: string[] = [];
    const always: SampleSink = { take: (s, c) => order.push(`always:${Object.isFrozen(s)}:${c === context}`) };
    const deaf: SampleSink = { take: () => order.push("deaf"), listensTo: () => false };
    const listening: SampleSink = { take: () => order.push("listening"), listensTo: () => true };
    fanOut([always, deaf, listening], () => {}).deliver(sample(), context);
    expect(order).toEqual(["always:true:true", "listening"]);
  });

  test("a sink that throws goes to onSinkError; the sinks after it still run", () => {
    const onSinkError = vi.fn();
    const after = sink();
    const broken: SampleSink = { take: () => { throw new RangeError("broken"); } };
    fanOut([broken, after], onSinkError).deliver(sample(), context);
    expect(onSinkError).toHaveBeenCalledWith(expect.any(RangeError));
    expect(after.taken).toHaveLength(1);
  });
});
