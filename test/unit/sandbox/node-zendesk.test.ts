import nodeZendesk from 'node-zendesk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SandboxZendeskServer, startSandboxZendesk } from '../../../infra/sandbox/zendesk/index.js';

// The sandbox driven by node-zendesk, a real Zendesk client: what it sends (cursor paging with
// page[size]=100, include= side-loads) and how it reads the answers is what the sandbox must meet.

const EMAIL = 'router@acme.test';
const TOKEN = 'sandbox-token-node-zendesk';
const AUTH = `Basic ${Buffer.from(`${EMAIL}/token:${TOKEN}`).toString('base64')}`;

let zendesk: SandboxZendeskServer;
let client: ReturnType<typeof nodeZendesk.createClient>;

beforeEach(async () => {
  zendesk = await startSandboxZendesk({ email: EMAIL, apiToken: TOKEN });
  client = nodeZendesk.createClient({
    username: EMAIL,
    token: TOKEN,
    endpointUri: `${zendesk.baseUrl}/api/v2`,
    throwOriginalException: true,
  });
});

afterEach(async () => {
  await zendesk.close();
});

function seedTickets(count: number): number[] {
  const ada = zendesk.createUser({
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    external_id: 'crm-42',
    user_fields: { followers: 48200 },
    identities: [{ type: 'twitter', value: 'ada_codes' }],
  });
  return Array.from(
    { length: count },
    (_, index) => zendesk.createTicket({ subject: `Ticket ${index + 1}`, description: 'Help', requesterId: ada.id }).id,
  );
}

describe('the sandbox Zendesk, driven by node-zendesk', () => {
  it('lists every ticket through cursor paging (page[size]=100, meta.has_more, links.next)', async () => {
    const ids = seedTickets(205);

    const tickets = await client.tickets.list();

    expect(tickets.map((ticket) => ticket.id)).toEqual(ids);
    const pages = zendesk.requests().filter((request) => request.method === 'GET' && request.path.startsWith('/api/v2/tickets.json'));
    expect(pages.map((request) => new URL(request.path, zendesk.baseUrl).searchParams.get('page[size]'))).toEqual(['100', '100', '100']);
  });

  it('pages by offset (per_page, next_page) for clients that ask so', async () => {
    const ids = seedTickets(5);
    const seen: number[] = [];

    let next: string | null = `${zendesk.baseUrl}/api/v2/tickets.json?per_page=2`;
    while (next) {
      const answer = await fetch(next, { headers: { authorization: AUTH } });
      const page = (await answer.json()) as { tickets: { id: number }[]; next_page: string | null; count: number };
      expect(page.count).toBe(5);
      seen.push(...page.tickets.map((ticket) => ticket.id));
      next = page.next_page;
    }

    expect(seen).toEqual(ids);
  });

  it('pages back by cursor (links.prev, page[before]) to the first page', async () => {
    const ids = seedTickets(5);
    const read = async (url: string): Promise<{ tickets: { id: number }[]; links: { next: string | null; prev: string | null } }> =>
      (await (await fetch(url, { headers: { authorization: AUTH } })).json()) as {
        tickets: { id: number }[];
        links: { next: string | null; prev: string | null };
      };

    const first = await read(`${zendesk.baseUrl}/api/v2/tickets.json?page[size]=2`);
    const second = await read(first.links.next ?? '');
    const back = await read(second.links.prev ?? '');

    expect(first.links.prev).toBeNull();
    expect(second.tickets.map((ticket) => ticket.id)).toEqual(ids.slice(2, 4));
    expect(back.tickets.map((ticket) => ticket.id)).toEqual(ids.slice(0, 2));
    expect(back.links.prev).toBeNull();
  });

  it('shows a ticket, updates its priority and tags, and adds an internal comment its author is the API user', async () => {
    const [id = 0] = seedTickets(1);

    const shown = await client.tickets.show(id);
    expect(shown.result).toMatchObject({ id, subject: 'Ticket 1', priority: null, tags: [] });

    const updated = await client.tickets.update(id, {
      ticket: { priority: 'high', tags: ['printer', 'influence_high'], comment: { body: 'Why: reach-high', public: false } },
    });
    expect(updated.result).toMatchObject({ id, priority: 'high', tags: ['printer', 'influence_high'] });

    const me = await client.users.me();
    expect(me.result).toMatchObject({ email: EMAIL, role: 'agent' });
    const comments = (await client.tickets.getComments(id)) as { author_id: number; body: string; public: boolean }[];
    expect(comments).toEqual([
      expect.objectContaining({ body: 'Help', public: true, author_id: shown.result.requester_id }),
      expect.objectContaining({ body: 'Why: reach-high', public: false, author_id: me.result.id }),
    ]);
  });

  it('shows a user with their identities side-loaded, one user and many', async () => {
    seedTickets(1);
    const ada = zendesk.tickets()[0]?.requester_id ?? 0;
    client.users.setSideLoad(['identities']);

    const one = (await client.users.show(ada)) as unknown as {
      result: { id: number; identity?: { type: string; value: string }[] };
      response: { identities?: unknown[] };
    };
    const many = (await client.users.showMany([ada])) as unknown as {
      result: { id: number; identity?: { type: string; value: string }[] }[];
    };

    const expected = [
      expect.objectContaining({ type: 'email', value: 'ada@example.com' }),
      expect.objectContaining({ type: 'twitter', value: 'ada_codes' }),
    ];
    expect(one.result.identity).toEqual(expected);
    expect(many.result[0]?.identity).toEqual(expected);
    expect(zendesk.requests().filter((request) => request.path.includes('include=identities'))).toHaveLength(2);
  });

  it('answers with Zendesk rate-limit headers', async () => {
    const [id = 0] = seedTickets(1);

    const shown = (await client.tickets.show(id)) as unknown as { response: { headers: { get(name: string): string | null } } };

    expect(shown.response.headers.get('x-rate-limit')).toBe('700');
    expect(Number(shown.response.headers.get('x-rate-limit-remaining'))).toBeLessThan(700);
    expect(shown.response.headers.get('ratelimit-reset')).toMatch(/^\d+$/);
  });

  it('answers what it does not implement as Zendesk answers an unknown route, and a missing record as RecordNotFound', async () => {
    await expect(client.tickets.get(['no_such_route'])).rejects.toMatchObject({ statusCode: 404 });
    await expect(client.tickets.show(999)).rejects.toMatchObject({ statusCode: 404 });

    const raw = await fetch(`${zendesk.baseUrl}/api/v2/no_such_route.json`, { headers: { authorization: AUTH } });
    expect(raw.status).toBe(404);
    expect(await raw.json()).toEqual({ error: 'InvalidEndpoint', description: 'Not found' });
  });

  it('refuses a wrong token as Zendesk does', async () => {
    const stranger = nodeZendesk.createClient({
      username: EMAIL,
      token: 'wrong',
      endpointUri: `${zendesk.baseUrl}/api/v2`,
      throwOriginalException: true,
    });

    await expect(stranger.users.me()).rejects.toMatchObject({ statusCode: 401 });
  });
});
