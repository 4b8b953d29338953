import type { CustomerIdentities, CustomerProfile, Identity } from './customer.js';
import { handleIdentity } from './customer.js';
import type { RequesterDetails, SocialHandle, TrustLevel } from './events.js';
import { mergedHandle, meetsTrust } from './network-score.js';

/**
 * The least trust a handle needs to find a customer or join two profiles. Anyone can type a
 * famous handle into a form, so a handle the customer or an agent merely declared is listed on
 * the profile (scored, shown, exported, erased) but finds nobody: it would otherwise join the
 * person who typed it to the profile of the person it names.
 */
export const FINDING_TRUST: TrustLevel = 'verified';

/**
 * True when the identity may find a customer and join profiles: every helpdesk user id, email and
 * external id, and a handle only when verified or seen through its network's channel.
 *
 * @example findsCustomer(handleIdentity('bluesky', 'ada.example.com', 'declared')) // false
 */
export function findsCustomer(identity: Identity): boolean {
  return identity.kind !== 'handle' || meetsTrust(identity.trust ?? 'declared', FINDING_TRUST);
}

/**
 * The identities of `identities` that may find a customer, in the order given.
 *
 * @example findingIdentities([email, declaredHandle]) // [email]
 */
export function findingIdentities(identities: readonly Identity[]): Identity[] {
  return identities.filter(findsCustomer);
}

/**
 * True when the profile itself holds `identity` as one that finds it. A profile reached through a
 * handle's key or alias counts only when it lists that handle as verified or channel: keys and
 * aliases written before handles carried trust (or from a declared handle) do not join anyone.
 *
 * @example foundThrough(profile, handleIdentity('bluesky', 'ada.example.com', 'verified'))
 */
export function foundThrough(profile: CustomerProfile, identity: Identity): boolean {
  if (identity.kind !== 'handle') return true;
  return profile.identities.handles.some(
    (h) => handleIdentity(h.network, h.handle).value === identity.value && meetsTrust(h.trust ?? 'declared', FINDING_TRUST),
  );
}

/**
 * The identities lists with only the handles that find the customer: the ones aliases are written for.
 *
 * @example findingLists(profile.identities).handles.every((h) => h.trust !== 'declared')
 */
export function findingLists(identities: CustomerIdentities): CustomerIdentities {
  return { ...identities, handles: identities.handles.filter((h) => meetsTrust(h.trust ?? 'declared', FINDING_TRUST)) };
}

/**
 * True when a ticket's channel is that network's own: its first word names the network, as
 * Zendesk's via types (`twitter`, `twitter_dm`, `facebook_post`), its trigger placeholder
 * ("Twitter DM") and Freshdesk's sources do.
 *
 * @example channelOfNetwork('twitter_dm', 'twitter') // true
 */
export function channelOfNetwork(channel: string | undefined, network: string): boolean {
  return (
    channel !== undefined &&
    channel
      .trim()
      .toLowerCase()
      .split(/[\s_-]+/)[0] === network.toLowerCase()
  );
}

/**
 * The requester's details with the account the helpdesk linked on the ticket's network raised to
 * `channel`: the ticket came in through that network, so the helpdesk saw the person use that
 * account. Only when the helpdesk links exactly one account on that network: with two, which of
 * them wrote is not known, and each keeps the trust it had.
 *
 * @example withChannelTrust(details, 'twitter').handles // the twitter identity, trust 'channel'
 */
export function withChannelTrust(details: RequesterDetails, channel: string | undefined): RequesterDetails {
  const accounts = (details.channelAccounts ?? []).filter((account) => channelOfNetwork(channel, account.network));
  const [account] = accounts;
  if (!account || accounts.length > 1) return details;
  const raised: SocialHandle = { network: account.network, handle: account.handle, trust: 'channel' };
  const same = (h: SocialHandle) => handleIdentity(h.network, h.handle).value === handleIdentity(raised.network, raised.handle).value;
  const handles = details.handles.some(same)
    ? details.handles.map((h) => (same(h) ? mergedHandle(h, raised) : h))
    : [...details.handles, raised];
  return { ...details, handles };
}

/**
 * True when the profile lists a handle on the ticket's channel's network that is not yet
 * `channel`: the helpdesk is asked once more, since this ticket can prove it.
 *
 * @example channelCanProve(profile, 'twitter') // true while Ada's twitter handle is only declared
 */
export function channelCanProve(profile: CustomerProfile, channel: string | undefined): boolean {
  return profile.identities.handles.some((h) => h.trust !== 'channel' && channelOfNetwork(channel, h.network));
}
