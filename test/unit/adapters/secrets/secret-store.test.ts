import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsJsonClient, SECRETS_MANAGER } from '../../../../shared/adapters/aws/aws-json-client.js';
import { staticCredentials } from '../../../../shared/adapters/aws/credentials.js';
import { storeSecret } from '../../../../shared/adapters/secrets/secret-store.js';
import { type LoopbackSecretsManager, startLoopbackSecretsManager } from '../../../support/secrets-manager-server.js';

let sm: LoopbackSecretsManager;
let client: AwsJsonClient;

beforeAll(async () => {
  sm = await startLoopbackSecretsManager();
  client = new AwsJsonClient(SECRETS_MANAGER, {
    endpoint: sm.endpoint,
    region: 'eu-west-1',
    credentials: staticCredentials({ accessKeyId: 'test', secretAccessKey: 'test' }),
    maxAttempts: 1,
  });
});
afterAll(async () => {
  await sm.close();
});
beforeEach(() => {
  sm.secrets.clear();
  sm.operations.length = 0;
});

describe('storeSecret', () => {
  it('creates a missing secret, as the AWS SDK then reads it', async () => {
    expect(await storeSecret({ secretId: 'influence-router/acme/zendesk-webhook', field: 'current' }, 's3cret', client)).toBe('created');

    const sdk = new SecretsManagerClient({
      endpoint: sm.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const read = await sdk.send(new GetSecretValueCommand({ SecretId: 'influence-router/acme/zendesk-webhook' }));
    expect(JSON.parse(read.SecretString ?? '')).toEqual({ current: 's3cret' });
    expect(sm.operations).toEqual(['GetSecretValue', 'CreateSecret', 'GetSecretValue']);
  });

  it("sets one field and keeps the others (a rotation's previous)", async () => {
    sm.secrets.set('hook', JSON.stringify({ current: 'old', previous: 'older' }));

    expect(await storeSecret({ secretId: 'hook', field: 'current' }, 'new', client)).toBe('updated');

    expect(JSON.parse(sm.secrets.get('hook') ?? '')).toEqual({ current: 'new', previous: 'older' });
  });

  it('writes nothing when the secret already holds the value', async () => {
    sm.secrets.set('hook', JSON.stringify({ current: 'same' }));
    sm.secrets.set('whole', 'same');

    expect(await storeSecret({ secretId: 'hook', field: 'current' }, 'same', client)).toBe('unchanged');
    expect(await storeSecret({ secretId: 'whole' }, 'same', client)).toBe('unchanged');
    expect(sm.operations).toEqual(['GetSecretValue', 'GetSecretValue']);
  });

  it('replaces a whole secret string without a field', async () => {
    sm.secrets.set('whole', 'old');

    expect(await storeSecret({ secretId: 'whole' }, 'new', client)).toBe('updated');
    expect(sm.secrets.get('whole')).toBe('new');
  });

  it('refuses to set a field of a secret that is not JSON, without quoting it', async () => {
    sm.secrets.set('plain', 'not-json-secret-value');

    const failure = storeSecret({ secretId: 'plain', field: 'current' }, 'new', client);

    await expect(failure).rejects.toThrow('Secret "plain" is not JSON, so its field "current" cannot be set');
    await expect(failure).rejects.not.toThrow('not-json-secret-value');
    expect(sm.secrets.get('plain')).toBe('not-json-secret-value');
  });
});
