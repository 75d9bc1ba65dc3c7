import { AwsError } from "../awsError.js";
import type { IncomingRequest } from "../incomingRequest.js";
import type { Reply } from "../reply.js";

const PREFIX = "/2015-03-31/functions";

function json(body: unknown, headers: Record<string, string> = {}): Reply {
  return { status: 200, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

/** The path segments after `/2015-03-31/functions`, decoded; `undefined` when not a Lambda path. */
function segments(rawPath: string): string[] | undefined {
  if (rawPath !== PREFIX && !rawPath.startsWith(`${PREFIX}/`)) return undefined;
  return rawPath.slice(PREFIX.length).split("/").filter(Boolean).map(decodeURIComponent);
}

/** The Lambda operation a request names, or `undefined` when it is not for Lambda. */
export function lambdaOperation(request: IncomingRequest): string | undefined {
  const parts = segments(request.rawPath);
  if (parts === undefined) return undefined;
  if (parts.length === 0 && request.method === "GET") return "ListFunctions";
  if (parts.length === 1 && request.method === "GET") return "GetFunction";
  if (parts.length === 2 && parts[1] === "invocations" && request.method === "POST") return "Invoke";
  return `Unsupported${request.method}`;
}

/**
 * An in-memory Lambda speaking REST-JSON: a third protocol family, whose paths carry function
 * names and ARNs and so exercise the non-S3 path rules of SigV4 (normalized, encoded twice).
 * `Invoke` echoes its payload.
 */
export class LambdaService {
  readonly #functions = new Set<string>();

  constructor(
    private readonly accountId: string,
    private readonly region: () => string,
  ) {}

  createFunction(name: string): void {
    this.#functions.add(name);
  }

  handle(operation: string, request: IncomingRequest): Reply {
    switch (operation) {
      case "ListFunctions":
        return json({ Functions: [...this.#functions].sort().map((name) => this.#configuration(name)) });
      case "GetFunction":
        return json({ Configuration: this.#configuration(this.#function(request)) });
      case "Invoke":
        this.#function(request);
        return { status: 200, headers: { "content-type": "application/json", "x-amz-executed-version": "$LATEST" }, body: request.body };
      default:
        throw new AwsError("UnknownOperationException", `The emulator does not implement ${request.method} ${request.rawPath} for Lambda.`, 404);
    }
  }

  /** A function named plainly or by ARN (`arn:aws:lambda:region:account:function:name`). */
  #function(request: IncomingRequest): string {
    const given = segments(request.rawPath)?.[0] ?? "";
    const name = given.startsWith("arn:") ? (given.split(":")[6] ?? "") : given;
    if (!this.#functions.has(name)) {
      throw new AwsError("ResourceNotFoundException", `Function not found: arn:aws:lambda:${this.region()}:${this.accountId}:function:${name}`, 404);
    }
    return name;
  }

  #configuration(name: string) {
    return { FunctionName: name, FunctionArn: `arn:aws:lambda:${this.region()}:${this.accountId}:function:${name}`, Runtime: "nodejs20.x", Handler: "index.handler", State: "Active" };
  }
}
