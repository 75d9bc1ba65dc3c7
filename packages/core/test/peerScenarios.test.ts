/**
 * The cross-SDK "Credential Refresh Behavior" scenarios (23 of them, smithy-rs
 * `aws/rust-runtime/aws-runtime/test-data/credential-refresh-tests.json`), re-expressed for our
 * slot: the behaviour, not the file. Each row names the scenario it comes from (#n is its position
 * in that file) and says where our outcome differs on purpose. conformance.test.ts covers the
 * slot's own scenarios (jitter spread, backoff series, close, leaks); this file is the peer table.
 *
 * Vocabulary. The spec's caller asks and the SDK refreshes on that request; our slot refreshes on a
 * timer and a read never waits while credentials are usable. "cached" = the credentials the
 * previous read got (or held when `when` began); "new" = credentials fetched during `when`.
 * "Advisory window" = the spec's (5/15/60 min by lifetime), "mandatory" = its last minute.
 * Default lifetime 1 h, random 0.5: our refresh is planned at exp − 17.5 min (T0 + 42.5 min), in
 * [exp − 25, exp − 10] min: before the spec's advisory window opens (exp − 15 min), so the
 * advisory rows start just before our planned refresh, with no refresh yet.
 *
 * | #   | peer scenario                                | our outcome                                                        |
 * | --- | -------------------------------------------- | ------------------------------------------------------------------ |
 * | 1   | valid cached credentials                     | cached, no source call; timer refresh at exp − 17.5 min            |
 * | 2   | advisory, refresh succeeds                   | timer refreshes at exp − 17.5, before the window; reads get cached |
 * | 3   | advisory, refresh fails                      | cached; retry in 0.5 s (1 s ceiling, doubling), not 300–600 s      |
 * | 3t  | advisory, refresh throttled                  | cached; retry in 2.5 s (5 s ceiling, doubling)                     |
 * | 4   | mandatory, refresh succeeds                  | cached at once; the retry loop's next attempt (≤ exp − 20 s) heals |
 * | 5   | mandatory, refresh fails                     | cached until exp − 10 s, then nothing; 37 attempts in that 50 s    |
 * | 5t  | mandatory, refresh throttled                 | the same 37 attempts: near expiry throttling is not slowed         |
 * | 6   | expired, refresh succeeds                    | the read has the attempt made at once and waits for it: new ones   |
 * | 7   | expired, refresh fails                       | nothing: CredentialsUnavailableError, never the expired ones       |
 * | 8   | no credentials, first fetch fails            | typed error at once; timer retry 0.5 s later heals                 |
 * | 9   | advisory, source returns stale credentials   | failure (InvalidCredentialsError); cached; retry in 0.5 s          |
 * | 10  | mandatory, source returns stale credentials  | same, also for credentials expiring within the 10 s margin         |
 * | 11  | 10 min lifetime → 5 min window               | refresh at exp − 6.25 min (window exp − 7.5 … exp − 5: L/2)        |
 * | 12  | 20.5 min lifetime → 15 min window            | refresh at exp − 12.625 min (window exp − 15.25 … exp − 10)        |
 * | 13  | 6 h lifetime → 60 min window                 | refresh at exp − 17.5 min (window exp − 25 … exp − 10)             |
 * | 14  | window recomputed after a lifetime change    | 59 min left: no refresh; timer at exp − 17.5, then exp − 6.25      |
 * | 15  | configured window overrides the table        | refreshBeforeExpiry 30 min: exp − 37.5 (jitter before it)          |
 * | 15j | same, jitterWindow 0                         | exactly exp − 30 min                                               |
 * | 16  | advisory, non-recoverable failure            | not raised while valid; cached; retried in 4.3 min, not at once    |
 * | 17  | mandatory, non-recoverable failure           | cached to exp − 10 s, then typed error; retried 60 s later         |
 * | 18  | invalidate matching key, refresh succeeds    | invalidate starts the fetch; `replacing` reader gets new ones      |
 * | 19  | invalidate matching key, refresh fails       | cached; retry in 0.5 s                                             |
 * | 20  | invalidate during backoff                    | backoff kept; a failing read pulls the attempt in to 60 s          |
 * | 21  | invalidate with a stale key                  | no-op, no source call                                              |
 * | 22  | no contact until the backoff has elapsed     | 150 s backoff; a failing read brings it in to 60 s after the last  |
 * | 23  | no credentials, first fetch non-recoverable  | CredentialsUnavailableError at once (cause AccessDenied); retry 60 s |
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import type { AwsCredentialIdentity } from "@smithy/types";
import { createCredentialSlot, type CredentialSlot, type CredentialSlotEvent, type ErrorKind, type RefreshPolicyOptions } from "@awscreds/core";
import { FakeSource, HOUR, MINUTE, sdkError, T0 } from "./helpers/fakeSource.js";

const SECOND = 1_000;
/** Every draw of the slot's random: 0.5 puts each jittered instant in the middle of its range. */
const RANDOM = 0.5;
/** The slot's default readTimeout: how long a `get()` may wait. */
const READ_TIMEOUT = 5 * SECOND;

