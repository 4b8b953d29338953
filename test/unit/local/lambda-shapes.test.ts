import { describe, expect, it } from 'vitest';
import { localContext, toApiGatewayEvent } from '../../../infra/local/lambda-shapes.js';

const base = {
  method: 'POST',
  routeKey: 'POST /webhooks/{tenant}/{source}',
  pathParameters: { tenant: 'demo', source: 'zendesk' },
  sourceIp: '127.0.0.1',
};

describe('toApiGatewayEvent', () => {
  it('passes a JSON body as text, with lower-cased headers, like HTTP API payload 2.0', () => {
    const event = toApiGatewayEvent({
      ...base,
      url: '/webhooks/demo/zendesk?x=1&x=2',
      headers: { 'content-type': 'application/json', 'x-zendesk-webhook-signature': 'abc', 'x-multi': ['a', 'b'] },
      body: Buffer.from('{"id":1}'),
    });

    expect(event.version).toBe('2.0');
    expect(event.isBase64Encoded).toBe(false);
    expect(event.body).toBe('{"id":1}');
    expect(event.headers['x-zendesk-webhook-signature']).toBe('abc');
    expect(event.headers['x-multi']).toBe('a,b');
    expect(event.queryStringParameters).toEqual({ x: '1,2' });
    expect(event.rawPath).toBe('/webhooks/demo/zendesk');
    expect(event.pathParameters).toEqual({ tenant: 'demo', source: 'zendesk' });
  });

  it('base64-encodes a body that is not textual, so the handler must decode before verifying', () => {
    const event = toApiGatewayEvent({
      ...base,
      url: '/webhooks/demo/zendesk',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from('a=1&b=2'),
    });

    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64').toString('utf8')).toBe('a=1&b=2');
  });

  it('hands over the exact bytes of a JSON body that is not UTF-8 (base64), instead of text with U+FFFD in their place', () => {
    // Arrange: 0xFF inside an email; as text it would become U+FFFD, which is valid UTF-8 JSON.
    const body = Buffer.concat([Buffer.from('{"email":"ada'), Buffer.from([0xff]), Buffer.from('@example.com"}')]);

    // Act
    const event = toApiGatewayEvent({ ...base, url: '/webhooks/demo/freshdesk', headers: { 'content-type': 'application/json' }, body });

    // Assert
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64').equals(body)).toBe(true);
  });
});

describe('localContext', () => {
  it('counts down the remaining time that idempotency uses for its in-progress lock', () => {
    const context = localContext('process-events', 30_000);

    expect(context.functionName).toBe('process-events');
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(30_000);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(29_000);
  });
});
