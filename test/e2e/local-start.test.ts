import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { startLocalStack } from '../../infra/local/stack.js';

describe('npm start with a tenants file', () => {
  it('refuses to start when a secret names an unset environment variable, naming the field and the variable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenants-'));
    const file = join(dir, 'tenants.json');
    writeFileSync(
      file,
      JSON.stringify({
        tenants: [
          {
            id: 'acme',
            helpdesk: {
              kind: 'zendesk',
              baseUrl: 'http://127.0.0.1:9',
              email: 'agent@acme.example',
              apiToken: { env: 'ACME_TOKEN_NOT_SET_ANYWHERE' },
            },
            sources: { zendesk: { signingSecrets: [{ value: 'set-inline' }] } },
          },
        ],
      }),
    );

    const started = startLocalStack({
      dynamoEndpoint: inject('dynamoDbEndpoint'),
      tableName: `e2e-${randomUUID().slice(0, 8)}`,
      tenantsFile: file,
    });

    await expect(started).rejects.toThrow(
      /tenant \S+ \(tenants\.0\.helpdesk\.apiToken\): Environment variable ACME_TOKEN_NOT_SET_ANYWHERE \(a secret reference\) is not set/,
    );
  });
});
