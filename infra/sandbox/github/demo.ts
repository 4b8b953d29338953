import { demoHandlesOn } from '../demo-people.js';
import { createdDaysAgo, demoPosts, type NetworkDemo } from '../network-demo.js';
import { githubPart } from './part.js';

/** Local-only token the sandbox GitHub accepts (5,000 requests an hour). Never use it anywhere else. */
export const GITHUB_DEMO_TOKEN = 'ghp_demoLocalOnlyNotARealToken000000000000';

/** The GitHub demo: the demo customers' users and public repositories. */
export const githubDemo: NetworkDemo = {
  network: 'github',
  part: () => githubPart.with({ tokens: [GITHUB_DEMO_TOKEN] }),
  seed(sandbox) {
    const github = sandbox.part(githubPart);
    for (const { person, handle } of demoHandlesOn('github')) {
      const { audience } = handle;
      // Her own repositories carry the stars; two forks of famous ones must not count.
      const own = demoPosts(audience).map((post, index) => ({
        name: `project-${String(index + 1).padStart(2, '0')}`,
        stars: post.likes + post.reposts,
        forks: post.replies,
        pushedAt: createdDaysAgo(index * 20),
      }));
      const forks = [
        { name: 'linux', stars: 180_000, forks: 55_000, fork: true },
        { name: 'react', stars: 230_000, forks: 47_000, fork: true },
      ];
      github.addUser({
        login: handle.handle,
        name: person.name,
        followers: audience.followers,
        following: audience.following,
        createdAt: createdDaysAgo(audience.accountAgeDays),
        email: person.email,
        repos: [...own, ...forks],
      });
    }
  },
};
