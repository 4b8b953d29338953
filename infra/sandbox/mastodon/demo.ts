import { type DemoHandle, demoHandlesOn } from '../demo-people.js';
import { createdDaysAgo, demoPosts, type NetworkDemo } from '../network-demo.js';
import { mastodonPart } from './part.js';
import type { SandboxMastodonStatus } from './types.js';

/** The Mastodon servers of the demo handles, each at its own loopback port. */
export const MASTODON_DEMO_SERVERS = [...new Set(demoHandlesOn('mastodon').map(({ handle }) => serverOf(handle)))];

/** The demo handles' domains that are not their server (answering WebFinger only), each with the server that hosts the account. */
export const MASTODON_DEMO_HANDLE_DOMAINS: Readonly<Record<string, string>> = Object.fromEntries(
  demoHandlesOn('mastodon').flatMap(({ handle }) => (handle.server === undefined ? [] : [[domainOf(handle), handle.server]])),
);

function domainOf(handle: DemoHandle): string {
  return handle.handle.split('@')[2] ?? '';
}

function serverOf(handle: DemoHandle): string {
  return handle.server ?? domainOf(handle);
}

/** The Mastodon demo: the servers of the demo handles and the accounts on them. */
export const mastodonDemo: NetworkDemo = {
  network: 'mastodon',
  part: () => mastodonPart.with({ servers: MASTODON_DEMO_SERVERS, handleDomains: MASTODON_DEMO_HANDLE_DOMAINS }),
  seed(sandbox) {
    const mastodon = sandbox.part(mastodonPart);
    for (const { person, handle } of demoHandlesOn('mastodon')) {
      const { audience } = handle;
      const statuses: SandboxMastodonStatus[] = demoPosts(audience).map((post) => ({
        favourites: post.likes,
        reblogs: post.reposts,
        replies: post.replies,
      }));
      // A boost of someone else's status and a reply to another account: neither is her own post.
      statuses.splice(2, 0, { favourites: 40_000, reblogs: 9_000, replies: 800, boost: true });
      statuses.splice(6, 0, { favourites: 1, reblogs: 0, replies: 0, reply: true });
      const domain = person.email.split('@')[1] ?? '';
      const verifiedLink = handle.trust === 'verified';
      mastodon.addAccount(serverOf(handle), {
        username: handle.handle.split('@')[1] ?? '',
        displayName: person.name,
        followers: audience.followers,
        following: audience.following,
        statusesCount: audience.posts,
        createdAt: createdDaysAgo(audience.accountAgeDays),
        ...(handle.optedOutOfIndexing ? { noindex: true, indexable: false, discoverable: false } : {}),
        // The server checked that https://<her domain> links back with rel="me".
        fields: verifiedLink
          ? [{ name: 'Website', value: `https://${domain}`, verifiedAt: createdDaysAgo(30) }]
          : [{ name: 'Pronouns', value: 'she/her' }],
        statuses,
      });
    }
  },
};
