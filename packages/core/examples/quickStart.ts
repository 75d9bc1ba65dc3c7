import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { awsCredsPlugin } from "@awscreds/core";

const dynamodb = new DynamoDBClient({});
dynamodb.middlewareStack.use(awsCredsPlugin(dynamodb.config));

const { TableNames } = await dynamodb.send(new ListTablesCommand({}));
console.log(TableNames);
