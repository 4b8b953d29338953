import * as z from 'zod';
import { serverNameProblem } from './server-name.js';

/** A WebFinger answer (JRD, RFC 7033) as Mastodon serves it: only the parts read here. */
const JrdSchema = z.object({
  subject: z.string(),
  aliases: z.array(z.string()).optional(),
  links: z.array(z.object({ rel: z.string(), type: z.string().optional(), href: z.string().optional() })).default([]),
});

// The two types Mastodon accepts for an ActivityPub actor, compared without spaces or case.
const ACTOR_TYPES = new Set(['application/activity+json', 'application/ld+json;profile="https://www.w3.org/ns/activitystreams"']);

/** The server a handle's domain names through WebFinger, or why its answer is not used. */
export type WebfingerServer = { ok: true; server: string } | { ok: false; reason: string };

/** The query path of a WebFinger request for `acct:user@domain`. */
export function webfingerPath(username: string, domain: string): string {
  return `/.well-known/webfinger?resource=${encodeURIComponent(`acct:${username}@${domain}`)}`;
}

/**
 * Reads the server that hosts `user@domain` from the domain's WebFinger answer: the host of the
 * `self` link to the ActivityPub actor. An answer whose `subject` is not `acct:user@domain` is
 * about someone else and ignored; a host that is an address, carries a port or never reaches a
 * public server is refused here, before any request goes to it.
 *
 * @example serverFromWebfinger(jrd, 'ada', 'lovelace.example') // { ok: true, server: 'social.example' }
 */
export function serverFromWebfinger(json: unknown, username: string, domain: string): WebfingerServer {
  const jrd = JrdSchema.safeParse(json);
  if (!jrd.success) return { ok: false, reason: `no such account on ${domain} (its WebFinger answer is not a JRD)` };
  const expected = `acct:${username}@${domain}`;
  if (jrd.data.subject.toLowerCase() !== expected) {
    // Its subject is outside text: not repeated into a note an agent reads.
    return { ok: false, reason: `no such account on ${domain} (its WebFinger answer is about another account, not ${expected})` };
  }
  const self = jrd.data.links.find(
    (link) => link.rel === 'self' && ACTOR_TYPES.has((link.type ?? '').replace(/\s+/g, '').toLowerCase()) && link.href !== undefined,
  );
  if (self?.href === undefined || !URL.canParse(self.href)) {
    return { ok: false, reason: `no such account on ${domain} (its WebFinger answer names no ActivityPub actor)` };
  }
  const actor = new URL(self.href);
  const refused = `${domain}'s WebFinger answer names the server "${actor.host}", which is refused`;
  if (actor.protocol !== 'https:') return { ok: false, reason: `${refused}: only https is asked` };
  if (actor.username !== '' || actor.password !== '') return { ok: false, reason: `${refused}: it carries credentials` };
  // A port or an address shows in `host`; `hostname` alone would hide the port.
  const problem = serverNameProblem(actor.host.toLowerCase());
  if (problem) return { ok: false, reason: `${refused}: ${problem}` };
  return { ok: true, server: actor.host.toLowerCase() };
}