/** The spec's advisory window by lifetime (5/15/60 min): where its SDKs start refreshing on a request. */
const specAdvisoryWindow = (lifetime: number): number => (lifetime <= 20 * MINUTE ? 5 * MINUTE : lifetime < 90 * MINUTE ? 15 * MINUTE : HOUR);

/** What the source answers, from this step on (and the first fetch, if it is still held). */
type Answer =
  | { fresh: number } // credentials valid this long
  | "error" // retryable (HTTP 503)
  | "throttled" // STS Throttling
  | "nonRecoverable" // AccessDenied: a person has to fix IAM
  | { stale: number }; // credentials whose expiration is this far from now (≤ 0: already past)

/** An instant, checked against the slot's next scheduled attempt. */
type Moment =
  | { in: number } // this long from now
  | { beforeExpiry: number } // exactly this long before the held credentials expire
  | { beforeExpiryAtLeast: number } // at least this long before they expire
  | { afterLastAttempt: number }; // this long after the last source call started

type Outcome = "cached" | "new" | "nothing" | { rejects: string; kind?: ErrorKind; cause?: string };

type EventType = CredentialSlotEvent["type"];

type Step =
  | { answer: Answer }
  | { advance: number }
  | { until: Moment } // advance the clock (timers fire) to that instant
  | { advanceToNextAttempt: Moment | Record<string, never> } // the attempt must start exactly at the scheduled instant, not before
  | { expectNextAttempt: Moment }
  | { read: "current" | "get" | "provider"; gets: Outcome; contacts?: boolean; timeout?: number; replacing?: true; waitsAtMost?: number }
  | { invalidate: "cached" | string; returns: boolean; contacts: boolean };

interface Given {
  /**
   * - none: no slot yet; `when` creates it, with the first fetch held until an `answer` step.
   * - valid: 1 h credentials, 10 min old.
   * - replaced: the planned refresh has replaced the first credentials (T0 + 42.5 min).
   * - advisory: at the start of the spec's advisory window (exp − 15 min for 1 h) or, if our planned
   *   refresh comes first (it does: exp − 17.5 min), 1 ms before it; no refresh yet either way.
   * - mandatory: 60 s before expiry, the source failing since the planned refresh.
   * - expired: 60 s after expiry, the source failing since the planned refresh.
   */
  cached: "none" | "valid" | "replaced" | "advisory" | "mandatory" | "expired";
  policy?: Partial<RefreshPolicyOptions>;
}

interface Then {
  /** Source calls during `when`. */
  sourceCalls: number;
  /** Event types emitted during `when`, in order. */
  events: EventType[];
  /** The last failure as `stats()` reports it. */
  lastError?: { name: string; kind: ErrorKind };
  /** When the next fetch is scheduled after `when`; the runner checks it starts exactly then. */
  nextFetch?: Moment;
}

interface Row {
  /** The spec scenario: its position in the file and what it is about. */
  peer: string;
  given: Given;
  when: Step[];
  then: Then;
  /** Where and why our behaviour differs on purpose. */
  differs?: string;
}

const times = (n: number, type: EventType): EventType[] => Array.from({ length: n }, () => type);

