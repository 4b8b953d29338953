import { bluesky } from '../influence/bluesky/descriptor.js';
import { github } from '../influence/github/descriptor.js';
import { mastodon } from '../influence/mastodon/descriptor.js';
import type { NetworkDescriptor } from '../influence/network-client.js';
import { youtube } from '../influence/youtube/descriptor.js';

/**
 * Every open network a customer's handle can be scored on. A new network is a folder under
 * `shared/adapters/influence/` exporting one descriptor, its settings in the networks settings,
 * and a line here.
 */
export const NETWORKS: readonly NetworkDescriptor[] = [bluesky, mastodon, github, youtube];

/**
 * The network of this name.
 *
 * @example networkAdapter('bluesky')?.label // 'Bluesky'
 */
export function networkAdapter(name: string): NetworkDescriptor | undefined {
  return NETWORKS.find((network) => network.name === name);
}
