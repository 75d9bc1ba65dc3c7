import { AwsError, authErrors, type ServiceName } from "./awsError.js";
import type { ServiceFault } from "./options.js";

/** The error a signed service answers for an injected fault, in that service's own words. */
export function serviceFaultError(fault: ServiceFault, service: ServiceName): AwsError {
  switch (fault) {
    case "ExpiredToken":
      return authErrors.expiredToken(service);
    case "Throttling":
      if (service === "s3") return new AwsError("SlowDown", "Please reduce your request rate.", 503);
      if (service === "lambda") return new AwsError("TooManyRequestsException", "Rate Exceeded.", 429);
      if (service === "dynamodb") return new AwsError("ThrottlingException", "Rate of requests exceeds the allowed throughput.", 400);
      return new AwsError("Throttling", "Rate exceeded", 400);
    case "InternalError":
      if (service === "s3") return new AwsError("InternalError", "We encountered an internal error. Please try again.", 500);
      if (service === "lambda") return new AwsError("ServiceException", "The AWS Lambda service encountered an internal error.", 500);
      if (service === "dynamodb") return new AwsError("InternalServerError", "Internal server error", 500, {}, "com.amazonaws.dynamodb.v20120810");
      return new AwsError("InternalFailure", "An internal error occurred.", 500);
  }
}
