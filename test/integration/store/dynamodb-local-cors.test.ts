import { describe, expect, inject, it } from 'vitest';

describe('the DynamoDB Local that npm start runs', () => {
  it('answers no web page: a preflight from another origin is not allowed', async () => {
    const response = await fetch(inject('dynamoDbEndpoint'), {
      method: 'OPTIONS',
      headers: {
        origin: 'http://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-amz-target,content-type',
      },
    });

    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
