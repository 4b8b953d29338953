/** The sandbox GitHub REST API (see `part.ts`). */
export { GITHUB_DEMO_TOKEN, githubDemo } from './demo.js';
export { createGithubPart, githubPart } from './part.js';
export type { SandboxGithub, SandboxGithubOptions, SandboxGithubRepo, SandboxGithubUser, SandboxGithubUserInput } from './types.js';
