/**
 * A process that starts DynamoDB Local, prints its endpoint and waits, stopping nothing: a test
 * kills it outright to check that DynamoDB Local does not outlive it.
 */
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';

const db = await startDynamoDbLocal();
console.log(db.endpoint);
setInterval(() => {}, 60_000);
