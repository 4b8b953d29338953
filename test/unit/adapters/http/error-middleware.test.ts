import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import { httpErrors } from '../../../../shared/adapters/http/error-middleware.js';
import { AuthenticationError, ConfigurationError } from '../../../../shared/domain/errors.js';
import { localContext } from '../../../../infra/local/lambda-shapes.js';

function run(error: Error) {
  const logged: { level: string; message: string; details: Record<string, unknown> }[] = [];
  const statuses: number[] = [];
  const logger = {
    error: (message: string, details: Record<string, unknown>) => logged.push({ level: 'error', message, details }),
    info: (message: string, details: Record<string, unknown>) => logged.push({ level: 'info', message, details }),
  };
  const handler = middy(async (_event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    throw error;
  }).use(httpErrors(logger, (status) => statuses.push(status)));
  const event = { rawPath: '/webhooks/acme/zendesk' } as APIGatewayProxyEventV2;
  return { logged, statuses, response: handler(event, localContext('test') as Context) };
}

describe('httpErrors', () => {
  it('answers a client error with its status and message, logged at info', async () => {
    const { logged, statuses, response } = run(new AuthenticationError('signature does not match'));

    const result = await response;

    expect(result.statusCode).toBe(401);
    expect(JSON.parse(result.body ?? '{}')).toMatchObject({ error: 'unauthorized', message: 'signature does not match' });
    expect(logged[0]?.level).toBe('info');
    expect(statuses).toEqual([401]);
  });

  it('hides a server error from the sender and logs only its name and message, never its cause', async () => {
    const cause = new SyntaxError('Unexpected token s in JSON at position 0: "super-secret-value"');
    const { logged, response } = run(new ConfigurationError('Secret "acme/webhook" is not JSON', { cause }));

    const result = await response;

    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('acme/webhook');
    expect(logged[0]?.level).toBe('error');
    expect(JSON.stringify(logged)).not.toContain('super-secret-value');
    expect(logged[0]?.details).toEqual({ error: { name: 'ConfigurationError', message: 'Secret "acme/webhook" is not JSON' } });
  });
});
