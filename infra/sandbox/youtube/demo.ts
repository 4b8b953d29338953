import { demoHandlesOn } from '../demo-people.js';
import { createdDaysAgo, type NetworkDemo } from '../network-demo.js';
import { youtubePart } from './part.js';

/** Local-only API key the sandbox YouTube accepts (10,000 units a day). Never use it anywhere else. */
export const YOUTUBE_DEMO_KEY = 'AIzaSyDemoLocalOnlyNotARealKey00000000';

/** The YouTube demo: the demo customers' channels. */
export const youtubeDemo: NetworkDemo = {
  network: 'youtube',
  part: () => youtubePart.with({ keys: [YOUTUBE_DEMO_KEY] }),
  seed(sandbox) {
    const youtube = sandbox.part(youtubePart);
    demoHandlesOn('youtube').forEach(({ person, handle }, index) => {
      const { audience } = handle;
      youtube.addChannel({
        id: `UCdemo${String(index + 1).padStart(4, '0')}LocalOnly00000`,
        handle: handle.handle,
        title: person.name,
        subscribers: audience.followers,
        views: audience.followers * 180,
        videos: audience.posts,
        publishedAt: createdDaysAgo(audience.accountAgeDays),
      });
    });
  },
};
