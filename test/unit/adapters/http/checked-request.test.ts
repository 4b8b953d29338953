import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AddressPolicy,
  checkedFetch,
  checkedRequest,
  PUBLIC_ADDRESSES_ONLY,
  RefusedAddressError,
  type ResolveAll,
} from '../../../../shared/adapters/http/checked-request.js';
import { jsonRequest } from '../../../../shared/adapters/http/json-request.js';
import { nonPublicReason } from '../../../../shared/adapters/http/public-address.js';
import { TransientError } from '../../../../shared/domain/errors.js';

/** A self-signed certificate for scores.example.test and hooks.example.test (test/fixtures/tls). */
const TLS = new URL('../../../fixtures/tls/', import.meta.url);
const CERT = readFileSync(new URL('scores-example-test.crt', TLS), 'utf8');
const KEY = readFileSync(new URL('scores-example-test.key', TLS), 'utf8');

/** What the loopback TLS server saw of each request. */
interface Seen {
  method: string;
  path: string;
  host: string;
  servername: string | false | null;
  body: string;
}

type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hold';

let server: Server;
let port = 0;
const seen: Seen[] = [];
let replies: Reply[] = [];

beforeAll(async () => {
  server = createServer({ key: KEY, cert: CERT }, (request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      seen.push({
        method: request.method ?? '',
        path: request.url ?? '',
        host: request.headers.host ?? '',
        servername: (request.socket as TLSSocket).servername,
        body,
      });
      const reply = replies.shift() ?? { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
      if (reply === 'hold') return;
      response.writeHead(reply.status, reply.headers);
      response.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
  replies = [];
});

/** A resolver that answers from a table and counts its lookups. */
function resolverOf(table: Record<string, string[]>): ResolveAll & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

/** The test's own policy: loopback is allowed here, and only here, so the loopback server can be reached. */
function loopbackAllowed(resolve: ResolveAll): AddressPolicy {
  return { resolve, refuse: (address) => (address === '127.0.0.1' ? undefined : nonPublicReason(address)), ca: CERT };
}

const FIELD = 'scoring.http.url';

describe('checkedRequest', () => {
  it('connects to the address it checked, with SNI, Host and the certificate on the original name', async () => {
    const resolve = resolverOf({ 'scores.example.test': ['127.0.0.1'] });

    const answer = await checkedRequest(
      {
        url: new URL(`https://scores.example.test:${port}/v1/score?x=1`),
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
        timeoutMs: 5000,
        maxResponseBytes: 1024,
      },
      { field: FIELD, policy: loopbackAllowed(resolve) },
    );

    expect(answer.status).toBe(200);
    expect(answer.body.toString('utf8')).toBe('{"ok":true}');
    expect(seen).toEqual([
      { method: 'POST', path: '/v1/score?x=1', host: `scores.example.test:${port}`, servername: 'scores.example.test', body: '{"a":1}' },
    ]);
    expect(resolve.calls).toEqual(['scores.example.test']);
  });

  it('is not moved by a name that answers differently once checked (DNS rebinding)', async () => {
    let lookups = 0;
    // The first answer passes; every later one would point at the metadata address.
    const rebinding: ResolveAll = async () => [{ address: lookups++ === 0 ? '127.0.0.1' : '169.254.169.254', family: 4 }];

    const answer = await checkedRequest(
      { url: new URL(`https://scores.example.test:${port}/`), method: 'GET', timeoutMs: 5000, maxResponseBytes: 1024 },
      { field: FIELD, policy: loopbackAllowed(rebinding) },
    );

    // The name is looked up once, and the connection went where that answer said (the system's
    // resolver does not know scores.example.test, so a second lookup anywhere would have failed).
    expect(answer.status).toBe(200);
    expect(lookups).toBe(1);
    expect(seen).toHaveLength(1);
  });

  it.each([
    [
      ['10.0.0.5'],
      'scoring.http.url https://scores.acme.example: scores.acme.example resolves to 10.0.0.5, a private address (10.0.0.0/8): refused, requests go only to public addresses',
    ],
    [
      ['127.0.0.1'],
      'scoring.http.url https://scores.acme.example: scores.acme.example resolves to 127.0.0.1, a loopback address (127.0.0.0/8): refused, requests go only to public addresses',
    ],
    [
      ['93.184.215.14', '169.254.169.254'],
      'scoring.http.url https://scores.acme.example: scores.acme.example resolves to 169.254.169.254 (of 93.184.215.14, 169.254.169.254), the cloud metadata address (169.254.169.254): refused, requests go only to public addresses',
    ],
    [
      ['2606:4700::1', 'fd00::1'],
      'scoring.http.url https://scores.acme.example: scores.acme.example resolves to fd00::1 (of 2606:4700::1, fd00::1), a unique-local address (fc00::/7): refused, requests go only to public addresses',
    ],
  ])('refuses a name that resolves to %j, naming the field, the host, the address and why', async (addresses, message) => {
    const resolve = resolverOf({ 'scores.acme.example': addresses });

    const sent = checkedRequest(
      { url: new URL('https://scores.acme.example/v1'), method: 'POST', timeoutMs: 5000, maxResponseBytes: 1024 },
      { field: FIELD, policy: { ...PUBLIC_ADDRESSES_ONLY, resolve } },
    );

    await expect(sent).rejects.toThrow(new RefusedAddressError(message));
  });

  it('refuses a literal address without looking anything up, and anything but https', async () => {
    const resolve = resolverOf({});
    const policy = { ...PUBLIC_ADDRESSES_ONLY, resolve };
    const send = (url: string) =>
      checkedRequest(
        { url: new URL(url), method: 'GET', timeoutMs: 5000, maxResponseBytes: 1024 },
        { field: 'helpdesk.decisionsUrl', policy },
      );

    await expect(send(`https://127.0.0.1:${port}/`)).rejects.toThrow(
      `helpdesk.decisionsUrl https://127.0.0.1:${port} is 127.0.0.1, a loopback address (127.0.0.0/8): refused`,
    );
    await expect(send('https://[::ffff:a9fe:a9fe]/')).rejects.toThrow('the cloud metadata address (169.254.169.254)');
    await expect(send('http://hooks.acme.example/')).rejects.toThrow(
      'helpdesk.decisionsUrl http://hooks.acme.example: only https is sent to a checked address',
    );
    expect(resolve.calls).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('says when a name does not resolve', async () => {
    const sent = checkedRequest(
      { url: new URL('https://nowhere.example.test/'), method: 'GET', timeoutMs: 5000, maxResponseBytes: 1024 },
      { field: FIELD, policy: loopbackAllowed(resolverOf({})) },
    );

    await expect(sent).rejects.toThrow(
      new TransientError(
        `${FIELD} https://nowhere.example.test: nowhere.example.test could not be resolved (getaddrinfo ENOTFOUND nowhere.example.test)`,
      ),
    );
  });

  it('checks the certificate against the name asked for, not the address', async () => {
    const resolve = resolverOf({ 'impostor.example.test': ['127.0.0.1'] });

    const sent = checkedRequest(
      { url: new URL(`https://impostor.example.test:${port}/`), method: 'GET', timeoutMs: 5000, maxResponseBytes: 1024 },
      { field: FIELD, policy: loopbackAllowed(resolve) },
    );

    await expect(sent).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('trusts only the certificate authorities it is given', async () => {
    const policy = { ...loopbackAllowed(resolverOf({ 'scores.example.test': ['127.0.0.1'] })) };
    delete policy.ca;

    const sent = checkedRequest(
      { url: new URL(`https://scores.example.test:${port}/`), method: 'GET', timeoutMs: 5000, maxResponseBytes: 1024 },
      { field: FIELD, policy },
    );

    await expect(sent).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it('hands a redirect back as an answer and does not follow it', async () => {
    replies = [{ status: 302, headers: { location: 'https://169.254.169.254/latest/meta-data/' } }];

    const answer = await checkedRequest(
      { url: new URL(`https://scores.example.test:${port}/`), method: 'GET', timeoutMs: 5000, maxResponseBytes: 1024 },
      { field: FIELD, policy: loopbackAllowed(resolverOf({ 'scores.example.test': ['127.0.0.1'] })) },
    );

    expect(answer.status).toBe(302);
    expect(answer.headers).toContainEqual(['location', 'https://169.254.169.254/latest/meta-data/']);
    expect(seen).toHaveLength(1);
  });

  it('refuses an answer above its size cap, declared or streamed', async () => {
    const policy = loopbackAllowed(resolverOf({ 'scores.example.test': ['127.0.0.1'] }));
    const send = () =>
      checkedRequest(
        { url: new URL(`https://scores.example.test:${port}/`), method: 'GET', timeoutMs: 5000, maxResponseBytes: 1024 },
        { field: FIELD, policy },
      );
    replies = [
      { status: 200, headers: { 'content-length': '5000' }, body: 'x'.repeat(5000) },
      { status: 200, headers: { 'transfer-encoding': 'chunked' }, body: 'x'.repeat(5000) },
    ];

    await expect(send()).rejects.toThrow(
      new TransientError(`${FIELD} https://scores.example.test:${port} answered a body of 5000 bytes, above the 1024 byte limit`),
    );
    await expect(send()).rejects.toThrow(
      new TransientError(`${FIELD} https://scores.example.test:${port} answered more than the 1024 byte limit`),
    );
  });

  it('gives up when the whole exchange takes longer than its time cap', async () => {
    replies = ['hold'];

    const sent = checkedRequest(
      { url: new URL(`https://scores.example.test:${port}/`), method: 'GET', timeoutMs: 200, maxResponseBytes: 1024 },
      { field: FIELD, policy: loopbackAllowed(resolverOf({ 'scores.example.test': ['127.0.0.1'] })) },
    );

    await expect(sent).rejects.toMatchObject({
      name: 'TimeoutError',
      message: `${FIELD} https://scores.example.test:${port} gave no whole answer within 200 ms`,
    });
  });
});

describe('checkedFetch under jsonRequest', () => {
  it('carries a JSON exchange, the caller’s headers and body included', async () => {
    const policy = loopbackAllowed(resolverOf({ 'scores.example.test': ['127.0.0.1'] }));
    replies = [{ status: 201, headers: { 'content-type': 'application/json', 'x-request-id': 'r-1' }, body: '{"score":72}' }];

    const response = await jsonRequest({
      method: 'POST',
      url: new URL(`https://scores.example.test:${port}/v1/score`),
      headers: { authorization: 'Bearer k' },
      body: { tenant: 'acme' },
      timeoutMs: 5000,
      fetch: checkedFetch({ field: FIELD, policy }),
    });

    expect(response.status).toBe(201);
    expect(response.json).toEqual({ score: 72 });
    expect(response.headers.get('x-request-id')).toBe('r-1');
    expect(seen[0]?.body).toBe('{"tenant":"acme"}');
  });

  it('fails the exchange with the refusal as its cause', async () => {
    const policy = { ...PUBLIC_ADDRESSES_ONLY, resolve: resolverOf({ 'hooks.acme.example': ['10.0.0.5'] }) };

    const sent = jsonRequest({
      method: 'POST',
      url: new URL('https://hooks.acme.example/decisions'),
      body: {},
      timeoutMs: 5000,
      fetch: checkedFetch({ field: 'helpdesk.decisionsUrl', policy }),
    });

    await expect(sent).rejects.toBeInstanceOf(TransientError);
    await expect(sent).rejects.toMatchObject({
      message: expect.stringContaining(
        'helpdesk.decisionsUrl https://hooks.acme.example: hooks.acme.example resolves to 10.0.0.5, a private address (10.0.0.0/8)',
      ),
      cause: expect.any(RefusedAddressError),
    });
  });

  it('ends at the caller’s own time-out, which jsonRequest reports as one', async () => {
    replies = ['hold'];
    const policy = loopbackAllowed(resolverOf({ 'scores.example.test': ['127.0.0.1'] }));

    const sent = jsonRequest({
      method: 'GET',
      url: new URL(`https://scores.example.test:${port}/`),
      timeoutMs: 200,
      fetch: checkedFetch({ field: FIELD, policy }),
    });

    await expect(sent).rejects.toThrow(new TransientError(`GET https://scores.example.test:${port}/ timed out after 200 ms`));
  });
});
