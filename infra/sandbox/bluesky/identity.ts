/** What the sandbox Bluesky answers for identity: plc.directory, DNS TXT over HTTPS, and a handle's own web host. */
import { fail, type PartRequest, type Reply } from '../http.js';
import type { AccountLookup } from './xrpc.js';
import { isDid, isHandle } from './xrpc.js';

/**
 * `GET /plc/<did>` as plc.directory answers it: the DID document (`application/did+ld+json`), or
 * 404 `DID not registered` / `DID not available` (tombstoned).
 */
export function routePlc(accounts: AccountLookup, request: PartRequest, did: string): Reply {
  if (request.method !== 'GET') throw fail(405, { message: 'Method Not Allowed' });
  if (!did.startsWith('did:plc:') || !isDid(did)) throw fail(400, { message: `Invalid DID: ${did}` });
  const account = accounts.find(did);
  if (!account) throw fail(404, { message: `DID not registered: ${did}` });
  if (account.tombstoned) throw fail(404, { message: `DID not available: ${did}` });
  return {
    status: 200,
    headers: { 'content-type': 'application/did+ld+json; charset=utf-8' },
    body: {
      '@context': [
        'https://www.w3.org/ns/did/v1',
        'https://w3id.org/security/multikey/v1',
        'https://w3id.org/security/suites/secp256k1-2019/v1',
      ],
      id: account.did,
      alsoKnownAs: [...(account.alsoKnownAs ?? [`at://${account.handle}`])],
      verificationMethod: [
        {
          id: `${account.did}#atproto`,
          type: 'Multikey',
          controller: account.did,
          publicKeyMultibase: 'zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF',
        },
      ],
      service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: 'https://pds.sandbox.invalid' }],
    },
  };
}

/** The TXT records of one DNS name, as the sandbox's zone holds them. */
export type TxtZone = (name: string) => readonly string[];

/**
 * `GET /dns-query?name=&type=TXT`: DNS over HTTPS in its JSON form (as dns.google/resolve and
 * Cloudflare's `application/dns-json` answer), for TXT records only: Status 0 with the records
 * (each quoted), or Status 3 (NXDOMAIN) with none.
 */
export function routeDoh(zone: TxtZone, request: PartRequest): Reply {
  if (request.method !== 'GET') throw fail(405, { error: 'GET only' });
  const name = request.query.get('name');
  const type = (request.query.get('type') ?? 'A').toUpperCase();
  if (name === null || name === '') throw fail(400, { error: 'Required parameter "name" is missing' });
  if (type !== 'TXT' && type !== '16') throw fail(400, { error: `This sandbox resolver answers TXT records only, not ${type}` });
  const fqdn = name.toLowerCase().replace(/\.$/, '');
  const records = zone(fqdn);
  const question = [{ name: `${fqdn}.`, type: 16 }];
  const flags = { TC: false, RD: true, RA: true, AD: false, CD: false };
  if (records.length === 0)
    return { status: 200, headers: { 'content-type': 'application/dns-json' }, body: { Status: 3, ...flags, Question: question } };
  return {
    status: 200,
    headers: { 'content-type': 'application/dns-json' },
    body: {
      Status: 0,
      ...flags,
      Question: question,
      Answer: records.map((data) => ({ name: `${fqdn}.`, type: 16, TTL: 300, data: `"${data}"` })),
    },
  };
}

/**
 * A handle's own web host: `GET /.well-known/atproto-did` answers the DID as plain text, or 404
 * when the handle publishes none there; every other path is that host's 404.
 */
export function routeHandleHost(accounts: AccountLookup, request: PartRequest, host: string): Reply {
  const notFound: Reply = { status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain; charset=utf-8' } };
  if (request.pathname !== '/.well-known/atproto-did' || request.method !== 'GET' || !isHandle(host)) return notFound;
  const did = accounts.find(host)?.wellKnownDid;
  if (did === undefined) return notFound;
  return { status: 200, body: `${did}\n`, headers: { 'content-type': 'text/plain; charset=utf-8' } };
}
