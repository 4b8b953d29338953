/** The sandbox YouTube Data API v3 (see `part.ts`). */
export { YOUTUBE_DEMO_KEY, youtubeDemo } from './demo.js';
export { createYoutubePart, youtubePart } from './part.js';
export type { SandboxYoutube, SandboxYoutubeChannel, SandboxYoutubeChannelInput, SandboxYoutubeOptions } from './types.js';
