import { describe, expect, it } from 'vitest';
import { bluesky } from '../../../../../shared/adapters/influence/bluesky/descriptor.js';
import type { NetworkCallContext, NetworkClient } from '../../../../../shared/adapters/influence/network-client.js';
import { NetworksScoreProvider } from '../../../../../shared/adapters/influence/networks-provider.js';
import type { RequesterDetails } from '../../../../../shared/domain/events.js';
import type { CustomerProfile } from '../../../../../shared/domain/customer.js';
import { TransientError } from '../../../../../shared/domain/errors.js';

const NOW = new Date('2026-12-05T12:00:00Z');
const INPUTS = {
  followers: 52_000,
  following: 900,
  engagementPerPost: 420,
  accountAgeDays: 2_100,
  postCount: 3_100,
  verification: 'none' as const,
};

/** A Bluesky that proves a handle on the domain it is asked about, as the real client does from DNS and the PLC directory. */
function provingBluesky(asked: { handle: string; emailDomain?: string }[]): NetworkClient {
  return {
    lookup: (handle: string, context: NetworkCallContext) => {
      asked.push({ handle, ...(context.emailDomain ? { emailDomain: context.emailDomain } : {}) });
      const proven = context.emailDomain !== undefined && handle.endsWith(context.emailDomain) ? context.emailDomain : undefined;
      return Promise.resolve({ outcome: 'profile' as const, inputs: INPUTS, ...(proven ? { proven } : {}) });
    },
  };
}

function provider(client: NetworkClient, requester?: (userId: string) => Promise<RequesterDetails>) {
  return new NetworksScoreProvider({
    networks: [{ descriptor: bluesky, client }],
    minTrust: 'verified',
    inlineTimeoutMs: 800,
    timeoutMs: 5000,
    clock: { now: () => NOW },
    ...(requester ? { helpdesk: { kind: 'zendesk', requester } } : {}),
  });
}

const profile: CustomerProfile = {
  tenant: 'acme',
  customerKey: 'key-mary',
  identities: { helpdeskUserIds: ['zendesk:1005'], emailHashes: ['key-mary'], handles: [] },
  optedOut: false,
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
};
const request = { tenant: 'acme', profile, purpose: 'scheduled' as const, now: NOW, refreshAfterDays: 7 };

describe('NetworksScoreProvider on the scheduled refresh', () => {
  it("reads the customer's handles and verified email from the helpdesk, so a handle typed into a field is scored and proven", async () => {
    // Arrange
    const asked: { handle: string; emailDomain?: string }[] = [];
    const read: string[] = [];
    const mary: RequesterDetails = {
      helpdeskUserId: '1005',
      email: 'mary@maryjackson.test',
      emailVerified: true,
      handles: [{ network: 'bluesky', handle: 'maryjackson.test', trust: 'declared' }],
      fields: {},
    };

    // Act
    const lookup = await provider(provingBluesky(asked), (userId) => {
      read.push(userId);
      return Promise.resolve(mary);
    }).score(request);

    // Assert
    expect(read).toEqual(['1005']);
    expect(asked).toEqual([{ handle: 'maryjackson.test', emailDomain: 'maryjackson.test' }]);
    expect(lookup).toMatchObject({ outcome: 'scored', score: { source: 'networks', trust: 'verified' } });
  });

  it('proves nothing from an email the helpdesk did not verify', async () => {
    const asked: { handle: string; emailDomain?: string }[] = [];
    const hedy: RequesterDetails = {
      helpdeskUserId: '1005',
      email: 'hedy@hedylamarr.test',
      emailVerified: false,
      handles: [{ network: 'bluesky', handle: 'hedylamarr.test', trust: 'declared' }],
      fields: {},
    };

    const lookup = await provider(provingBluesky(asked), () => Promise.resolve(hedy)).score(request);

    expect(asked).toEqual([{ handle: 'hedylamarr.test' }]);
    expect(lookup).toMatchObject({
      outcome: 'scored',
      score: { trust: 'declared', unusedReason: expect.stringContaining('not verified') },
    });
  });

  it('is a failure, retried later, when the helpdesk cannot be read: never a lower score from what is left', async () => {
    const asked: { handle: string; emailDomain?: string }[] = [];

    const lookup = await provider(provingBluesky(asked), () => Promise.reject(new TransientError('Zendesk answered 503'))).score(request);

    expect(asked).toEqual([]);
    expect(lookup).toMatchObject({ outcome: 'failed', kind: 'unavailable' });
  });

  it('scores from the stored handles alone when the customer has no user id in this helpdesk', async () => {
    const asked: { handle: string; emailDomain?: string }[] = [];
    const read: string[] = [];
    const stored = {
      ...profile,
      identities: { ...profile.identities, helpdeskUserIds: [], handles: [{ network: 'bluesky', handle: 'ada.bsky.social' }] },
    };

    await provider(provingBluesky(asked), (userId) => {
      read.push(userId);
      return Promise.reject(new Error('not asked'));
    }).score({ ...request, profile: stored });

    expect(read).toEqual([]);
    expect(asked).toEqual([{ handle: 'ada.bsky.social' }]);
  });
});
