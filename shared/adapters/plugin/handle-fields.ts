import * as z from 'zod';
import type { SocialHandle } from '../../domain/events.js';

/**
 * The requester fields (Zendesk user fields, Freshdesk contact fields) where a helpdesk keeps the
 * customer's handle on each open network the `networks` provider scores, each value the field's
 * key. Named by the tenant rather than fixed, since each account's admin chose its field keys.
 */
export const HandleFieldsSchema = z
  .object({
    bluesky: z.string().min(1).optional(),
    mastodon: z.string().min(1).optional(),
    github: z.string().min(1).optional(),
    youtube: z.string().min(1).optional(),
  })
  .strict();
export type HandleFields = z.infer<typeof HandleFieldsSchema>;

/**
 * The handles typed into the named fields, as `declared` (anyone can type anything there), after
 * the handles the helpdesk already gave: a handle it gave (perhaps verified) is kept once, as given.
 *
 * @example handlesFromFields({ bluesky: 'bluesky_handle' }, { bluesky_handle: 'ada.bsky.social' }, []) // [{ network: 'bluesky', handle: 'ada.bsky.social', trust: 'declared' }]
 */
export function handlesFromFields(
  handleFields: HandleFields,
  fields: Record<string, unknown>,
  given: readonly SocialHandle[],
): SocialHandle[] {
  const handles = [...given];
  const known = new Set(given.map((handle) => `${handle.network}\n${handle.handle.trim().toLowerCase()}`));
  for (const [network, key] of Object.entries(handleFields)) {
    if (key === undefined) continue;
    const value = fields[key];
    if (typeof value !== 'string' || value.trim() === '') continue;
    const handle = value.trim();
    const id = `${network}\n${handle.toLowerCase()}`;
    if (known.has(id)) continue;
    known.add(id);
    handles.push({ network, handle, trust: 'declared' });
  }
  return handles;
}
