import { AwsError } from "../awsError.js";
import type { StsMode } from "../options.js";

/** The error each failing STS mode answers, as the real STS words it. */
export function stsModeError(mode: StsMode, action: string): AwsError | undefined {
  switch (mode) {
    case "error5xx":
      return new AwsError("ServiceUnavailable", "Service is unavailable. Please try again later.", 503);
    case "throttle":
      return new AwsError("Throttling", "Rate exceeded", 400);
    case "invalidIdentityToken":
      return new AwsError("InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements", 400);
    case "expiredIdentityToken":
      return new AwsError("ExpiredTokenException", "Token expired: current date/time must be before the expiration date/time.", 400);
    case "accessDenied":
      return new AwsError("AccessDenied", `Not authorized to perform sts:${action}`, 403);
    default:
      return undefined;
  }
}
