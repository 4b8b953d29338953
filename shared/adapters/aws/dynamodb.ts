import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  TransactWriteCommandInput,
  TransactWriteCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { type AwsClientOptions, AwsJsonClient, AwsServiceError, DYNAMODB } from './aws-json-client.js';

/** An item or key as plain JavaScript values. */
type Item = Record<string, unknown>;
/** The same in DynamoDB's attribute-value JSON (`{ "S": "..." }`). */
type Wire = Record<string, unknown>;

const toWire = (item: unknown): Wire => marshall(item as Item, { removeUndefinedValues: true });
const fromWire = (item: unknown): Item => unmarshall(item as Parameters<typeof unmarshall>[0]);
const mapValues = <T, R>(record: Record<string, T> | undefined, f: (value: T) => R): Record<string, R> | undefined =>
  record === undefined ? undefined : Object.fromEntries(Object.entries(record).map(([name, value]) => [name, f(value)]));

/** Marshals the fields of an input that hold values, leaving expressions and names as they are. */
function values<T extends { Key?: unknown; Item?: unknown; ExpressionAttributeValues?: unknown; ExclusiveStartKey?: unknown }>(
  input: T,
): object {
  return {
    ...input,
    ...(input.Key !== undefined ? { Key: toWire(input.Key) } : {}),
    ...(input.Item !== undefined ? { Item: toWire(input.Item) } : {}),
    ...(input.ExpressionAttributeValues !== undefined ? { ExpressionAttributeValues: toWire(input.ExpressionAttributeValues) } : {}),
    ...(input.ExclusiveStartKey !== undefined ? { ExclusiveStartKey: toWire(input.ExclusiveStartKey) } : {}),
  };
}

type Output<T> = Omit<T, '$metadata'>;

/** An answer that may carry the item's attributes (`ReturnValues`), in plain values. */
const withAttributes = (wire: Wire) => ({ ...wire, Attributes: wire.Attributes === undefined ? undefined : fromWire(wire.Attributes) });

/**
 * One DynamoDB operation on plain JavaScript values, named and shaped as in `@aws-sdk/lib-dynamodb`
 * (inputs and outputs are its types), so store code reads like the SDK's documentation.
 */
export abstract class DocumentCommand<Input, Result> {
  abstract readonly operation: string;
  constructor(readonly input: Input) {}
  /** The input in DynamoDB's wire form. */
  abstract wireInput(): object;
  /** The answer back in plain values. */
  abstract result(wire: Wire): Result;
}

export class GetCommand extends DocumentCommand<GetCommandInput, Output<GetCommandOutput>> {
  readonly operation = 'GetItem';
  wireInput = () => values(this.input);
  result = (wire: Wire) => ({ ...wire, Item: wire.Item === undefined ? undefined : fromWire(wire.Item) });
}

export class PutCommand extends DocumentCommand<PutCommandInput, Output<PutCommandOutput>> {
  readonly operation = 'PutItem';
  wireInput = () => values(this.input);
  result = withAttributes;
}

export class UpdateCommand extends DocumentCommand<UpdateCommandInput, Output<UpdateCommandOutput>> {
  readonly operation = 'UpdateItem';
  wireInput = () => values(this.input);
  result = withAttributes;
}

export class DeleteCommand extends DocumentCommand<DeleteCommandInput, Output<DeleteCommandOutput>> {
  readonly operation = 'DeleteItem';
  wireInput = () => values(this.input);
  result = withAttributes;
}

function page(wire: Wire): { Items?: Item[]; LastEvaluatedKey?: Item } {
  return {
    ...wire,
    Items: Array.isArray(wire.Items) ? wire.Items.map(fromWire) : undefined,
    LastEvaluatedKey: wire.LastEvaluatedKey === undefined ? undefined : fromWire(wire.LastEvaluatedKey),
  };
}

export class QueryCommand extends DocumentCommand<QueryCommandInput, Output<QueryCommandOutput>> {
  readonly operation = 'Query';
  wireInput = () => values(this.input);
  result = page;
}

export class ScanCommand extends DocumentCommand<ScanCommandInput, Output<ScanCommandOutput>> {
  readonly operation = 'Scan';
  wireInput = () => values(this.input);
  result = page;
}

type KeysAndAttributes = { Keys?: Item[] } & Record<string, unknown>;