const rows: Row[] = [
  {
    peer: "#1 valid cached credentials: no refresh",
    given: { cached: "valid" },
    when: [
      { read: "current", gets: "cached" },
      { read: "provider", gets: "cached" },
    ],
    then: { sourceCalls: 0, events: [], nextFetch: { beforeExpiry: 17.5 * MINUTE } },
    differs: "Same outcome. The next refresh is already on a timer, jittered in [exp − 25, exp − 10] min, whether or not anyone reads.",
  },
  {
    peer: "#2 advisory window, refresh succeeds",
    given: { cached: "advisory" },
    when: [
      { read: "current", gets: "cached" },
      { advanceToNextAttempt: { beforeExpiry: 17.5 * MINUTE } },
      { read: "current", gets: "new" },
    ],
    then: { sourceCalls: 1, events: ["refreshed"], nextFetch: { beforeExpiry: 17.5 * MINUTE } },
    differs:
      "A read does not refresh: the timer does, at its jittered instant in [exp − 25, exp − 10] min (here exp − 17.5 min, before the " +
      "spec's window even opens at exp − 15 min), with no read; a read just before it gets the cached credentials. " +
      "Reads never wait for it and never call the source, so a fleet spreads out instead of refreshing on the same request.",
  },
  {
    peer: "#3 advisory window, refresh fails",
    given: { cached: "advisory" },
    when: [
      { answer: "error" },
      { advanceToNextAttempt: {} },
      { read: "current", gets: "cached" },
    ],
    then: { sourceCalls: 1, events: ["refreshFailed"], lastError: { name: "ServiceUnavailable", kind: "retryable" }, nextFetch: { in: 500 } },
    differs:
      "Same cached credentials, but the backoff is full-jitter exponential from 1 s (capped at 5 min and at a quarter of the time left), " +
      "not 300–600 s: with random 0.5 a source failing from exp − 17.5 min gets 42 attempts before the last safe start, not 1–2.",
  },
  {
    peer: "#3 advisory window, refresh fails (variant: STS Throttling)",
    given: { cached: "advisory" },
    when: [
      { answer: "throttled" },
      { advanceToNextAttempt: {} },
      { read: "current", gets: "cached" },
    ],
    then: { sourceCalls: 1, events: ["refreshFailed"], lastError: { name: "Throttling", kind: "throttling" }, nextFetch: { in: 2.5 * SECOND } },
    differs: "The spec treats throttling like any failure. We back off five times longer (ceiling 5 s, doubling) so a throttled fleet eases off STS.",
  },
  {
    peer: "#4 mandatory window, refresh succeeds",
    given: { cached: "mandatory" },
    when: [
      { answer: { fresh: HOUR } },
      { read: "current", gets: "cached" },
      { advanceToNextAttempt: { beforeExpiryAtLeast: 20 * SECOND } },
      { read: "current", gets: "new" },
    ],
    then: { sourceCalls: 1, events: ["refreshed"], nextFetch: { beforeExpiry: 17.5 * MINUTE } },
    differs:
      "The read does not block on a refresh: credentials still valid are served at once. The retry loop's next attempt heals the slot; " +
      "it is never after exp − 20 s (expiryMargin + fetchTimeout), so it completes before we stop serving.",
  },
  {
    peer: "#5 mandatory window, refresh fails",
    given: { cached: "mandatory" },
    when: [
      { answer: "error" },
      { read: "current", gets: "cached" },
      { until: { beforeExpiry: 10 * SECOND + 1 } },
      { read: "current", gets: "cached" },
      { advance: 1 },
      { read: "current", gets: "nothing" },
    ],
    then: { sourceCalls: 37, events: [...times(37, "refreshFailed"), "expired"], lastError: { name: "ServiceUnavailable", kind: "retryable" } },
    differs:
      "Cached credentials are served, as in the spec, but only until exp − 10 s (expiryMargin), and the slot keeps trying instead of " +
      "backing off 5–10 min past the expiry: 10 attempts up to exp − 20 s (the last safe start, hit exactly), then 27 in the last 10 s, " +
      "each a quarter of the time left (jittered) down to a 100 ms floor.",
  },
  {
    peer: "#5 mandatory window, refresh fails (variant: STS Throttling)",
    given: { cached: "mandatory" },
    when: [
      { answer: "throttled" },
      { until: { beforeExpiry: 10 * SECOND + 1 } },
      { read: "current", gets: "cached" },
      { advance: 1 },
      { read: "current", gets: "nothing" },
    ],
    then: { sourceCalls: 37, events: [...times(37, "refreshFailed"), "expired"], lastError: { name: "Throttling", kind: "throttling" } },
    differs:
      "Near expiry throttling gets no longer schedule: the validity caps (a quarter of the time left, 100 ms floor) are below any " +
      "throttle ceiling, so a throttled slot also makes 37 attempts in its last minute. Deliberate (refreshPolicy.ts planRetry: both " +
      "ceilings are capped), but see the report: it is the opposite of easing off STS.",
  },
  {
    peer: "#6 expired credentials, refresh succeeds",
    given: { cached: "expired" },
    when: [
      { answer: { fresh: HOUR } },
      { read: "provider", gets: "new", contacts: true, waitsAtMost: 0 },
    ],
    then: { sourceCalls: 1, events: ["refreshed"], nextFetch: { beforeExpiry: 17.5 * MINUTE } },
    differs:
      "Same outcome, reached differently: the SDK's read finds nothing usable (expired credentials are never handed out), and since the " +
      "last attempt is over 60 s old it has one made at once (unavailableRetryInterval) and waits for it, bounded by readTimeout (5 s). " +
      "It never starts a fetch of its own: all readers share the slot's one.",
  },
  {
    peer: "#7 expired credentials, refresh fails",
    given: { cached: "expired" },
    when: [
      { read: "current", gets: "nothing", contacts: true },
      { read: "provider", gets: { rejects: "CredentialsUnavailableError", kind: "retryable", cause: "ServiceUnavailable" }, waitsAtMost: 0 },
    ],
    then: { sourceCalls: 1, events: ["refreshFailed"], lastError: { name: "ServiceUnavailable", kind: "retryable" }, nextFetch: { afterLastAttempt: MINUTE } },
    differs:
      "On purpose we never serve expired credentials: the request would fail with ExpiredToken anyway, later and less clearly (the .NET " +
      "revert). A read that finds nothing usable has an attempt made at once when the last is over 60 s old, as here; it fails, the " +
      "backoff says 150 s, and the SDK's read then rejects at once with a typed CredentialsUnavailableError (cause: the source's error) " +
      "and pulls the next attempt in to 60 s after the last (unavailableRetryInterval).",
  },
  {
    peer: "#8 no credentials, initial fetch fails, next call succeeds",
    given: { cached: "none" },
    when: [
      { answer: "error" },
      { read: "current", gets: "nothing" },
      { read: "get", timeout: 0, gets: { rejects: "CredentialsUnavailableError", kind: "retryable", cause: "ServiceUnavailable" } },
      { answer: { fresh: HOUR } },
      { advanceToNextAttempt: { in: 500 } },
      { read: "current", gets: "new" },
    ],
    then: { sourceCalls: 2, events: ["refreshFailed", "refreshed"] },
    differs:
      "The retry is the timer's, 0.5 s later, not the next call's; a read after it gets credentials without calling the source. " +
      "A reader with the default 5 s readTimeout would not see the failure at all: it is served by that retry.",
  },
  {
    peer: "#9 advisory window, source returns stale credentials",
    given: { cached: "advisory" },
    when: [
      { answer: { stale: -SECOND } },
      { advanceToNextAttempt: {} },
      { read: "current", gets: "cached" },
    ],
    then: { sourceCalls: 1, events: ["refreshFailed"], lastError: { name: "InvalidCredentialsError", kind: "retryable" }, nextFetch: { in: 500 } },
    differs: "Same: a failed refresh, cached credentials kept. Retried after 0.5 s rather than 300–600 s.",
  },
  {
    peer: "#10 mandatory window, source returns stale credentials",
    given: { cached: "mandatory" },
    when: [
      { answer: { stale: 5 * SECOND } },
      { advanceToNextAttempt: {} },
      { read: "current", gets: "cached" },
    ],
    then: {
      sourceCalls: 1,
      events: ["refreshFailed"],
      lastError: { name: "InvalidCredentialsError", kind: "retryable" },
      nextFetch: { beforeExpiryAtLeast: 20 * SECOND },
    },
    differs:
      "Stricter: credentials expiring within expiryMargin (10 s; here 5 s left) count as stale too, since we could not hand them out. " +
      "The next attempt stays before exp − 20 s, not 5–10 min later.",
  },
  {
    peer: "#11 10 min lifetime selects the 5 min advisory window",
    given: { cached: "none" },
    when: [
      { answer: { fresh: 10 * MINUTE } },
      { read: "current", gets: "new" },
    ],
    then: { sourceCalls: 1, events: ["refreshed"], nextFetch: { beforeExpiry: 6.25 * MINUTE } },
    differs:
      "No window table: the refresh is jittered in [exp − 7.5, exp − 5] min (late margin halved from 10 min to L/2, 5 min; jitter half " +
      "the rest, 2.5 min), on a timer.",
  },
  {
    peer: "#12 20.5 min lifetime selects the 15 min advisory window",
    given: { cached: "none" },
    when: [
      { answer: { fresh: 20.5 * MINUTE } },
      { read: "current", gets: "new" },
    ],
    then: { sourceCalls: 1, events: ["refreshed"], nextFetch: { beforeExpiry: 12.625 * MINUTE } },
    differs:
      "Jittered in [exp − 15.25, exp − 10] min (late margin 10 min, jitter half the rest, 5.25 min): 5.25–10.5 min into the lifetime, " +
      "where the spec refreshes from exp − 15 min (5.5 min in) on a request.",
  },
  {
    peer: "#13 6 h lifetime selects the 60 min advisory window",
    given: { cached: "none" },
    when: [
      { answer: { fresh: 6 * HOUR } },
      { read: "current", gets: "new" },
    ],
    then: { sourceCalls: 1, events: ["refreshed"], nextFetch: { beforeExpiry: 17.5 * MINUTE } },
    differs:
      "Jittered in [exp − 25, exp − 10] min, as for 1 h credentials: with a timer and fast retries we need no 60 min head start, " +
      "and refresh 6 h credentials once per ~5.7 h.",
  },
  {
    peer: "#14 advisory window recomputed when the lifetime changes (6 h, then 10 min)",
    given: { cached: "none" },
    when: [
      { answer: { fresh: 6 * HOUR } },
      { read: "current", gets: "new" },
      { advance: 18_060 * SECOND },
      { read: "current", gets: "cached" },
      { answer: { fresh: 10 * MINUTE } },
      { advanceToNextAttempt: { beforeExpiry: 17.5 * MINUTE } },
      { read: "current", gets: "new" },
    ],
    then: { sourceCalls: 2, events: ["refreshed", "refreshed"], nextFetch: { beforeExpiry: 6.25 * MINUTE } },
    differs: "With 59 min left there is no refresh yet (the spec's 60 min window would refresh on that read); ours comes at exp − 17.5 min. The next plan follows the new 10 min lifetime.",
  },
  {
    peer: "#15 a configured advisory window (30 min) overrides the table",
    given: { cached: "none", policy: { refreshBeforeExpiry: 30 * MINUTE } },
    when: [
      { answer: { fresh: 6 * HOUR } },
      { read: "current", gets: "new" },
    ],
    then: { sourceCalls: 1, events: ["refreshed"], nextFetch: { beforeExpiry: 37.5 * MINUTE } },
    differs: "Our setting (refreshBeforeExpiry) is the latest refresh point; the jitter (jitterWindow, 15 min) spreads a fleet before it: [exp − 45, exp − 30] min.",
  },
  {
    peer: "#15 a configured advisory window (30 min) overrides the table (variant: jitterWindow 0)",
    given: { cached: "none", policy: { refreshBeforeExpiry: 30 * MINUTE, jitterWindow: 0 } },
    when: [
      { answer: { fresh: 6 * HOUR } },
      { read: "current", gets: "new" },
    ],
    then: { sourceCalls: 1, events: ["refreshed"], nextFetch: { beforeExpiry: 30 * MINUTE } },
    differs: "With no jitter the refresh is exactly at the configured point, as in the spec, but on a timer.",
  },
  {
    peer: "#16 advisory window, non-recoverable failure",
    given: { cached: "advisory" },
    when: [
      { answer: "nonRecoverable" },
      { advanceToNextAttempt: {} },
      { read: "current", gets: "cached" },
      { read: "provider", gets: "cached" },
      { expectNextAttempt: { in: 257.5 * SECOND } },
      { answer: { fresh: HOUR } },
      { advanceToNextAttempt: { in: 257.5 * SECOND } },
      { read: "current", gets: "new" },
    ],
    then: { sourceCalls: 2, events: ["refreshFailed", "refreshed"], lastError: { name: "AccessDenied", kind: "nonRetryable" } },
    differs:
      "Not raised to callers while the credentials are valid: reported by a refreshFailed event and an error log line, and callers keep " +
      "working. Retried slowly (uniform 5–10 min, capped at a quarter of the time left but never under 60 s: here 257.5 s, a quarter of the 17 min 10 s to the last safe start), not on the next call: " +
      "an IAM fix takes a person.",
  },
  {
    peer: "#17 mandatory window, non-recoverable failure",
    given: { cached: "mandatory" },
    when: [
      { answer: "nonRecoverable" },
      { advanceToNextAttempt: { beforeExpiryAtLeast: 20 * SECOND } },
      { read: "current", gets: "cached" },
      { expectNextAttempt: { afterLastAttempt: MINUTE } },
      { until: { beforeExpiry: 10 * SECOND } },
      { read: "current", gets: "nothing" },
      { read: "get", timeout: 0, gets: { rejects: "CredentialsUnavailableError", kind: "nonRetryable", cause: "AccessDenied" } },
      { answer: { fresh: HOUR } },
      { advanceToNextAttempt: { afterLastAttempt: MINUTE } },
      { read: "current", gets: "new" },
    ],
    then: { sourceCalls: 2, events: ["refreshFailed", "expired", "refreshed"], nextFetch: { beforeExpiry: 17.5 * MINUTE } },
    differs:
      "Valid credentials are served until exp − 10 s, then reads fail with a typed error carrying AccessDenied. The retry comes 60 s " +
      "later (at most one attempt a minute for an error retrying will not fix), not on the next call.",
  },
  {
    peer: "#18 invalidate a matching key, refresh succeeds",
    given: { cached: "valid" },
    when: [
      { invalidate: "cached", returns: true, contacts: true },
      { read: "current", gets: "cached" },
      { read: "get", replacing: true, gets: "new", waitsAtMost: 0 },
    ],
    then: { sourceCalls: 1, events: ["refreshed"], nextFetch: { beforeExpiry: 17.5 * MINUTE } },
    differs:
      "invalidate() starts the refresh itself (not before minRefreshInterval, 1 s, after the last fetch); plain reads keep the cached " +
      "credentials until it lands, and a reader that must not reuse the rejected key waits for the new one with get({ replacing }).",
  },
  {
    peer: "#19 invalidate a matching key, refresh fails",
    given: { cached: "valid" },
    when: [
      { answer: "error" },
      { invalidate: "cached", returns: true, contacts: true },
      { read: "current", gets: "cached" },
      { read: "get", gets: "cached", waitsAtMost: 0 },
    ],
    then: { sourceCalls: 1, events: ["refreshFailed"], nextFetch: { in: 500 } },
    differs: "Same: still-valid credentials are kept. The retry comes 0.5 s later (1 s ceiling), not 300–600 s.",
  },
  {
    peer: "#20 invalidate during an active backoff",
    given: { cached: "expired" },
    when: [
      { advanceToNextAttempt: {} },
      { expectNextAttempt: { afterLastAttempt: 150 * SECOND } },
      { until: { afterLastAttempt: MINUTE } },
      { invalidate: "cached", returns: true, contacts: false },
      { expectNextAttempt: { afterLastAttempt: 150 * SECOND } },
      { answer: { fresh: HOUR } },
      { read: "get", gets: "new", contacts: true, waitsAtMost: 0 },
    ],
    then: { sourceCalls: 2, events: ["refreshFailed", "refreshed"], nextFetch: { beforeExpiry: 17.5 * MINUTE } },
    differs:
      "invalidate() keeps the backoff, as in the spec. But a read finding nothing usable pulls the next attempt in to 60 s after the last, " +
      "so at 60 s the read is served by a fresh fetch, where the spec serves the expired credentials until its 420 s backoff ends.",
  },
  {
    peer: "#21 invalidate with a stale key (already replaced)",
    given: { cached: "replaced" },
    when: [
      { invalidate: "ASIAFAKE00000001", returns: false, contacts: false },
      { read: "current", gets: "cached" },
    ],
    then: { sourceCalls: 0, events: [], nextFetch: { beforeExpiry: 17.5 * MINUTE } },
    differs: "Same: a no-op, and invalidate() says so by returning false.",
  },
  {
    peer: "#22 no source contact until the backoff has elapsed",
    given: { cached: "expired" },
    when: [
      { advanceToNextAttempt: {} },
      { expectNextAttempt: { afterLastAttempt: 150 * SECOND } },
      { advance: 30 * SECOND },
      { read: "current", gets: "nothing" },
      { expectNextAttempt: { afterLastAttempt: MINUTE } },
      { answer: { fresh: HOUR } },
      { advanceToNextAttempt: { afterLastAttempt: MINUTE } },
      { read: "current", gets: "new" },
    ],
    then: { sourceCalls: 2, events: ["refreshFailed", "refreshed"], nextFetch: { beforeExpiry: 17.5 * MINUTE } },
    differs:
      "Reads never contact the source during a backoff. Ours is capped exponential (here 150 s = 0.5 × the 5 min cap) rather than 300–600 s, " +
      "and while reads find nothing usable the next attempt is brought in to 60 s after the last one.",
  },
  {
    peer: "#23 no credentials, initial fetch fails non-recoverably",
    given: { cached: "none" },
    when: [
      { answer: "nonRecoverable" },
      { read: "get", gets: { rejects: "CredentialsUnavailableError", kind: "nonRetryable", cause: "AccessDenied" }, waitsAtMost: 0 },
      { expectNextAttempt: { afterLastAttempt: MINUTE } },
      { answer: { fresh: HOUR } },
      { advanceToNextAttempt: { afterLastAttempt: MINUTE } },
      { read: "current", gets: "new" },
    ],
    then: { sourceCalls: 2, events: ["refreshFailed", "refreshed"], lastError: { name: "AccessDenied", kind: "nonRetryable" } },
    differs:
      "Reads reject at once (not after readTimeout) with CredentialsUnavailableError, whose cause chain carries the kind and AccessDenied; " +
      "`failFast: true` makes ready() reject with that CredentialSourceError itself. The retry is 60 s later while reads fail (5–10 min " +
      "otherwise), not on the next call.",
  },
];

