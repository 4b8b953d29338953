import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { assertPortFree } from '../../../infra/local/ports.js';

describe('assertPortFree', () => {
  it('names the component and the setting when the port is taken', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const address = holder.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    try {
      await expect(assertPortFree(port, 'DynamoDB Local', 'DYNAMODB_LOCAL_PORT')).rejects.toThrow(
        new RegExp(`DynamoDB Local cannot use port ${port}: it is in use .* or set DYNAMODB_LOCAL_PORT to a free port`),
      );
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
    await expect(assertPortFree(port, 'DynamoDB Local', 'DYNAMODB_LOCAL_PORT')).resolves.toBeUndefined();
  });
});
