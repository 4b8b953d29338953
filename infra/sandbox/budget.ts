import type { SandboxRequest } from './http.js';

/** What one request took from a budget: whether it was allowed, and the figures the rate-limit headers show. */
export interface BudgetTake {
  allowed: boolean;
  limit: number;
  remaining: number;
  used: number;
  /** When the window ends and the budget is full again, epoch ms. */
  resetAt: number;
}

/**
 * Request budgets per caller, in fixed windows as the networks count them: a caller's window
 * opens with its first request and its `limit` requests are all given back when it ends
 * (GitHub's hour, Mastodon's five minutes, the AppView's rate limiter). Refusals are not counted.
 *
 * @example const budget = new WindowBudgets(60, 3_600_000); budget.take('anonymous').allowed
 */
export class WindowBudgets {
  readonly #windows = new Map<string, { start: number; used: number }>();

  constructor(
    private limit: number,
    private windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    WindowBudgets.check(limit, windowMs);
  }

  /** Changes the limit and window from now on; windows under way keep what they used. */
  set(limit: number, windowMs: number = this.windowMs): void {
    WindowBudgets.check(limit, windowMs);
    this.limit = limit;
    this.windowMs = windowMs;
  }

  /** The window's length, ms. */
  get window(): number {
    return this.windowMs;
  }

  /** Takes one request from the caller's budget, when any is left. */
  take(caller: string, limit: number = this.limit): BudgetTake {
    const window = this.#current(caller);
    const allowed = window.used < limit;
    if (allowed) window.used += 1;
    return { allowed, limit, remaining: Math.max(0, limit - window.used), used: window.used, resetAt: window.start + this.windowMs };
  }

  /** The caller's budget now, without taking a request. */
  peek(caller: string, limit: number = this.limit): BudgetTake {
    const window = this.#current(caller);
    return {
      allowed: window.used < limit,
      limit,
      remaining: Math.max(0, limit - window.used),
      used: window.used,
      resetAt: window.start + this.windowMs,
    };
  }

  /** Forgets every window: all budgets full again. */
  reset(): void {
    this.#windows.clear();
  }

  #current(caller: string): { start: number; used: number } {
    const now = this.now();
    const window = this.#windows.get(caller);
    if (window && now < window.start + this.windowMs) return window;
    const fresh = { start: now, used: 0 };
    this.#windows.set(caller, fresh);
    return fresh;
  }

  private static check(limit: number, windowMs: number): void {
    if (!Number.isInteger(limit) || limit < 0) throw new Error(`sandbox: a rate limit must be a whole number of requests, not ${limit}`);
    if (!Number.isFinite(windowMs) || windowMs <= 0) throw new Error(`sandbox: a rate-limit window must be positive, not ${windowMs} ms`);
  }
}

/** Requests counted per path (query left out, `host` first when it came in as one) and per caller. */
export interface RequestCounts {
  byPath: Record<string, number>;
  byAuth: Record<string, number>;
}

/**
 * Counts a part's request log per path and per caller, for tests that hold a client to a number
 * of requests (one lookup per handle, 25 actors a call).
 *
 * @example countRequests(api.requests()).byPath['/xrpc/app.bsky.actor.getProfiles'] // 4
 */
export function countRequests(log: readonly SandboxRequest[]): RequestCounts {
  const byPath: Record<string, number> = {};
  const byAuth: Record<string, number> = {};
  for (const entry of log) {
    const path = `${entry.host ?? ''}${entry.path.split('?')[0] ?? ''}`;
    byPath[path] = (byPath[path] ?? 0) + 1;
    const who = entry.auth ?? 'anonymous';
    byAuth[who] = (byAuth[who] ?? 0) + 1;
  }
  return { byPath, byAuth };
}