// ---------------------------------------------------------------------------------------------
// The runner.

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
beforeAll(() => void process.on("unhandledRejection", onUnhandled));
afterAll(() => {
  process.off("unhandledRejection", onUnhandled);
  expect(unhandled).toEqual([]);
});

const open: CredentialSlot[] = [];
beforeEach(() => void vi.useFakeTimers({ now: T0 }));
afterEach(async () => {
  await Promise.all(open.splice(0).map((slot) => slot.close()));
  vi.useRealTimers();
  // Let Node report any rejection nobody handled during the row, so it is pinned on that row.
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(unhandled).toEqual([]);
});

const flush = (): Promise<unknown> => vi.advanceTimersByTimeAsync(0);
const isMoment = (m: Moment | Record<string, never>): m is Moment => Object.keys(m).length > 0;
/** Number of the fake source's call that issued these credentials (ASIAFAKE00000007 → 7). */
const issuedBy = (accessKeyId: string): number => Number(accessKeyId.slice("ASIAFAKE".length));

/** One row's world: the fake source, the slot, what happened since `when` began. */
class Scenario {
  readonly source = new FakeSource();
  readonly events: CredentialSlotEvent[] = [];
  #slot: CredentialSlot | undefined;
  /** The first fetch, held until an `answer` step (given "none"). */
  #held: { readonly n: number } | undefined;
  callsAtStart = 0;
  /** Key of the credentials the previous read got (or held when `when` began). */
  lastSeen: string | undefined;

