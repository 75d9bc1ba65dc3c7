import { describe, expect, test } from "vitest";
import {
  AwsCredsError,
  ConfigurationError,
  CredentialSourceError,
  CredentialsUnavailableError,
  InvalidCredentialsError,
  SlotClosedError,
  StartupTimeoutError,
} from "@awscreds/core";

describe("errors", () => {
  test.each([
    [new CredentialsUnavailableError("m"), "CredentialsUnavailableError"],
    [new SlotClosedError(), "SlotClosedError"],
    [new StartupTimeoutError("m"), "StartupTimeoutError"],
    [new ConfigurationError("m"), "ConfigurationError"],
    [new CredentialSourceError("throttling", "m"), "CredentialSourceError"],
    [new InvalidCredentialsError("m"), "InvalidCredentialsError"],
  ])("%s is an AwsCredsError named %s", (error, name) => {
    expect(error).toBeInstanceOf(AwsCredsError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(String(error)).toMatch(new RegExp(`^${name}: `));
  });

  test("cause and kind are kept", () => {
    const cause = new Error("Rate exceeded");
    const error = new CredentialSourceError("throttling", "credential source failed", { cause });
    expect(error.cause).toBe(cause);
    expect(error.kind).toBe("throttling");
  });

  test("SlotClosedError says what to do", () => {
    expect(new SlotClosedError().message).toBe("the credential slot was closed; create a new one");
  });
});
