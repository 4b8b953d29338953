/** The sandbox Mastodon servers, each at its own loopback port (see `part.ts`). */
export { MASTODON_DEMO_HANDLE_DOMAINS, MASTODON_DEMO_SERVERS, mastodonDemo } from './demo.js';
export { createMastodonPart, mastodonPart } from './part.js';
export type {
  SandboxMastodon,
  SandboxMastodonAccount,
  SandboxMastodonAccountInput,
  SandboxMastodonField,
  SandboxMastodonOptions,
  SandboxMastodonStatus,
} from './types.js';
