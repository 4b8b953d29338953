import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsJsonClient, SECRETS_MANAGER } from '../../../../shared/adapters/aws/aws-json-client.js';
import { staticCredentials } from '../../../../shared/adapters/aws/credentials.js';
import { RefSecretResolver } from '../../../../shared/adapters/secrets/secret-resolver.js';
import { secretsManagerFetcher } from '../../../../shared/adapters/secrets/secrets-manager.js';
import { type LoopbackSecretsManager, startLoopbackSecretsManager } from '../../../support/secrets-manager-server.js';

const credentials = staticCredentials({ accessKeyId: 'test', secretAccessKey: 'test' });
const CURRENT = 'current-signing-secret-value';

let sm: LoopbackSecretsManager;
let now: number;
let warnings: { message: string; details: Record<string, unknown> }[];

beforeEach(async () => {
  sm = await startLoopbackSecretsManager();
  now = Date.parse('2026-12-01T10:00:00Z');
  warnings = [];
});

afterEach(async () => {
  await sm.close();
});

/** A resolver reading the loopback Secrets Manager, as a function does, with the test's clock. */
function resolver(): RefSecretResolver {
  const client = new AwsJsonClient(SECRETS_MANAGER, { endpoint: sm.endpoint, credentials, region: 'eu-west-1' });
  return new RefSecretResolver({
    fetchSecret: secretsManagerFetcher({ client, clock: { now: () => new Date(now) } }),
    clock: { now: () => new Date(now) },
    logger: { warn: (message, details) => warnings.push({ message, details }) },
  });
}

const reads = () => sm.operations.filter((operation) => operation === 'GetSecretValue').length;

describe('RefSecretResolver: a secret that cannot be read', () => {
  it('is asked for once a minute, not on every resolve, and said so once a minute', async () => {
    const secrets = resolver();
    const gone = { secretId: 'influence-router/acme/zendesk-webhook-previous' };

    for (let i = 0; i < 10; i += 1) await expect(secrets.resolve(gone)).rejects.toThrow();
    now += 59_000;
    await expect(secrets.resolve(gone)).rejects.toThrow();

    expect(reads()).toBe(1);
    expect(warnings).toEqual([
      {
        message: 'a secret could not be read; it is not asked for again for 60 s',
        details: {
          secret: 'secretId influence-router/acme/zendesk-webhook-previous',
          error: "Secrets Manager can't find the specified secret.",
          retryAfter: '2026-12-01T10:01:00.000Z',
        },
      },
    ]);

    now += 1_000;
    await expect(secrets.resolve(gone)).rejects.toThrow();

    expect(reads()).toBe(2);
    expect(warnings).toHaveLength(2);
  });

  it('says, when it answers from memory, when it failed and when it is asked for again', async () => {
    const secrets = resolver();
    const gone = { secretId: 'acme/gone', field: 'previous' };
    await secrets.resolve(gone).catch(() => undefined);
    now += 5_000;

    await expect(secrets.resolve(gone)).rejects.toThrow(
      "Secret acme/gone (field previous) could not be read at 2026-12-01T10:00:00.000Z (Secrets Manager can't find the specified secret.); it is asked for again after 2026-12-01T10:01:00.000Z",
    );
  });

  it('is read again after the minute, and a success clears the failure', async () => {
    const secrets = resolver();
    const ref = { secretId: 'influence-router/acme/zendesk-webhook', field: 'current' };
    await secrets.resolve(ref).catch(() => undefined);
    sm.secrets.set('influence-router/acme/zendesk-webhook', JSON.stringify({ current: CURRENT }));

    await expect(secrets.resolve(ref)).rejects.toThrow();
    now += 60_000;
    expect(await secrets.resolve(ref)).toBe(CURRENT);
    expect(await secrets.resolve(ref)).toBe(CURRENT);

    // Read twice: the failure, then the success (kept by the Secrets Manager reader's own cache).
    expect(reads()).toBe(2);
    expect(warnings).toHaveLength(1);
  });

  it('remembers each reference apart: a missing field fails alone, without a second read of its secret', async () => {
    const secrets = resolver();
    sm.secrets.set('acme/webhook', JSON.stringify({ current: CURRENT }));

    expect(await secrets.resolve({ secretId: 'acme/webhook', field: 'current' })).toBe(CURRENT);
    for (let i = 0; i < 3; i += 1)
      await expect(secrets.resolve({ secretId: 'acme/webhook', field: 'previous' })).rejects.toThrow(/field "previous"|field previous/);

    expect(reads()).toBe(1);
    expect(warnings.map((warning) => warning.details.secret)).toEqual(['secretId acme/webhook field previous']);
  });

  it('shares one read among concurrent resolves, and says so once', async () => {
    const secrets = resolver();
    const gone = { secretId: 'acme/gone' };

    const results = await Promise.allSettled([secrets.resolve(gone), secrets.resolve(gone), secrets.resolve(gone)]);

    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(reads()).toBe(1);
    expect(warnings).toHaveLength(1);
  });

  it('never puts a secret value in what it logs or throws', async () => {
    const secrets = resolver();
    sm.secrets.set('acme/not-json', `not json but ${CURRENT}`);

    const error = await secrets.resolve({ secretId: 'acme/not-json', field: 'current' }).catch((caught: unknown) => caught);
    const remembered = await secrets.resolve({ secretId: 'acme/not-json', field: 'current' }).catch((caught: unknown) => caught);

    expect(String(error)).not.toContain(CURRENT);
    expect(String(remembered)).not.toContain(CURRENT);
    expect(JSON.stringify(warnings)).not.toContain(CURRENT);
  });
});
