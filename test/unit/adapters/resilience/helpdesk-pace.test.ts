import { describe, expect, it } from 'vitest';
import { HelpdeskPace, pacedFetch, readRateLimitHeaders } from '../../../../shared/adapters/resilience/helpdesk-pace.js';
import { HeldBackError } from '../../../../shared/domain/errors.js';

function manualClock(startMs = Date.parse('2026-12-02T10:00:00Z')) {
  let now = startMs;
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

/** A helpdesk answering with the given status and headers, counting what it was sent. */
function helpdesk(answer: () => { status: number; headers?: Record<string, string> }) {
  let sent = 0;
  const fetchFn: typeof fetch = async () => {
    sent += 1;
    const { status, headers } = answer();
    return new Response(status === 204 ? null : '{}', { status, headers });
  };
  return { fetch: fetchFn, sent: () => sent };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('readRateLimitHeaders', () => {
  it.each([
    [
      'Zendesk',
      { 'x-rate-limit': '700', 'x-rate-limit-remaining': '12', 'ratelimit-reset': '41' },
      { limit: 700, remaining: 12, resetInMs: 41_000 },
    ],
    [
      'Zendesk ratelimit-*',
      { 'ratelimit-limit': '400', 'ratelimit-remaining': '0', 'ratelimit-reset': '5' },
      { limit: 400, remaining: 0, resetInMs: 5000 },
    ],
    [
      'Freshdesk',
      { 'x-ratelimit-total': '200', 'x-ratelimit-remaining': '150', 'x-ratelimit-used-currentrequest': '1' },
      { limit: 200, remaining: 150 },
    ],
    [
      'an epoch reset',
      { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': String(Date.parse('2026-12-02T10:00:30Z') / 1000) },
      { limit: 60, remaining: 3, resetInMs: 30_000 },
    ],
    ['nothing', {}, {}],
    ['nonsense', { 'x-rate-limit': 'lots', 'x-rate-limit-remaining': '-' }, {}],
  ])('reads %s', (_label, headers, expected) => {
    expect(readRateLimitHeaders(new Headers(headers), Date.parse('2026-12-02T10:00:00Z'))).toEqual(expected);
  });
});

describe('HelpdeskPace', () => {
  it("sends while more than the tenant's reserve is left, then holds back until the window resets", async () => {
    const clock = manualClock();
    let remaining = 10;
    const desk = helpdesk(() => ({
      status: 200,
      headers: { 'x-rate-limit': '10', 'x-rate-limit-remaining': String((remaining -= 1)), 'ratelimit-reset': '20' },
    }));
    const paced = pacedFetch(new HelpdeskPace({ share: 0.8, requestsPerMinute: 10, clock, random: () => 0 }), desk.fetch);

    // 10 a window, 2 kept for others: 8 go out.
    for (let i = 0; i < 8; i += 1) await paced('http://helpdesk.test/');
    const held = await caught(paced('http://helpdesk.test/'));
    clock.advance(20_000);
    remaining = 10;
    await paced('http://helpdesk.test/');

    expect(held).toBeInstanceOf(HeldBackError);
    expect(held).toMatchObject({ reason: 'pace', retryAfterSeconds: 20 });
    expect(desk.sent()).toBe(9);
  });

  it('counts the requests this process has in flight against what is left', async () => {
    const clock = manualClock();
    const answers: ((value: Response) => void)[] = [];
    const slow: typeof fetch = () => new Promise<Response>((resolve) => answers.push(resolve));
    const pace = new HelpdeskPace({ share: 0.5, requestsPerMinute: 10, clock, random: () => 0 });
    const paced = pacedFetch(pace, slow);
    const headers = (left: number) => ({ 'x-rate-limit': '10', 'x-rate-limit-remaining': String(left), 'ratelimit-reset': '30' });
    // The first answer says 8 are left, of which 5 are kept for others: 3 may go out at once.
    const first = paced('http://helpdesk.test/');
    await new Promise((resolve) => setTimeout(resolve, 0));
    answers.shift()?.(new Response('{}', { status: 200, headers: headers(8) }));
    await first;
    const inFlight = [paced('http://helpdesk.test/'), paced('http://helpdesk.test/'), paced('http://helpdesk.test/')];
    await new Promise((resolve) => setTimeout(resolve, 0));

    const held = await caught(paced('http://helpdesk.test/'));

    expect(pace.inFlight).toBe(3);
    expect(held).toMatchObject({ reason: 'pace' });
    for (const answer of answers.splice(0)) answer(new Response('{}', { status: 200, headers: headers(5) }));
    await Promise.all(inFlight);
    expect(pace.inFlight).toBe(0);
  });

  it('keeps the lowest count of a window when answers arrive out of order, and takes a new window when it comes', async () => {
    const clock = manualClock();
    const answers: ((value: Response) => void)[] = [];
    const slow: typeof fetch = () => new Promise<Response>((resolve) => answers.push(resolve));
    const paced = pacedFetch(new HelpdeskPace({ share: 0.8, requestsPerMinute: 10, clock, random: () => 0 }), slow);
    const answer = (index: number, left: number) =>
      answers[index]?.(
        new Response('{}', {
          status: 200,
          headers: { 'x-rate-limit': '10', 'x-rate-limit-remaining': String(left), 'ratelimit-reset': '30' },
        }),
      );
    const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
    const first = paced('http://helpdesk.test/');
    const second = paced('http://helpdesk.test/');
    await tick();

    // The second call's count (2 left, the 2 kept for others) overtakes the first's (7 left).
    answer(1, 2);
    await second;
    answer(0, 7);
    await first;
    const held = await caught(paced('http://helpdesk.test/'));

    expect(held).toMatchObject({ reason: 'pace' });
    // The window turns: a higher count is then a new window's, and calls go out again.
    clock.advance(30_000);
    const next = paced('http://helpdesk.test/');
    await tick();
    answer(2, 9);
    await next;
    expect(answers).toHaveLength(3);
  });

  it('counts what other processors spend: the remaining count falling faster than its own calls makes it hold back sooner', async () => {
    const clock = manualClock();
    const remaining = [90, 52, 50];
    // Each call takes 400 ms to be answered.
    const desk: typeof fetch = async () => {
      clock.advance(400);
      return new Response('{}', {
        status: 200,
        headers: { 'x-rate-limit': '100', 'x-rate-limit-remaining': String(remaining.shift() ?? 0), 'ratelimit-reset': '50' },
      });
    };
    const paced = pacedFetch(new HelpdeskPace({ share: 0.5, requestsPerMinute: 100, clock, random: () => 0 }), desk);

    await paced('http://helpdesk.test/');
    clock.advance(1000);
    // 38 fewer after one call of its own: the others spent 37 in 1.4 s.
    await paced('http://helpdesk.test/');
    clock.advance(100);
    const held = await caught(paced('http://helpdesk.test/'));
    // A count older than 2 s is read afresh by one call rather than guessed from.
    clock.advance(2500);
    const probe = await paced('http://helpdesk.test/');

    // 52 left at the last answer, 2 more than the 50 kept for others; but the others have about
    // 6 on the way in a call's lag at their pace.
    expect(held).toMatchObject({ reason: 'pace' });
    expect(probe.status).toBe(200);
    expect(remaining).toEqual([]);
  });

  it("holds the whole tenant back for a 429's Retry-After when the account is out of requests", async () => {
    const clock = manualClock();
    let status = 429;
    const retryAfter: Record<string, string> = { 'retry-after': '30' };
    const desk = helpdesk(() => ({ status, headers: status === 429 ? retryAfter : {} }));
    const paced = pacedFetch(new HelpdeskPace({ share: 1, requestsPerMinute: 600, clock, random: () => 0 }), desk.fetch);

    const limited = await paced('http://helpdesk.test/');
    clock.advance(10_000);
    const held = await caught(paced('http://helpdesk.test/'));
    clock.advance(20_000);
    status = 200;
    const after = await paced('http://helpdesk.test/');

    expect(limited.status).toBe(429);
    expect(held).toMatchObject({ reason: 'retry-after', retryAfterSeconds: 20 });
    expect(after.status).toBe(200);
    expect(desk.sent()).toBe(2);
  });

  it('lets other calls go on after a 429 that is about one ticket (the account still has requests left)', async () => {
    const clock = manualClock();
    let status = 429;
    const desk = helpdesk(() => ({
      status,
      headers: { 'retry-after': '93', 'x-rate-limit': '700', 'x-rate-limit-remaining': '650', 'ratelimit-reset': '30' },
    }));
    const paced = pacedFetch(new HelpdeskPace({ share: 0.8, requestsPerMinute: 700, clock }), desk.fetch);

    await paced('http://helpdesk.test/tickets/1');
    status = 200;
    const other = await paced('http://helpdesk.test/tickets/2');

    expect(other.status).toBe(200);
  });

  it('stops calling a helpdesk that keeps failing, then lets one trial through after the pause', async () => {
    const clock = manualClock();
    let status = 503;
    const desk = helpdesk(() => ({ status }));
    const paced = pacedFetch(
      new HelpdeskPace({ share: 1, requestsPerMinute: 6000, clock, failureThreshold: 3, pauseAfterFailuresMs: 30_000, random: () => 0 }),
      desk.fetch,
    );

    for (let i = 0; i < 3; i += 1) await paced('http://helpdesk.test/');
    const held = await caught(paced('http://helpdesk.test/'));
    clock.advance(30_000);
    status = 200;
    const trial = await paced('http://helpdesk.test/');
    const next = await paced('http://helpdesk.test/');

    expect(held).toMatchObject({ reason: 'failing', retryAfterSeconds: 30 });
    expect([trial.status, next.status]).toEqual([200, 200]);
    expect(desk.sent()).toBe(5);
  });

  it('counts a request that never got an answer (timeout, reset) as a failure', async () => {
    const clock = manualClock();
    const broken: typeof fetch = () => Promise.reject(new DOMException('The operation timed out.', 'TimeoutError'));
    const paced = pacedFetch(new HelpdeskPace({ share: 1, requestsPerMinute: 6000, clock, failureThreshold: 2, random: () => 0 }), broken);

    await caught(paced('http://helpdesk.test/'));
    await caught(paced('http://helpdesk.test/'));
    const held = await caught(paced('http://helpdesk.test/'));

    expect(held).toBeInstanceOf(HeldBackError);
    expect(held).toMatchObject({ reason: 'failing' });
  });

  it('spaces calls at requestsPerMinute × share while the helpdesk sends no rate-limit headers, sleeping short waits', async () => {
    const clock = manualClock();
    const slept: number[] = [];
    const desk = helpdesk(() => ({ status: 200 }));
    const pace = new HelpdeskPace({
      share: 0.5,
      requestsPerMinute: 240,
      clock,
      random: () => 0,
      sleep: async (ms) => {
        slept.push(ms);
        clock.advance(ms);
      },
    });
    const paced = pacedFetch(pace, desk.fetch);

    // 120 a minute: a burst of 2, then one every 500 ms.
    for (let i = 0; i < 4; i += 1) await paced('http://helpdesk.test/');

    expect(slept).toEqual([500, 500]);
    expect(desk.sent()).toBe(4);
  });

  it('spreads the waits of events held back together', async () => {
    const clock = manualClock();
    const desk = helpdesk(() => ({ status: 429, headers: { 'retry-after': '40' } }));
    const rolls = [0, 0.5, 1];
    const paced = pacedFetch(new HelpdeskPace({ share: 1, requestsPerMinute: 600, clock, random: () => rolls.shift() ?? 0 }), desk.fetch);
    await paced('http://helpdesk.test/');

    const waits = [];
    for (let i = 0; i < 3; i += 1) waits.push(((await caught(paced('http://helpdesk.test/'))) as HeldBackError).retryAfterSeconds);

    expect(waits).toEqual([40, 45, 50]);
  });

  it('refuses a share outside (0, 1]', () => {
    expect(() => new HelpdeskPace({ share: 0, requestsPerMinute: 10, clock: manualClock() })).toThrow(RangeError);
    expect(() => new HelpdeskPace({ share: 1.5, requestsPerMinute: 10, clock: manualClock() })).toThrow(RangeError);
  });
});
