import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbEndpoint: string;
  }
}

/** Starts one DynamoDB Local for the whole integration run; each test file creates its own table. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.DYNAMODB_ENDPOINT;
  if (external) {
    project.provide('dynamoDbEndpoint', external);
    return async () => {};
  }
  const db = await startDynamoDbLocal();
  project.provide('dynamoDbEndpoint', db.endpoint);
  return () => db.stop();
}
