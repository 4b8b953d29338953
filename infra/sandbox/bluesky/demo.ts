import { demoHandlesOn } from '../demo-people.js';
import { createdDaysAgo, demoPosts, type NetworkDemo } from '../network-demo.js';
import { blueskyPart } from './part.js';
import type { SandboxBlueskyFeedItem } from './types.js';

/** The demo handles that are domains the sandbox serves `/.well-known/atproto-did` for (each at its own port). */
export const BLUESKY_DEMO_HANDLE_HOSTS = demoHandlesOn('bluesky')
  .filter(({ handle }) => handle.handle.endsWith('.test'))
  .map(({ handle }) => handle.handle);

/** The Bluesky demo: the demo customers' profiles, their handle hosts and DID documents. */
export const blueskyDemo: NetworkDemo = {
  network: 'bluesky',
  part: () => blueskyPart.with({ handleHosts: BLUESKY_DEMO_HANDLE_HOSTS }),
  seed(sandbox) {
    const bluesky = sandbox.part(blueskyPart);
    for (const { person, handle } of demoHandlesOn('bluesky')) {
      const { audience } = handle;
      // Twenty own posts, a repost and a reply among them: the repost is someone else's post and must not count.
      const feed: SandboxBlueskyFeedItem[] = demoPosts(audience).map((post) => ({ ...post }));
      feed.splice(3, 0, { likes: 90_000, reposts: 20_000, replies: 5_000, repost: true });
      feed.splice(8, 0, { likes: 2, reposts: 0, replies: 1, reply: true });
      const account = bluesky.addAccount({
        handle: handle.handle,
        displayName: person.name,
        followers: audience.followers,
        follows: audience.following,
        posts: audience.posts,
        createdAt: createdDaysAgo(audience.accountAgeDays),
        ...(handle.optedOutOfIndexing ? { labels: ['!no-unauthenticated'] } : {}),
        feed,
      });
      // A handle on its own domain resolves both ways: the domain gives the DID, the DID document claims the handle.
      if (BLUESKY_DEMO_HANDLE_HOSTS.includes(account.handle)) {
        bluesky.updateAccount(account.did, { wellKnownDid: account.did, txt: [`did=${account.did}`] });
      }
    }
  },
};
