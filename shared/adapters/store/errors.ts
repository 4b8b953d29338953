import { InfluenceRouterError } from '../../domain/errors.js';

/** Base class of the errors the DynamoDB store raises. */
export class StoreError extends InfluenceRouterError {}

/** A key part was empty or held the `#` separator, so it could break out of its key segment. */
export class InvalidKeyPartError extends StoreError {}

/** An item read back from the table failed its schema; the item is left as it is. */
export class CorruptItemError extends StoreError {
  constructor(
    message: string,
    readonly key: { pk: string; sk: string },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** DynamoDB kept returning unprocessed keys or items after every retry. */
export class UnprocessedItemsError extends StoreError {
  constructor(
    message: string,
    readonly remaining: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
