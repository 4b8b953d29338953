import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZendeskClient } from '../../../../../shared/adapters/helpdesks/zendesk/client.js';
import { ZendeskHelpdeskSchema } from '../../../../../shared/adapters/helpdesks/zendesk/descriptor.js';
import { type SandboxZendeskServer, startSandboxZendesk } from '../../../../../infra/sandbox/zendesk/index.js';

const EMAIL = 'router@acme.test';
const TOKEN = 'sandbox-token-handle-fields-local-only';
const HANDLE_FIELDS = { bluesky: 'bluesky_handle', mastodon: 'mastodon_handle', github: 'github_username' };

let zendesk: SandboxZendeskServer;

beforeEach(async () => {
  zendesk = await startSandboxZendesk({ email: EMAIL, apiToken: TOKEN });
});

afterEach(async () => {
  await zendesk.close();
});

function clientWith(handleFields?: Record<string, string>): ZendeskClient {
  return new ZendeskClient({ baseUrl: zendesk.baseUrl, email: EMAIL, apiToken: TOKEN, ...(handleFields ? { handleFields } : {}) });
}

describe('ZendeskClient.getRequester with helpdesk.handleFields', () => {
  it('reads the handles typed into the named user fields as declared, skipping empty fields', async () => {
    // Arrange
    const user = zendesk.createUser({
      name: 'Dorothy Vaughan',
      email: 'dorothy@example.com',
      external_id: null,
      user_fields: { bluesky_handle: ' dorothyvaughan.bsky.social ', mastodon_handle: '', github_username: null, followers: 10 },
      identities: [],
    });

    // Act
    const requester = await clientWith(HANDLE_FIELDS).getRequester(String(user.id));

    // Assert
    expect(requester.handles).toEqual([{ network: 'bluesky', handle: 'dorothyvaughan.bsky.social', trust: 'declared' }]);
    expect(requester.fields).toMatchObject({ bluesky_handle: ' dorothyvaughan.bsky.social ' });
  });

  it('keeps a handle Zendesk verified as an identity once, verified, when a field repeats it', async () => {
    // Arrange
    const user = zendesk.createUser({
      name: 'Mary Jackson',
      email: 'mary@maryjackson.test',
      external_id: null,
      user_fields: { bluesky_handle: 'MaryJackson.test', github_username: 'maryj' },
      identities: [{ type: 'bluesky', value: 'maryjackson.test', verification_method: 'full', verified: true }],
    });

    // Act
    const requester = await clientWith(HANDLE_FIELDS).getRequester(String(user.id));

    // Assert
    expect(requester.handles).toEqual([
      { network: 'bluesky', handle: 'maryjackson.test', trust: 'verified' },
      { network: 'github', handle: 'maryj', trust: 'declared' },
    ]);
  });

  it('reads no handle from user fields the tenant did not name', async () => {
    // Arrange
    const user = zendesk.createUser({
      name: 'Joan Clarke',
      email: 'joan@example.com',
      external_id: null,
      user_fields: { bluesky_handle: 'joanclarke.bsky.social' },
      identities: [],
    });

    // Act
    const requester = await clientWith().getRequester(String(user.id));

    // Assert
    expect(requester.handles).toEqual([]);
  });
});

describe('helpdesk.handleFields in the tenants file', () => {
  const base = { kind: 'zendesk', baseUrl: 'https://acme.zendesk.com', email: 'a@acme.test', apiToken: { value: 'x' } };

  it('accepts one user field key per open network, and defaults to none', () => {
    expect(ZendeskHelpdeskSchema.parse({ ...base, handleFields: HANDLE_FIELDS }).handleFields).toEqual(HANDLE_FIELDS);
    expect(ZendeskHelpdeskSchema.parse(base).handleFields).toEqual({});
  });

  it('refuses a network the product does not score, naming the setting', () => {
    const result = ZendeskHelpdeskSchema.safeParse({ ...base, handleFields: { twitter: 'twitter_handle' } });

    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('twitter');
  });
});
