import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FreshdeskClient } from '../../../../../shared/adapters/helpdesks/freshdesk/client.js';
import { FreshdeskHelpdeskSchema } from '../../../../../shared/adapters/helpdesks/freshdesk/descriptor.js';
import { freshdeskPart, type SandboxFreshdesk } from '../../../../../infra/sandbox/freshdesk/index.js';
import { type Sandbox, startSandbox } from '../../../../../infra/sandbox/sandbox.js';

const API_KEY = 'fd-api-key-handle-fields-local-only';

let sandbox: Sandbox;
let freshdesk: SandboxFreshdesk;

beforeEach(async () => {
  sandbox = await startSandbox({ parts: [freshdeskPart.with({ apiKey: API_KEY })] });
  freshdesk = sandbox.part(freshdeskPart);
});

afterEach(async () => {
  await sandbox.close();
});

describe('FreshdeskClient.getRequester with helpdesk.handleFields', () => {
  it('reads the handles in the named contact fields as declared, beside the Twitter handle Freshdesk keeps', async () => {
    // Arrange
    const contact = freshdesk.createContact({
      name: 'Radia Perlman',
      email: 'radia@example.com',
      twitter_id: '@radia',
      custom_fields: { github_username: 'radiaperlman', bluesky_handle: '  ', youtube_handle: null },
    });
    const client = new FreshdeskClient({
      baseUrl: freshdesk.baseUrl,
      apiKey: API_KEY,
      handleFields: { github: 'github_username', bluesky: 'bluesky_handle', youtube: 'youtube_handle' },
    });

    // Act
    const requester = await client.getRequester(String(contact.id));

    // Assert
    expect(requester.handles).toEqual([
      { network: 'twitter', handle: 'radia' },
      { network: 'github', handle: 'radiaperlman', trust: 'declared' },
    ]);
  });

  it('accepts helpdesk.handleFields in the tenants file, none by default', () => {
    const base = { kind: 'freshdesk', baseUrl: 'https://acme.freshdesk.com', apiKey: { value: 'x' } };

    expect(FreshdeskHelpdeskSchema.parse({ ...base, handleFields: { github: 'github_username' } }).handleFields).toEqual({
      github: 'github_username',
    });
    expect(FreshdeskHelpdeskSchema.parse(base).handleFields).toEqual({});
  });
});
