import { describe, expect, it } from 'vitest';
import { dynamoTarget } from '../../../infra/local/dynamodb-target.js';

describe('dynamoTarget', () => {
  it('prefers an explicit endpoint, then DYNAMODB_ENDPOINT', () => {
    expect(dynamoTarget('http://127.0.0.1:9', { DYNAMODB_ENDPOINT: 'http://x:1', AWS_REGION: 'eu-west-1' })).toEqual({
      endpoint: 'http://127.0.0.1:9',
    });
    expect(dynamoTarget(undefined, { DYNAMODB_ENDPOINT: 'http://x:1', AWS_REGION: 'eu-west-1' })).toEqual({ endpoint: 'http://x:1' });
  });

  it('uses AWS when a region is set and no endpoint is', () => {
    expect(dynamoTarget(undefined, { AWS_REGION: 'eu-west-1' })).toEqual({ region: 'eu-west-1' });
  });

  it('falls back to the DynamoDB Local that npm start runs', () => {
    expect(dynamoTarget(undefined, {})).toEqual({ endpoint: 'http://127.0.0.1:8000' });
    expect(dynamoTarget(undefined, { DYNAMODB_LOCAL_PORT: '8123' })).toEqual({ endpoint: 'http://127.0.0.1:8123' });
  });
});