  constructor(readonly given: Given) {
    this.source.lifetimeMs = HOUR;
  }

  get slot(): CredentialSlot {
    if (this.#slot === undefined) throw new Error("no slot yet");
    return this.#slot;
  }

  create(): void {
    this.#slot = createCredentialSlot({
      source: this.source.fn,
      random: () => RANDOM,
      onEvent: (event) => void this.events.push(event),
      ...(this.given.policy && { policy: this.given.policy }),
    });
    open.push(this.#slot);
  }

  async answer(answer: Answer): Promise<void> {
    const { source } = this;
    if (typeof answer === "object" && "fresh" in answer) {
      source.lifetimeMs = answer.fresh;
      source.succeed();
    } else if (typeof answer === "object") {
      source.respond((n) => source.issue(n, answer.stale));
    } else {
      const error = { error: () => sdkError("ServiceUnavailable", 503), throttled: () => sdkError("Throttling", 400, "Rate exceeded"), nonRecoverable: () => sdkError("AccessDenied", 403) }[answer];
      source.fail(error);
    }
    const held = this.#held;
    this.#held = undefined;
    if (held !== undefined) {
      const call = source.calls[held.n - 1];
      if (call === undefined) throw new Error("the held fetch is gone");
      // The held call answers as the mode just set would have.
      const mode = source.mode;
      if (mode.kind === "fail") call.reject(mode.error());
      else if (mode.kind === "respond") call.resolve(mode.with(call.n) as AwsCredentialIdentity);
      else call.resolve();
    }
    await flush();
  }

