import { describe, expect, it } from 'vitest';
import { RefusedAddressError } from '../../../../shared/adapters/http/checked-request.js';
import { type HelpdeskAnswerReading, helpdeskAnswerError, sendToHelpdesk } from '../../../../shared/adapters/http/helpdesk-answers.js';
import {
  ConflictError,
  PermanentHelpdeskError,
  RateLimitedError,
  RefusedDestinationError,
  TicketNotFoundError,
  TransientError,
} from '../../../../shared/domain/errors.js';

const NOW = new Date('2026-11-23T10:00:00Z');

function reading(overrides: Partial<HelpdeskAnswerReading> = {}): HelpdeskAnswerReading {
  return { target: 'Acme GET /tickets/1', detail: '', ticketGone: false, urlField: 'baseUrl', now: NOW, ...overrides };
}

function answer(status: number, headers: Record<string, string> = {}) {
  return { status, headers: new Headers(headers) };
}

describe('the helpdesk answer ladder', () => {
  it('waits out a 429 for as long as its Retry-After says, in seconds or as a date', () => {
    const inSeconds = helpdeskAnswerError(answer(429, { 'retry-after': '30' }), reading());
    const asDate = helpdeskAnswerError(answer(429, { 'retry-after': 'Mon, 23 Nov 2026 10:02:00 GMT' }), reading());

    expect(inSeconds).toBeInstanceOf(RateLimitedError);
    expect((inSeconds as RateLimitedError).retryAfterSeconds).toBe(30);
    expect((asDate as RateLimitedError).retryAfterSeconds).toBe(120);
  });

  it.each([408, 500, 502, 503, 504])('takes a %i as a failure that may pass', (status) => {
    const error = helpdeskAnswerError(answer(status), reading());

    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toBe(`Acme GET /tickets/1 answered ${status}`);
  });

  it('takes a 409 as a changed ticket only where the helpdesk guards its updates', () => {
    expect(helpdeskAnswerError(answer(409), reading({ conflict: 'ticket-changed' }))).toBeInstanceOf(ConflictError);
    const plain = helpdeskAnswerError(answer(409), reading());
    const explained = helpdeskAnswerError(answer(409), reading({ conflict: { refusedBecause: 'no guarded update here' } }));

    expect(plain).toBeInstanceOf(PermanentHelpdeskError);
    expect(explained).toBeInstanceOf(PermanentHelpdeskError);
    expect(explained.message).toBe('Acme GET /tickets/1 answered 409: no guarded update here');
  });

  it('takes a 404 as a gone ticket only when the helpdesk said so, and as a refusal otherwise', () => {
    expect(helpdeskAnswerError(answer(404), reading({ ticketGone: true }))).toBeInstanceOf(TicketNotFoundError);
    const other = helpdeskAnswerError(answer(404), reading({ detail: ' (wrong path)' }));

    expect(other).toBeInstanceOf(PermanentHelpdeskError);
    expect(other.message).toBe('Acme GET /tickets/1 answered 404 (wrong path)');
  });

  it('refuses a redirect for good, naming the URL to check', () => {
    const error = helpdeskAnswerError(answer(302, { location: 'https://elsewhere.example/' }), reading({ urlField: 'decisionsUrl' }));

    expect(error).toBeInstanceOf(PermanentHelpdeskError);
    expect((error as PermanentHelpdeskError).status).toBe(302);
    expect(error.message).toBe('Acme GET /tickets/1 answered 302: redirects are not followed; check the configured decisionsUrl');
  });

  it.each([400, 401, 403, 422])('refuses a %i for good, with its status', (status) => {
    const error = helpdeskAnswerError(answer(status), reading());

    expect(error).toBeInstanceOf(PermanentHelpdeskError);
    expect((error as PermanentHelpdeskError).status).toBe(status);
  });
});

describe('sendToHelpdesk', () => {
  const url = new URL('https://hooks.acme.example/decisions');

  it('refuses for good a request whose destination is not allowed, with the refusal as its message', async () => {
    const refusing: typeof fetch = async () => {
      throw new RefusedAddressError(
        'helpdesk.decisionsUrl https://hooks.acme.example: hooks.acme.example resolves to 10.0.0.5, a private address',
      );
    };

    const sent = sendToHelpdesk({ method: 'POST', url, body: {}, timeoutMs: 1000, fetch: refusing });

    await expect(sent).rejects.toBeInstanceOf(RefusedDestinationError);
    await expect(sent).rejects.toThrow(
      'POST https://hooks.acme.example/decisions failed: helpdesk.decisionsUrl https://hooks.acme.example: hooks.acme.example resolves to 10.0.0.5',
    );
  });

  it('keeps a failed exchange a failure that may pass', async () => {
    const resetting: typeof fetch = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    };

    const sent = sendToHelpdesk({ method: 'POST', url, body: {}, timeoutMs: 1000, fetch: resetting });

    await expect(sent).rejects.toBeInstanceOf(TransientError);
    await expect(sent).rejects.not.toBeInstanceOf(PermanentHelpdeskError);
  });

  it('hands back any answer, whatever its status', async () => {
    const answering: typeof fetch = async () =>
      new Response('{"error":"nope"}', { status: 422, headers: { 'content-type': 'application/json' } });

    const response = await sendToHelpdesk({ method: 'POST', url, body: {}, timeoutMs: 1000, fetch: answering });

    expect(response.status).toBe(422);
    expect(response.json).toEqual({ error: 'nope' });
  });
});
