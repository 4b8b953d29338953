import type { RequestCounts } from '../budget.js';
import type { SandboxChaos, SandboxFault, SandboxRequest } from '../http.js';

/** How to configure the sandbox GitHub. */
export interface SandboxGithubOptions {
  /** Tokens it accepts (`Authorization: Bearer <token>` or `token <token>`); others get 401 Bad credentials. */
  tokens?: readonly string[];
  /** The primary limit without a token, per address: 60 an hour, as GitHub's. */
  anonymousPerHour?: number;
  /** The primary limit per token: 5,000 an hour, as GitHub's. */
  tokenPerHour?: number;
  /** What an exhausted primary limit answers: 403 (the default, as GitHub mostly does) or 429. */
  exhaustedStatus?: 403 | 429;
}

/** A public repository of a user. */
export interface SandboxGithubRepo {
  name: string;
  stars: number;
  forks: number;
  fork?: boolean;
  archived?: boolean;
  pushedAt?: string;
}

/** A user as a test seeds it. */
export interface SandboxGithubUserInput {
  login: string;
  name?: string;
  type?: 'User' | 'Organization';
  followers: number;
  following: number;
  /** Defaults to the number of seeded repositories. */
  publicRepos?: number;
  publicGists?: number;
  /** The public email; the API shows it to authenticated callers only. */
  email?: string;
  blog?: string;
  createdAt?: string;
  repos?: readonly SandboxGithubRepo[];
}

/** A user as the sandbox holds it. */
export type SandboxGithubUser = SandboxGithubUserInput & { id: number; createdAt: string };

/** The sandbox GitHub's hooks for tests and local mode. */
export interface SandboxGithub {
  /** `http://127.0.0.1:<port>/github`: stands for `https://api.github.com`. */
  readonly apiUrl: string;
  addUser(input: SandboxGithubUserInput): SandboxGithubUser;
  updateUser(login: string, change: Partial<Omit<SandboxGithubUserInput, 'login'>>): SandboxGithubUser;
  user(login: string): SandboxGithubUser | undefined;
  addToken(token: string): void;
  /** Sets the primary limits from now on. */
  setLimits(limits: { anonymousPerHour?: number; tokenPerHour?: number }): void;
  /** The next `count` API calls get the primary limit's 403, `x-ratelimit-remaining: 0` and the reset included. */
  rateLimitNext(count: number): void;
  /** The next `count` API calls get a secondary limit's 403, with `retry-after` when given (GitHub sometimes leaves it out). */
  secondaryLimitNext(count: number, options?: { retryAfter?: number }): void;
  failNext(fault: SandboxFault): void;
  failRandomly(chaos: SandboxChaos | undefined): void;
  /** Every request: method, path below `/github`, status, time, and `auth` (`anonymous` or `token:<token>`). */
  requests(): SandboxRequest[];
  counts(): RequestCounts;
}