  holdFirstFetch(): void {
    this.source.hold();
    this.create();
    this.#held = { n: this.source.last.n };
  }

  /** The instant a moment names; `at` is the instant checked against it. */
  instantOf(moment: Moment): number {
    if ("in" in moment) return Date.now() + moment.in;
    if ("afterLastAttempt" in moment) return this.source.last.at + moment.afterLastAttempt;
    const expiresAt = this.slot.stats().expiresAt;
    if (expiresAt === undefined) throw new Error("no credentials with an expiration are held");
    return expiresAt - ("beforeExpiry" in moment ? moment.beforeExpiry : moment.beforeExpiryAtLeast);
  }

  /** `{}` checks nothing: the step then only runs the attempt, wherever the slot planned it. */
  expectAttemptAt(at: number, moment: Moment | Record<string, never>): void {
    if (!isMoment(moment)) return;
    if ("beforeExpiryAtLeast" in moment) expect(at, "next attempt at least that long before expiry").toBeLessThanOrEqual(this.instantOf(moment));
    else expect(at - T0, "next attempt (ms after T0)").toBe(this.instantOf(moment) - T0);
  }

  nextAttemptAt(): number {
    const at = this.slot.stats().nextRefreshAt;
    if (at === undefined) throw new Error("no attempt is scheduled (a fetch is in flight?)");
    return at;
  }

