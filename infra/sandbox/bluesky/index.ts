/** The sandbox Bluesky: the public AppView, plc.directory, DNS TXT over HTTPS and handle hosts (see `part.ts`). */
export { BLUESKY_DEMO_HANDLE_HOSTS, blueskyDemo } from './demo.js';
export { blueskyPart, createBlueskyPart } from './part.js';
export type {
  SandboxBluesky,
  SandboxBlueskyAccount,
  SandboxBlueskyAccountInput,
  SandboxBlueskyFeedItem,
  SandboxBlueskyOptions,
} from './types.js';
