import { HttpResponse } from "@smithy/protocol-http";
import type { HttpRequest } from "@smithy/protocol-http";
import type { HttpHandlerOptions, RequestHandler } from "@smithy/types";

const GET_ITEM_ANSWER = new TextEncoder().encode('{"Item":{"pk":{"S":"order#1"}}}');

/**
 * A request handler that answers every DynamoDB request at once with a fixed `GetItem` result:
 * no socket, no event-loop hop, so a benchmark measures the SDK's own work per request
 * (serialize, identity, sign, deserialize) and nothing else. It keeps the last signed request,
 * so a benchmark can check it really was signed.
 */
export class InstantDynamoDbHandler implements RequestHandler<HttpRequest, HttpResponse, HttpHandlerOptions> {
  lastRequest: HttpRequest | undefined;
  handled = 0;

  async handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
    this.lastRequest = request;
    this.handled++;
    return {
      response: new HttpResponse({
        statusCode: 200,
        headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "instant" },
        body: GET_ITEM_ANSWER,
      }),
    };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }
}
