import { AwsError } from "../awsError.js";
import { jsonReply, type Reply } from "../reply.js";

const TARGET_PREFIX = "DynamoDB_20120810.";
const DYNAMODB_NS = "com.amazonaws.dynamodb.v20120810";

type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;

interface Table {
  readonly name: string;
  readonly keys: readonly string[];
  readonly keySchema: ReadonlyArray<{ AttributeName: string; KeyType: "HASH" | "RANGE" }>;
  readonly createdAt: number;
  readonly items: Map<string, Item>;
}

/** The operation named by `X-Amz-Target`, or `undefined` when the request is not for DynamoDB. */
export function dynamoDbOperation(target: string | undefined): string | undefined {
  return target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
}

function notFound(): AwsError {
  return new AwsError("ResourceNotFoundException", "Requested resource not found", 400, {}, DYNAMODB_NS);
}

function validationError(message: string): AwsError {
  return new AwsError("ValidationException", message, 400, {}, "com.amazon.coral.validate");
}

/** An in-memory DynamoDB speaking JSON 1.0: enough of the API to exercise signed requests. */
export class DynamoDbService {
  readonly #tables = new Map<string, Table>();

  constructor(
    private readonly accountId: string,
    private readonly region: () => string,
  ) {}

  createTable(name: string, partitionKey = "pk", sortKey?: string, now = Date.now()): void {
    if (this.#tables.has(name)) throw new AwsError("ResourceInUseException", `Table already exists: ${name}`, 400, {}, DYNAMODB_NS);
    const keySchema: Table["keySchema"][number][] = [{ AttributeName: partitionKey, KeyType: "HASH" }];
    if (sortKey) keySchema.push({ AttributeName: sortKey, KeyType: "RANGE" });
    this.#tables.set(name, { name, keys: keySchema.map((k) => k.AttributeName), keySchema, createdAt: now, items: new Map() });
  }

  handle(operation: string, body: Buffer, now: number): Reply {
    let input: Record<string, unknown>;
    try {
      input = body.length === 0 ? {} : (JSON.parse(body.toString("utf8")) as Record<string, unknown>);
    } catch {
      throw new AwsError("SerializationException", "Start of structure or map found where not expected.", 400, {}, "com.amazon.coral.service");
    }
    switch (operation) {
      case "ListTables":
        return jsonReply({ TableNames: [...this.#tables.keys()].sort() });
      case "CreateTable": {
        const schema = (input.KeySchema ?? []) as Array<{ AttributeName: string; KeyType: string }>;
        const hash = schema.find((k) => k.KeyType === "HASH")?.AttributeName;
        if (typeof input.TableName !== "string" || !hash) throw validationError("TableName and a HASH key in KeySchema are required.");
        this.createTable(input.TableName, hash, schema.find((k) => k.KeyType === "RANGE")?.AttributeName, now);
        return jsonReply({ TableDescription: this.#describe(this.#table(input.TableName)) });
      }
      case "DescribeTable":
        return jsonReply({ Table: this.#describe(this.#table(input.TableName)) });
      case "PutItem": {
        const table = this.#table(input.TableName);
        const item = input.Item as Item | undefined;
        if (!item) throw validationError("1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null");
        table.items.set(this.#keyOf(table, item), item);
        return jsonReply({});
      }
      case "GetItem": {
        const table = this.#table(input.TableName);
        const item = table.items.get(this.#keyOf(table, (input.Key ?? {}) as Item));
        return jsonReply(item ? { Item: item } : {});
      }
      case "DeleteItem": {
        const table = this.#table(input.TableName);
        table.items.delete(this.#keyOf(table, (input.Key ?? {}) as Item));
        return jsonReply({});
      }
      default:
        throw new AwsError("UnknownOperationException", `The emulator does not implement DynamoDB ${operation}.`, 400);
    }
  }

  #table(name: unknown): Table {
    const table = typeof name === "string" ? this.#tables.get(name) : undefined;
    if (!table) throw notFound();
    return table;
  }

  #keyOf(table: Table, item: Item): string {
    return JSON.stringify(
      table.keys.map((name) => {
        const value = item[name];
        if (!value) throw validationError("The provided key element does not match the schema");
        return value;
      }),
    );
  }

  #describe(table: Table) {
    return {
      TableName: table.name,
      TableArn: `arn:aws:dynamodb:${this.region()}:${this.accountId}:table/${table.name}`,
      TableStatus: "ACTIVE",
      KeySchema: table.keySchema,
      AttributeDefinitions: table.keys.map((name) => ({ AttributeName: name, AttributeType: "S" })),
      ItemCount: table.items.size,
      CreationDateTime: table.createdAt / 1000,
      BillingModeSummary: { BillingMode: "PAY_PER_REQUEST" },
    };
  }
}
