import { toAmzDate, toIsoSeconds } from "./amzDate.js";

/** The services the emulator speaks; each renders errors in its own wire format. */
export type ServiceName = "sts" | "dynamodb" | "s3" | "lambda";

/**
 * An error answered to the client in the wire format of the service that raised it.
 * `code` is the AWS error code the SDK surfaces as the exception's `name`.
 */
export class AwsError extends Error {
  override readonly name = "AwsError";
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** Extra fields some errors carry (S3's `ServerTime`, `RequestTime`, ...). */
    readonly fields: Record<string, string> = {},
    /** DynamoDB prefixes auth errors with the coral namespace and service errors with its own. */
    readonly jsonNamespace = "com.amazon.coral.service",
  ) {
    super(message);
  }

  /** `true` for client faults (4xx), rendered as `Sender` in query-protocol errors. */
  get senderFault(): boolean {
    return this.status < 500;
  }
}

/** DynamoDB and Lambda use the coral names; Lambda answers them with 403, DynamoDB with 400. */
function coral(service: ServiceName): boolean {
  return service === "dynamodb" || service === "lambda";
}
const coralStatus = (service: ServiceName) => (service === "lambda" ? 403 : 400);

/**
 * The authentication errors, with the code each real service uses for the same fault.
 * DynamoDB and S3 each have their own names for what STS calls `InvalidClientTokenId`.
 */
export const authErrors = {
  missingAuthentication(service: ServiceName): AwsError {
    if (service === "s3") return new AwsError("AccessDenied", "Access Denied", 403);
    const code = coral(service) ? "MissingAuthenticationTokenException" : "MissingAuthenticationToken";
    return new AwsError(code, "Request is missing Authentication Token", coral(service) ? coralStatus(service) : 403);
  },
  unknownKey(service: ServiceName): AwsError {
    if (service === "s3") {
      return new AwsError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403);
    }
    if (coral(service)) {
      return new AwsError("UnrecognizedClientException", "The security token included in the request is invalid.", coralStatus(service));
    }
    return new AwsError("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
  },
  invalidToken(service: ServiceName): AwsError {
    if (service === "s3") return new AwsError("InvalidToken", "The provided token is malformed or otherwise invalid.", 400);
    return authErrors.unknownKey(service);
  },
  expiredToken(service: ServiceName): AwsError {
    if (service === "s3") return new AwsError("ExpiredToken", "The provided token has expired.", 400);
    if (coral(service)) {
      return new AwsError("ExpiredTokenException", "The security token included in the request is expired", coralStatus(service));
    }
    return new AwsError("ExpiredToken", "The security token included in the request is expired", 403);
  },
  signatureMismatch(service: ServiceName, fields: Record<string, string> = {}): AwsError {
    const message =
      "The request signature we calculated does not match the signature you provided. " +
      "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
    if (coral(service)) return new AwsError("InvalidSignatureException", message, coralStatus(service));
    return new AwsError("SignatureDoesNotMatch", message, 403, service === "s3" ? fields : {});
  },
  malformed(service: ServiceName, message: string): AwsError {
    if (service === "s3") return new AwsError("AuthorizationHeaderMalformed", message, 400);
    return new AwsError("IncompleteSignature", message, 400);
  },
  /** The request's `x-amz-date` is more than 15 minutes from the server's clock. */
  skewed(service: ServiceName, requestTime: string, now: number, inFuture: boolean): AwsError {
    if (service === "s3") {
      // S3 reports ServerTime in ISO 8601; the SDK parses it to correct its clock.
      return new AwsError("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", 403, {
        RequestTime: requestTime,
        ServerTime: toIsoSeconds(now),
        MaxAllowedSkewMilliseconds: "900000",
      });
    }
    const serverTime = toAmzDate(now);
    const message = inFuture
      ? `Signature not yet current: ${requestTime} is still later than ${serverTime} + 15 min.`
      : `Signature expired: ${requestTime} is now earlier than ${serverTime} - 15 min.`;
    if (coral(service)) return new AwsError("InvalidSignatureException", message, coralStatus(service));
    return new AwsError("SignatureDoesNotMatch", message, 403);
  },
};
