import * as z from 'zod';
import { jsonRequest } from '../../http/json-request.js';
import { type NetworkCallContext, type NetworkClientDeps, outsideUrl } from '../network-client.js';

const PLC = 'https://plc.directory';
const DID = /^did:plc:[a-z2-7]{24}$/;

const DidDocumentSchema = z.object({ id: z.string(), alsoKnownAs: z.array(z.string()).default([]) });
const DohAnswerSchema = z.object({ Status: z.number(), Answer: z.array(z.object({ data: z.string() })).optional() });

/** The one `did=` value among TXT strings, or undefined when there is none or more than one (the spec's rule). */
function didFromTxt(records: readonly string[]): string | undefined {
  const dids = records.map((text) => text.replace(/^"|"$/g, '').trim()).filter((text) => text.startsWith('did='));
  return dids.length === 1 ? dids[0]?.slice('did='.length) : undefined;
}

/** `_atproto.<handle>` TXT: the system's resolver when deployed, the sandbox's DNS-over-HTTPS in local mode. */
async function didFromDns(handle: string, context: NetworkCallContext, deps: NetworkClientDeps): Promise<string | undefined> {
  const name = `_atproto.${handle}`;
  const doh = deps.settings.bluesky?.dohUrl;
  try {
    if (doh === undefined) {
      const { resolveTxt } = await import('node:dns/promises');
      return didFromTxt((await resolveTxt(name)).map((parts) => parts.join('')));
    }
    const url = new URL(doh);
    url.searchParams.set('name', name);
    url.searchParams.set('type', 'TXT');
    const answer = await jsonRequest({
      method: 'GET',
      url,
      timeoutMs: remaining(context, deps),
      fetch: deps.fetch,
      maxResponseBytes: 16_384,
    });
    const parsed = DohAnswerSchema.safeParse(answer.json);
    if (answer.status !== 200 || !parsed.success || parsed.data.Status !== 0) return undefined;
    return didFromTxt((parsed.data.Answer ?? []).map((record) => record.data));
  } catch {
    return undefined;
  }
}

/** `https://<handle>/.well-known/atproto-did`, through the checked transport: the host is the customer's. */
async function didFromWellKnown(handle: string, context: NetworkCallContext, deps: NetworkClientDeps): Promise<string | undefined> {
  try {
    const response = await deps.outsideFetch(outsideUrl(handle, '/.well-known/atproto-did', deps.outsideHosts), {
      redirect: 'manual',
      signal: AbortSignal.timeout(remaining(context, deps)),
    });
    if (response.status < 200 || response.status > 299) return undefined;
    const text = (await response.text()).trim();
    return text.length <= 100 ? text : undefined;
  } catch {
    return undefined;
  }
}

function remaining(context: NetworkCallContext, deps: NetworkClientDeps): number {
  return Math.max(1, context.deadlineMs - deps.clock.now().getTime());
}

/**
 * Proves a Bluesky handle belongs to its domain both ways, as the atproto handle spec asks: the
 * domain names the account's DID (its `_atproto` TXT record, else its
 * `/.well-known/atproto-did`), and the DID's document in the PLC directory claims the handle (its
 * first `at://` alias). True only when both agree with the profile's DID. A `did:web` account is
 * not proven: its document would come from a host the customer chose.
 *
 * @example await proveHandleOnDomain('ada.example.com', 'did:plc:...', context, deps) // true
 */
export async function proveHandleOnDomain(
  handle: string,
  did: string,
  context: NetworkCallContext,
  deps: NetworkClientDeps,
): Promise<boolean> {
  if (!DID.test(did)) return false;
  const named = (await didFromDns(handle, context, deps)) ?? (await didFromWellKnown(handle, context, deps));
  if (named !== did) return false;
  try {
    const base = (deps.settings.bluesky?.plcUrl ?? PLC).replace(/\/$/, '');
    const answer = await jsonRequest({
      method: 'GET',
      url: new URL(`${base}/${did}`),
      timeoutMs: remaining(context, deps),
      fetch: deps.fetch,
      maxResponseBytes: 65_536,
    });
    const document = DidDocumentSchema.safeParse(answer.json);
    if (answer.status !== 200 || !document.success || document.data.id !== did) return false;
    const claimed = document.data.alsoKnownAs.find((alias) => alias.startsWith('at://'));
    return claimed?.toLowerCase() === `at://${handle}`;
  } catch {
    return false;
  }
}
