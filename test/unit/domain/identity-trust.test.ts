import { describe, expect, it } from 'vitest';
import { type CustomerProfile, handleIdentity } from '../../../shared/domain/customer.js';
import type { RequesterDetails } from '../../../shared/domain/events.js';
import {
  channelCanProve,
  channelOfNetwork,
  findingIdentities,
  findingLists,
  foundThrough,
  withChannelTrust,
} from '../../../shared/domain/identity-trust.js';

const profile = (handles: CustomerProfile['identities']['handles']): CustomerProfile => ({
  tenant: 'acme',
  customerKey: 'k1',
  identities: { helpdeskUserIds: [], emailHashes: ['h-email'], handles },
  optedOut: false,
  createdAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-01T00:00:00Z',
});

const details = (overrides: Partial<RequesterDetails> = {}): RequesterDetails => ({
  helpdeskUserId: '1001',
  handles: [{ network: 'twitter', handle: 'ada_codes', trust: 'declared' }],
  channelAccounts: [{ network: 'twitter', handle: 'ada_codes', trust: 'declared' }],
  fields: {},
  ...overrides,
});

describe('findingIdentities', () => {
  it('keeps every email, user id and external id, and only verified and channel handles', () => {
    const email = { kind: 'email' as const, value: 'ada@example.com' };
    const userId = { kind: 'helpdesk-user' as const, value: 'zendesk:1' };
    const external = { kind: 'external-id' as const, value: 'crm-1' };
    const channel = handleIdentity('bluesky', 'ada.example.com', 'channel');
    const verified = handleIdentity('mastodon', 'ada@example.social', 'verified');
    const declared = handleIdentity('github', 'ada', 'declared');
    const unsaid = handleIdentity('twitter', 'ada');

    expect(findingIdentities([email, declared, userId, unsaid, external, channel, verified])).toEqual([
      email,
      userId,
      external,
      channel,
      verified,
    ]);
  });
});

describe('foundThrough', () => {
  it("counts a handle's key or alias only when the profile itself holds the handle as verified or channel", () => {
    const query = handleIdentity('Bluesky', '@Ada.Example.com', 'verified');

    expect(foundThrough(profile([{ network: 'bluesky', handle: 'ada.example.com', trust: 'verified' }]), query)).toBe(true);
    expect(foundThrough(profile([{ network: 'bluesky', handle: 'ada.example.com', trust: 'channel' }]), query)).toBe(true);
    // Written before handles carried trust, or typed in: such a key or alias joins nobody.
    expect(foundThrough(profile([{ network: 'bluesky', handle: 'ada.example.com' }]), query)).toBe(false);
    expect(foundThrough(profile([{ network: 'bluesky', handle: 'ada.example.com', trust: 'declared' }]), query)).toBe(false);
    expect(foundThrough(profile([]), query)).toBe(false);
    expect(foundThrough(profile([]), { kind: 'email', value: 'ada@example.com' })).toBe(true);
  });

  it('lists the handles aliases are written for', () => {
    const lists = findingLists(
      profile([
        { network: 'bluesky', handle: 'a', trust: 'verified' },
        { network: 'github', handle: 'b', trust: 'declared' },
        { network: 'twitter', handle: 'c' },
      ]).identities,
    );

    expect(lists.handles).toEqual([{ network: 'bluesky', handle: 'a', trust: 'verified' }]);
    expect(lists.emailHashes).toEqual(['h-email']);
  });
});

describe('channelOfNetwork', () => {
  it.each([
    ['twitter', 'twitter', true],
    ['twitter_dm', 'twitter', true],
    ['Twitter DM', 'twitter', true],
    ['facebook_post', 'facebook', true],
    ['web', 'twitter', false],
    ['twitterish', 'twitter', false],
    [undefined, 'twitter', false],
  ])('reads channel %j as %s’s own: %s', (channel, network, expected) => {
    expect(channelOfNetwork(channel, network)).toBe(expected);
  });
});

describe('withChannelTrust', () => {
  it("raises the one account the helpdesk linked on the ticket's network to channel", () => {
    expect(withChannelTrust(details(), 'twitter_dm').handles).toEqual([{ network: 'twitter', handle: 'ada_codes', trust: 'channel' }]);
  });

  it('adds the account when the helpdesk gave it only as a linked account', () => {
    expect(withChannelTrust(details({ handles: [] }), 'twitter').handles).toEqual([
      { network: 'twitter', handle: 'ada_codes', trust: 'channel' },
    ]);
  });

  it('leaves every handle as it was on a ticket from another channel, a handle only typed in, or two linked accounts', () => {
    expect(withChannelTrust(details(), 'web')).toEqual(details());
    expect(withChannelTrust(details(), undefined)).toEqual(details());
    // A handle typed into a field is not an account the helpdesk linked.
    const typed = details({ handles: [{ network: 'bluesky', handle: 'ada.example.com', trust: 'declared' }], channelAccounts: [] });
    expect(withChannelTrust(typed, 'bluesky')).toEqual(typed);
    const two = details({
      channelAccounts: [
        { network: 'twitter', handle: 'ada_codes', trust: 'declared' },
        { network: 'twitter', handle: 'ada_other', trust: 'declared' },
      ],
    });
    expect(withChannelTrust(two, 'twitter')).toEqual(two);
  });
});

describe('channelCanProve', () => {
  it("is true while the profile lists a handle on the channel's network below channel", () => {
    expect(channelCanProve(profile([{ network: 'twitter', handle: 'ada_codes', trust: 'declared' }]), 'twitter')).toBe(true);
    expect(channelCanProve(profile([{ network: 'twitter', handle: 'ada_codes', trust: 'channel' }]), 'twitter')).toBe(false);
    expect(channelCanProve(profile([{ network: 'twitter', handle: 'ada_codes', trust: 'declared' }]), 'email')).toBe(false);
  });
});