  /** Runs the clock to the scheduled attempt and checks the source is called then, and not before. */
  async runNextAttempt(moment: Moment | Record<string, never>): Promise<void> {
    const at = this.nextAttemptAt();
    this.expectAttemptAt(at, moment);
    const before = this.source.count;
    const wait = at - Date.now();
    if (wait > 0) {
      await vi.advanceTimersByTimeAsync(wait - 1);
      expect(this.source.count, "no source call before the scheduled attempt").toBe(before);
      await vi.advanceTimersByTimeAsync(1);
    } else {
      await flush();
    }
    expect(this.source.count, "one source call at the scheduled attempt").toBe(before + 1);
    expect(this.source.last.at - T0).toBe(at - T0);
  }

  async step(step: Step): Promise<void> {
    if ("answer" in step) await this.answer(step.answer);
    else if ("advance" in step) await vi.advanceTimersByTimeAsync(step.advance);
    else if ("until" in step) {
      const wait = this.instantOf(step.until) - Date.now();
      expect(wait, "`until` names an instant not yet reached").toBeGreaterThanOrEqual(0);
      await vi.advanceTimersByTimeAsync(wait);
    } else if ("advanceToNextAttempt" in step) await this.runNextAttempt(step.advanceToNextAttempt);
    else if ("expectNextAttempt" in step) this.expectAttemptAt(this.nextAttemptAt(), step.expectNextAttempt);
    else if ("invalidate" in step) {
      const key = step.invalidate === "cached" ? this.lastSeen : step.invalidate;
      const before = this.source.count;
      expect(this.slot.invalidate(key ?? ""), `invalidate(${key}) returns`).toBe(step.returns);
      expect(this.source.count > before, "invalidate() itself calls the source").toBe(step.contacts);
    } else await this.read(step);
  }

  async read(step: Extract<Step, { read: string }>): Promise<void> {
    const before = this.source.count;
    const startedAt = Date.now();
    let result: { ok: AwsCredentialIdentity | undefined } | { error: unknown } | undefined;
    if (step.read === "current") {
      result = { ok: this.slot.current() };
    } else {
      const options = { ...(step.timeout !== undefined && { timeout: step.timeout }), ...(step.replacing && this.lastSeen !== undefined && { replacing: this.lastSeen }) };
      const promise = step.read === "provider" ? this.slot.provider() : this.slot.get(options);
      promise.then(
        (ok) => void (result = { ok }),
        (error: unknown) => void (result = { error }),
      );
    }
    // Did the read make the slot call the source (the spec's "sourceContacted")? At once or through a
    // timer due at this very instant: the clock has not moved yet.
    await flush();
    expect(this.source.count > before, `the ${step.read}() read has the source called at once`).toBe(step.contacts ?? false);
    // A waiting read: run the clock timer by timer (its own deadline bounds it) until it settles.
    for (let i = 0; result === undefined && i < 1_000; i++) await vi.advanceTimersToNextTimerAsync();
    expect(Date.now() - startedAt, "time the read waited").toBeLessThanOrEqual(step.waitsAtMost ?? step.timeout ?? READ_TIMEOUT);
    if (result === undefined) throw new Error("the read never settled");
    this.expectOutcome(step.gets, result);
  }

