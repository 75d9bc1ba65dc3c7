import type { AwsCredentialIdentity } from "@smithy/types";
import type { CredentialSource } from "@awscreds/core";

/** One call the slot made to the fake source. */
export interface FakeCall {
  readonly n: number;
  readonly signal: AbortSignal;
  readonly at: number;
  resolve(credentials?: AwsCredentialIdentity): void;
  reject(error: unknown): void;
}

type Mode = { kind: "succeed" } | { kind: "fail"; error: () => unknown } | { kind: "hold" } | { kind: "respond"; with: (n: number) => unknown };

/**
 * A credential source the test controls: answers at once with fresh credentials ("succeed"),
 * fails at once ("fail"), or holds every call until the test settles it ("hold"). Every secret it
 * hands out contains "do-not-leak" and is recorded in `secrets`, so leak tests can look for them.
 */
export class FakeSource {
  readonly calls: FakeCall[] = [];
  readonly secrets: string[] = [];
  /** Lifetime of issued credentials; `undefined` issues credentials with no expiration. */
  lifetimeMs: number | undefined = 3_600_000;
  mode: Mode = { kind: "succeed" };

  readonly fn: CredentialSource = (signal) => {
    const n = this.calls.length + 1;
    let resolve!: (c: AwsCredentialIdentity) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<AwsCredentialIdentity>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.calls.push({ n, signal, at: Date.now(), resolve: (c) => resolve(c ?? this.issue(n)), reject });
    const mode = this.mode;
    if (mode.kind === "succeed") resolve(this.issue(n));
    else if (mode.kind === "fail") reject(mode.error());
    else if (mode.kind === "respond") resolve(mode.with(n) as AwsCredentialIdentity);
    return promise;
  };

  get count(): number {
    return this.calls.length;
  }

  get last(): FakeCall {
    const call = this.calls.at(-1);
    if (call === undefined) throw new Error("the source was never called");
    return call;
  }

  succeed(): this {
    this.mode = { kind: "succeed" };
    return this;
  }

  fail(error: () => unknown): this {
    this.mode = { kind: "fail", error };
    return this;
  }

  hold(): this {
    this.mode = { kind: "hold" };
    return this;
  }

  respond(fn: (n: number) => unknown): this {
    this.mode = { kind: "respond", with: fn };
    return this;
  }

  /** Fresh credentials number `n`, valid for `lifetimeMs` from now. */
  issue(n: number, lifetimeMs = this.lifetimeMs): AwsCredentialIdentity {
    const secretAccessKey = `SECRET${n}/do-not-leak/${"x".repeat(20)}`;
    const sessionToken = `TOKEN${n}/do-not-leak/${"y".repeat(40)}`;
    this.secrets.push(secretAccessKey, sessionToken);
    return {
      accessKeyId: `ASIAFAKE${String(n).padStart(8, "0")}`,
      secretAccessKey,
      sessionToken,
      ...(lifetimeMs !== undefined && { expiration: new Date(Date.now() + lifetimeMs) }),
      accountId: "123456789012",
      credentialScope: "us-east-1",
    };
  }
}

/** An error shaped like an SDK v3 ServiceException. */
export function sdkError(name: string, httpStatusCode = 400, message = `${name} from the fake source`): Error {
  return Object.assign(new Error(message), { name, $fault: httpStatusCode >= 500 ? "server" : "client", $metadata: { httpStatusCode } });
}

/** Deterministic uniform random in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A logger that records every line with its level. */
export function captureLogger(): { lines: { level: string; text: string }[]; debug: (...a: unknown[]) => void; info: (...a: unknown[]) => void; warn: (...a: unknown[]) => void; error: (...a: unknown[]) => void } {
  const lines: { level: string; text: string }[] = [];
  const at = (level: string) => (...args: unknown[]) => void lines.push({ level, text: args.map(String).join(" ") });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
/** 2026-01-01T00:00:00Z: tests start from a fixed wall clock. */
export const T0 = Date.UTC(2026, 0, 1);