export class BatchGetCommand extends DocumentCommand<BatchGetCommandInput, Output<BatchGetCommandOutput>> {
  readonly operation = 'BatchGetItem';
  wireInput = () => ({
    ...this.input,
    RequestItems: mapValues(this.input.RequestItems as Record<string, KeysAndAttributes> | undefined, (request) => ({
      ...request,
      Keys: request.Keys?.map(toWire),
    })),
  });
  result = (wire: Wire) => ({
    ...wire,
    Responses: mapValues(wire.Responses as Record<string, Wire[]> | undefined, (items) => items.map(fromWire)),
    UnprocessedKeys: mapValues(wire.UnprocessedKeys as Record<string, KeysAndAttributes> | undefined, (request) => ({
      ...request,
      Keys: request.Keys?.map(fromWire),
    })),
  });
}

type WriteRequest = { PutRequest?: { Item?: Item }; DeleteRequest?: { Key?: Item } };

function writeRequests(requests: WriteRequest[], convert: (item: unknown) => Item): WriteRequest[] {
  return requests.map((request) => ({
    ...(request.PutRequest ? { PutRequest: { Item: convert(request.PutRequest.Item) } } : {}),
    ...(request.DeleteRequest ? { DeleteRequest: { Key: convert(request.DeleteRequest.Key) } } : {}),
  }));
}

export class BatchWriteCommand extends DocumentCommand<BatchWriteCommandInput, Output<BatchWriteCommandOutput>> {
  readonly operation = 'BatchWriteItem';
  wireInput = () => ({
    ...this.input,
    RequestItems: mapValues(this.input.RequestItems as Record<string, WriteRequest[]> | undefined, (requests) =>
      writeRequests(requests, toWire),
    ),
  });
  result = (wire: Wire) =>
    ({
      ...wire,
      UnprocessedItems: mapValues(wire.UnprocessedItems as Record<string, WriteRequest[]> | undefined, (requests) =>
        writeRequests(requests, fromWire),
      ),
    }) as Output<BatchWriteCommandOutput>;
}

type TransactItem = Partial<
  Record<'Put' | 'Update' | 'Delete' | 'ConditionCheck', { Key?: unknown; Item?: unknown; ExpressionAttributeValues?: unknown }>
>;

export class TransactWriteCommand extends DocumentCommand<TransactWriteCommandInput, Output<TransactWriteCommandOutput>> {
  readonly operation = 'TransactWriteItems';
  wireInput = () => ({
    ...this.input,
    TransactItems: (this.input.TransactItems as TransactItem[] | undefined)?.map((item) =>
      Object.fromEntries(Object.entries(item).map(([action, body]) => [action, body ? values(body) : body])),
    ),
  });
  result = (wire: Wire) => wire;
}

/** Why each item of a cancelled transaction failed (`ConditionalCheckFailed`, `None`, ...). */
export interface CancellationReason {
  Code?: string;
  Message?: string;
  Item?: Item;
}

/**
 * The reasons of a `TransactionCanceledException`, one per item in order; undefined for any other error.
 *
 * @example cancellationReasons(error)?.[0]?.Code === 'ConditionalCheckFailed'
 */
export function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (!(error instanceof AwsServiceError) || error.code !== 'TransactionCanceledException') return undefined;
  const reasons = error.details.CancellationReasons;
  if (!Array.isArray(reasons)) return [];
  return reasons.map((reason: { Code?: string; Message?: string; Item?: Wire }) => ({
    ...(reason.Code !== undefined ? { Code: reason.Code } : {}),
    ...(reason.Message !== undefined ? { Message: reason.Message } : {}),
    ...(reason.Item !== undefined ? { Item: fromWire(reason.Item) } : {}),
  }));
}

/** What a document client is built from. */
export interface DocumentClientOptions extends AwsClientOptions {
  /** Asks DynamoDB for each call's consumed capacity (reported through `onCall`), to count units. */
  returnConsumedCapacity?: boolean;
}

const REPORTS_CAPACITY = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);

/**
 * DynamoDB on plain JavaScript values over the JSON protocol: `send(new GetCommand({...}))` as
 * with the SDK's document client, undefined attributes dropped. `raw` calls any operation with
 * wire-form input (table administration).
 *
 * @example const db = new DocumentClient({ endpoint: 'http://127.0.0.1:8000' }); const { Item } = await db.send(new GetCommand({ TableName, Key }));
 */
export class DocumentClient {
  readonly raw: AwsJsonClient;

  constructor(private readonly options: DocumentClientOptions = {}) {
    this.raw = new AwsJsonClient(DYNAMODB, options);
  }

  async send<Input, Result>(command: DocumentCommand<Input, Result>): Promise<Result> {
    const input = command.wireInput();
    const asked = this.options.returnConsumedCapacity && REPORTS_CAPACITY.has(command.operation) ? { ReturnConsumedCapacity: 'TOTAL' } : {};
    return command.result(await this.raw.call<Wire>(command.operation, { ...input, ...asked }));
  }
}

export type { BatchWriteCommandInput, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
