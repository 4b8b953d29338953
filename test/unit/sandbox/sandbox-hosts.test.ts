import { describe, expect, it } from 'vitest';
import { blueskyPart } from '../../../infra/sandbox/bluesky/index.js';
import { mastodonPart } from '../../../infra/sandbox/mastodon/index.js';
import { startSandbox } from '../../../infra/sandbox/sandbox.js';
import { zendeskPart } from '../../../infra/sandbox/zendesk/index.js';

describe('outside hosts of the sandbox', () => {
  it('refuses two parts answering as one host', async () => {
    const twice = startSandbox({
      parts: [blueskyPart.with({ handleHosts: ['same.test'] }), mastodonPart.with({ servers: ['same.test'] })],
    });

    await expect(twice).rejects.toThrow('sandbox: two parts answer as the host same.test');
  });

  it('has no outside hosts when no part names one, and serves /sandbox/hosts on the main port only', async () => {
    const plain = await startSandbox({ parts: [zendeskPart.with({ email: 'a@b.test', apiToken: 't' })] });
    const withHosts = await startSandbox({ parts: [mastodonPart.with({ servers: ['social.example'] })] });
    try {
      expect(plain.hosts).toEqual({});
      expect(await (await fetch(`${plain.baseUrl}/sandbox/hosts`)).json()).toEqual({ hosts: {} });
      // On a host's port, /sandbox is that server's own path, not the inspection pages.
      const onHost = await fetch(`${withHosts.hosts['social.example']}/sandbox/hosts`);
      expect(onHost.status).toBe(404);
      expect(await onHost.json()).toEqual({ error: 'Record not found' });
    } finally {
      await plain.close();
      await withHosts.close();
    }
  });

  it('matches a fault to its host only, and stops every host port on close', async () => {
    const sandbox = await startSandbox({ parts: [mastodonPart.with({ servers: ['a.example', 'b.example'] })] });
    const mastodon = sandbox.part(mastodonPart);
    mastodon.addAccount('a.example', { username: 'ada', followers: 1, following: 1 });
    mastodon.addAccount('b.example', { username: 'ada', followers: 1, following: 1 });
    mastodon.failNext({ status: 503, count: 1, host: 'b.example', delayMs: 20 });

    const a = await fetch(`${sandbox.hosts['a.example']}/api/v1/accounts/lookup?acct=ada`);
    const b = await fetch(`${sandbox.hosts['b.example']}/api/v1/accounts/lookup?acct=ada`);
    await sandbox.close();

    expect(a.status).toBe(200);
    expect(b.status).toBe(503);
    expect(await b.json()).toEqual({ error: 'Remote data could not be fetched' });
    await expect(fetch(`${sandbox.hosts['a.example']}/api/v1/accounts/lookup?acct=ada`)).rejects.toThrow();
  });

  it('answers slowly but rightly when a fault is slow only', async () => {
    const sandbox = await startSandbox({ parts: [mastodonPart.with({ servers: ['a.example'] })] });
    try {
      const mastodon = sandbox.part(mastodonPart);
      mastodon.addAccount('a.example', { username: 'ada', followers: 7, following: 1 });
      mastodon.failNext({ status: 0, count: 1, delayMs: 150, slowOnly: true });

      const slow = await fetch(`${sandbox.hosts['a.example']}/api/v1/accounts/lookup?acct=ada`);
      const [entry] = mastodon.requests();

      expect(slow.status).toBe(200);
      expect(await slow.json()).toMatchObject({ followers_count: 7 });
      expect((entry?.answeredAt ?? 0) - (entry?.at ?? 0)).toBeGreaterThanOrEqual(140);
    } finally {
      await sandbox.close();
    }
  });
});