  expectOutcome(expected: Outcome, result: { ok: AwsCredentialIdentity | undefined } | { error: unknown }): void {
    if (typeof expected === "object") {
      expect(result, "the read rejects").toHaveProperty("error");
      const error = (result as { error: unknown }).error as Error & { cause?: { kind?: unknown; cause?: { name?: unknown } } };
      expect(error.name).toBe(expected.rejects);
      if (expected.kind !== undefined) expect(error.cause?.kind, "kind of the failure behind the error").toBe(expected.kind);
      if (expected.cause !== undefined) expect(error.cause?.cause?.name, "the source's error").toBe(expected.cause);
      return;
    }
    expect(result, "the read resolves").toHaveProperty("ok");
    const creds = (result as { ok: AwsCredentialIdentity | undefined }).ok;
    if (expected === "nothing") {
      expect(creds, "no credentials handed out").toBeUndefined();
      return;
    }
    expect(creds, "credentials handed out").toBeDefined();
    const key = creds?.accessKeyId ?? "";
    if (expected === "cached") {
      expect(key, "the cached credentials").toBe(this.lastSeen);
    } else {
      expect(key, "credentials other than the cached ones").not.toBe(this.lastSeen);
      expect(issuedBy(key), "credentials fetched during `when`").toBeGreaterThan(this.callsAtStart);
    }
    // Never expired ones, whatever the row says.
    expect((creds?.expiration?.getTime() ?? Infinity) - Date.now()).toBeGreaterThan(0);
    this.lastSeen = key;
  }

  /** Puts the slot in the given state; nothing it does counts for `then`. */
  async arrange(): Promise<void> {
    const { cached } = this.given;
    if (cached === "none") return;
    this.create();
    await flush();
    // The spec's advisory window opens at exp − 15 min for 1 h credentials; our planned refresh
    // (exp − 17.5 min) comes first, so "advisory" stops 1 ms short of it: no refresh yet.
    const advisory = Math.min(this.instantOf({ beforeExpiry: specAdvisoryWindow(HOUR) }), this.nextAttemptAt() - 1);
    const setup: Record<Exclude<Given["cached"], "none">, Step[]> = {
      valid: [{ advance: 10 * MINUTE }],
      replaced: [{ advanceToNextAttempt: {} }],
      advisory: [{ until: { in: advisory - Date.now() } }],
      mandatory: [{ answer: "error" }, { until: { beforeExpiry: MINUTE } }],
      expired: [{ answer: "error" }, { until: { beforeExpiry: -MINUTE } }],
    };
    for (const step of setup[cached]) await this.step(step);
  }

  begin(): void {
    this.callsAtStart = this.source.count;
    this.events.length = 0;
    this.lastSeen = this.#slot?.stats().accessKeyId;
    if (this.given.cached === "none") this.holdFirstFetch();
  }

  async check(then: Then): Promise<void> {
    expect(this.source.count - this.callsAtStart, "source calls during `when`").toBe(then.sourceCalls);
    expect(this.events.map((e) => e.type), "events during `when`").toEqual(then.events);
    if (then.lastError !== undefined) expect(this.slot.stats().lastError).toMatchObject(then.lastError);
    if (then.nextFetch !== undefined) await this.runNextAttempt(then.nextFetch);
  }
}

async function run(row: Row): Promise<void> {
  expect(row.when.some((step) => "read" in step), "every row reads the slot").toBe(true);
  const scenario = new Scenario(row.given);
  await scenario.arrange();
  scenario.begin();
  for (const step of row.when) await scenario.step(step);
  await scenario.check(row.then);
}

describe("peer scenarios of the cross-SDK credential refresh spec", () => {
  test.each(rows)("$peer", run);
});

/** A row with one expectation broken: the runner must reject it, so no row passes vacuously. */
const broken = (peer: string, change: (row: Row) => Row): { name: string; row: Row } => {
  const row = rows.find((r) => r.peer.startsWith(peer));
  if (row === undefined) throw new Error(`no row ${peer}`);
  return { name: peer, row: change(structuredClone(row)) };
};

describe("the runner fails a row whose expectation is wrong", () => {
  test.each([
    { ...broken("#1 ", (r) => ({ ...r, then: { ...r.then, sourceCalls: 1 } })), what: "one source call too many" },
    { ...broken("#2 ", (r) => ({ ...r, then: { ...r.then, events: [] } })), what: "no events" },
    { ...broken("#3 ", (r) => ({ ...r, then: { ...r.then, nextFetch: { in: 300 * SECOND } } })), what: "the spec's 300 s backoff" },
    { ...broken("#7 ", (r) => ({ ...r, when: r.when.map((s) => ("read" in s && s.read === "current" ? { ...s, gets: "cached" as const } : s)) })), what: "expired credentials served" },
    { ...broken("#13 ", (r) => ({ ...r, then: { ...r.then, nextFetch: { beforeExpiry: HOUR } } })), what: "the spec's 60 min window" },
    { ...broken("#20 ", (r) => ({ ...r, when: r.when.map((s) => ("invalidate" in s ? { ...s, contacts: true } : s)) })), what: "invalidate contacting the source" },
    { ...broken("#23 ", (r) => ({ ...r, when: r.when.map((s) => ("read" in s && s.read === "get" ? { ...s, gets: { rejects: "CredentialsUnavailableError", cause: "Throttling" } } : s)) })), what: "another cause" },
  ])("$name with $what", async ({ row }) => {
    await expect(run(row)).rejects.toThrow();
  });
});
