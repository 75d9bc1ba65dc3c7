import { describe, expect, test } from "vitest";
import { classifyError, ConfigurationError, CredentialSourceError, InvalidCredentialsError } from "@awscreds/core";
import { sdkError } from "./helpers/fakeSource.js";

describe("classifyError", () => {
  test.each([
    // throttling
    ["STS Throttling", sdkError("Throttling", 400, "Rate exceeded"), "throttling"],
    ["ThrottlingException", sdkError("ThrottlingException", 400), "throttling"],
    ["TooManyRequestsException", sdkError("TooManyRequestsException", 429), "throttling"],
    ["RequestLimitExceeded", sdkError("RequestLimitExceeded", 503), "throttling"],
    ["SlowDown", sdkError("SlowDown", 503), "throttling"],
    ["any name with HTTP 429", sdkError("Whatever", 429), "throttling"],
    ["$retryable.throttling", Object.assign(new Error("x"), { name: "Odd", $retryable: { throttling: true } }), "throttling"],
    ["Code field (XML error shape)", { Code: "Throttling", message: "Rate exceeded" }, "throttling"],
    // non-retryable
    ["AccessDenied", sdkError("AccessDenied", 403), "nonRetryable"],
    ["AccessDeniedException", sdkError("AccessDeniedException", 400), "nonRetryable"],
    ["ValidationError", sdkError("ValidationError", 400), "nonRetryable"],
    ["MalformedPolicyDocument", sdkError("MalformedPolicyDocument", 400), "nonRetryable"],
    ["PackedPolicyTooLarge", sdkError("PackedPolicyTooLarge", 400), "nonRetryable"],
    ["RegionDisabledException", sdkError("RegionDisabledException", 403), "nonRetryable"],
    ["our ConfigurationError", new ConfigurationError("AWS_ROLE_ARN is not set"), "nonRetryable"],
    // retryable: everything else
    ["HTTP 500", sdkError("InternalFailure", 500), "retryable"],
    ["HTTP 503", sdkError("ServiceUnavailable", 503), "retryable"],
    ["InvalidIdentityToken (kubelet rotates the token)", sdkError("InvalidIdentityToken", 400), "retryable"],
    ["IDPCommunicationError", sdkError("IDPCommunicationError", 400), "retryable"],
    ["ExpiredTokenException from STS", sdkError("ExpiredTokenException", 400), "retryable"],
    ["unreadable token file", Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT" }), "retryable"],
    ["network error", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), "retryable"],
    ["timeout", Object.assign(new Error("timed out"), { name: "TimeoutError" }), "retryable"],
    ["garbage response", new InvalidCredentialsError("no secretAccessKey"), "retryable"],
    ["a string", "boom", "retryable"],
    ["null", null, "retryable"],
    ["undefined", undefined, "retryable"],
    ["a CredentialSourceError keeps its kind", new CredentialSourceError("nonRetryable", "x"), "nonRetryable"],
  ])("%s → %s", (_name, err, kind) => {
    expect(classifyError(err)).toBe(kind);
  });

  test("never throws, even on a hostile object", () => {
    const hostile = new Proxy({}, { get: () => { throw new Error("trap"); } });
    expect(classifyError(hostile)).toBe("retryable");
  });
});
