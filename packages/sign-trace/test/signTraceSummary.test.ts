import { describe, expect, test } from "vitest";
import type { SignTraceSample } from "../src/middleware/signTraceSample.js";
import { SignTraceSummary } from "../src/summary/signTraceSummary.js";

const WINDOW = 300_000; // five slots of one minute

function sample(overrides: Partial<SignTraceSample> = {}): SignTraceSample {
  return {
    service: "DynamoDB",
    operation: "GetItem",
    region: "eu-west-1",
    attempt: 1,
    identityWaitMs: 2,
    signMs: 0.5,
    attemptMs: 3,
    startTime: 0,
    accessKeyIdPrefix: "ASIAXYZ1",
    fromSlot: false,
    authSchemeId: "aws.auth#sigv4",
    errorName: undefined,
    ...overrides,
  };
}

function summaryAt(): { summary: SignTraceSummary; at: (ms: number) => void } {
  let now = 0;
  return { summary: new SignTraceSummary(WINDOW, () => now), at: (ms) => void (now = ms) };
}

describe("the rolling window", () => {
  test.each([
    ["the same instant", 0, 0, 1],
    ["one minute later", 0, 60_000, 1],
    ["the last millisecond of the window", 0, WINDOW - 1, 1],
    ["a whole window later: the slot dropped", 0, WINDOW, 0],
    ["recorded late in its slot, read a window after the slot began", 59_999, WINDOW, 0],
    ["a snapshot from before the sample (clock went back)", 120_000, 0, 0],
  ])("%s: recorded at %d ms, read at %d ms → %d attempts", (_name, recordedAt, readAt, attempts) => {
    const { summary, at } = summaryAt();
    at(recordedAt);
    summary.record(sample());
    at(readAt);
    expect(summary.snapshot().operations.reduce((n, o) => n + o.attempts, 0)).toBe(attempts);
  });

  test("a slot reused after the ring wraps starts from zero", () => {
    const { summary, at } = summaryAt();
    summary.record(sample({ identityWaitMs: 900 }));
    at(WINDOW); // same ring position, next lap
    summary.record(sample({ identityWaitMs: 1 }));
    expect(summary.snapshot().operations[0]?.identityWait).toMatchObject({ count: 1, max: 1 });
  });
});

describe("snapshot()", () => {
  test("counts calls for the identity wait and attempts for signing; failed and slot attempts are counted", () => {
    const { summary } = summaryAt();
    summary.record(sample({ identityWaitMs: 300, signMs: 1, errorName: "ThrottlingException", fromSlot: true }));
    summary.record(sample({ attempt: 2, identityWaitMs: undefined, signMs: 2, fromSlot: true }));
    const [getItem] = summary.snapshot().operations;
    expect(getItem).toEqual({
      service: "DynamoDB",
      operation: "GetItem",
      attempts: 2,
      failedAttempts: 1,
      fromSlot: 2,
      identityWait: { count: 1, p50: 300, p90: 300, p99: 300, max: 300 },
      // Quantiles are bucket middles clamped to [min, max]: within 4.4%; a lone value and max are exact.
      sign: { count: 2, p50: 1, p90: expect.closeTo(2, 1), p99: expect.closeTo(2, 1), max: 2 },
    });
  });

  test("one entry per service operation, sorted, and plain data", () => {
    const { summary } = summaryAt();
    for (const [service, operation] of [["S3", "PutObject"], ["DynamoDB", "Query"], ["DynamoDB", "GetItem"], ["S3", "GetObject"]] as const) summary.record(sample({ service, operation }));
    const snapshot = summary.snapshot();
    expect(snapshot.windowMs).toBe(WINDOW);
    expect(snapshot.operations.map((o) => `${o.service}.${o.operation}`)).toEqual(["DynamoDB.GetItem", "DynamoDB.Query", "S3.GetObject", "S3.PutObject"]);
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });

  test("samples alternating between operations, including one operation name in two services, each count where they belong", () => {
    const { summary } = summaryAt();
    const calls = [["DynamoDB", "ListTables"], ["Other", "ListTables"], ["DynamoDB", "ListTables"], ["DynamoDB", "GetItem"], ["Other", "ListTables"], ["Other", "ListTables"]] as const;
    for (const [service, operation] of calls) summary.record(sample({ service, operation }));
    expect(summary.snapshot().operations.map((o) => `${o.service}.${o.operation}=${o.attempts}`)).toEqual(["DynamoDB.GetItem=1", "DynamoDB.ListTables=2", "Other.ListTables=3"]);
  });

  test("quantiles come from the whole window, across slots", () => {
    const { summary, at } = summaryAt();
    for (let minute = 0; minute < 5; minute++) {
      at(minute * 60_000);
      for (let i = 0; i < 99; i++) summary.record(sample({ identityWaitMs: 0.01 }));
      summary.record(sample({ identityWaitMs: 1_000 }));
    }
    const { identityWait } = summary.snapshot().operations[0]!;
    expect(identityWait.count).toBe(500);
    expect(identityWait.p50).toBeCloseTo(0.01, 2);
    expect(identityWait.p99).toBeCloseTo(0.01, 2);
    expect(identityWait.max).toBe(1_000);
  });

  test("reset() empties every operation", () => {
    const { summary } = summaryAt();
    summary.record(sample());
    summary.reset();
    expect(summary.snapshot().operations).toEqual([]);
  });
});
