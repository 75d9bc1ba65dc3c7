/** A SigV4-verified DynamoDB subset, enough for credential tests. */
export { DynamoDbService, dynamoDbOperation } from "./dynamoDbService.js";
