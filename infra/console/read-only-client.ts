import { DocumentClient, type DocumentCommand } from '../../shared/adapters/aws/dynamodb.js';

/** The DynamoDB operations the console's pages may make: reads, each on a key or one index partition. */
export const CONSOLE_READ_OPERATIONS = ['GetItem', 'Query'] as const;

/** A write (or a scan) the console was asked to make: it makes none. */
export class ReadOnlyRefusal extends Error {}

/**
 * A document client that makes only the console's reads (GetItem and Query), refusing any other
 * operation before it leaves the machine, and remembers which it made: the console against a
 * deployed table changes nothing in it, whatever its credentials allow.
 *
 * @example const client = new ReadOnlyDocumentClient(dynamoClientFor(target)); client.operations // Set { 'Query' }
 */
export class ReadOnlyDocumentClient extends DocumentClient {
  /** The operations sent so far, for the least-permissions check. */
  readonly operations = new Set<string>();
  private readonly allowed: ReadonlySet<string> = new Set(CONSOLE_READ_OPERATIONS);

  constructor(private readonly inner: DocumentClient) {
    // The base's own connection is never used: every command goes through `inner`.
    super();
  }

  override async send<Input, Result>(command: DocumentCommand<Input, Result>): Promise<Result> {
    if (!this.allowed.has(command.operation))
      throw new ReadOnlyRefusal(`the console reads only (${CONSOLE_READ_OPERATIONS.join(', ')}); it refused ${command.operation}`);
    this.operations.add(command.operation);
    return this.inner.send(command);
  }
}
