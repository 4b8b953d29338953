/** Zendesk's two ways of paging a list: by cursor, and by offset where the endpoint allows it. */
import { fail, type Reply } from '../http.js';

/** A page size from 1 to 100, as Zendesk allows; anything else is its 400. */
function pageSize(value: string, name: string): number {
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1 || size > 100)
    throw fail(400, { error: 'InvalidPaginationParameter', description: `${name} must be from 1 to 100` });
  return size;
}

/** An opaque cursor for a record's key, as Zendesk's are opaque; one the sandbox did not make is its 400. */
function cursor(key: string): string {
  return Buffer.from(`k${key}`).toString('base64url');
}

function cursorKey(value: string): string {
  const decoded = Buffer.from(value, 'base64url').toString('utf8');
  if (!decoded.startsWith('k'))
    throw fail(400, { error: 'InvalidPaginationParameter', description: 'the page cursor is not one this API gave' });
  return decoded.slice(1);
}

/**
 * One page of a list, paged as Zendesk pages: by cursor with `page[size]` (`meta.has_more`,
 * `meta.after_cursor`, `links.next`), else, where the endpoint allows it, by offset with `page` and
 * `per_page` (`next_page`, `count`). `all` is in the order the keys sort.
 */
export function cursorPage<T>(
  all: readonly T[],
  keyOf: (item: T) => string,
  query: URLSearchParams,
  listUrl: string,
  name: string,
  toJson: (item: T) => unknown,
  options: { offset: boolean },
): Reply {
  const url = (params: Record<string, string>): string => `${listUrl}?${new URLSearchParams(params).toString()}`;
  const keys = all.map(keyOf);
  const cursorSize = query.get('page[size]');
  if (cursorSize !== null || !options.offset) {
    const size = pageSize(cursorSize ?? '100', 'page[size]');
    const after = query.get('page[after]');
    const before = query.get('page[before]');
    let start = 0;
    let end = size;
    if (after !== null) {
      const afterKey = cursorKey(after);
      start = keys.filter((key) => compareKeys(key, afterKey) <= 0).length;
      end = start + size;
    } else if (before !== null) {
      const beforeKey = cursorKey(before);
      end = keys.filter((key) => compareKeys(key, beforeKey) < 0).length;
      start = Math.max(0, end - size);
    }
    const page = all.slice(start, end);
    const last = page.at(-1);
    const first = page[0];
    const hasMore = page.length > 0 && end < all.length;
    const afterCursor = last ? cursor(keyOf(last)) : null;
    const beforeCursor = first ? cursor(keyOf(first)) : null;
    return {
      status: 200,
      body: {
        [name]: page.map(toJson),
        meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: beforeCursor },
        links: {
          next: hasMore && afterCursor ? url({ 'page[after]': afterCursor, 'page[size]': String(size) }) : null,
          prev: beforeCursor && start > 0 ? url({ 'page[before]': beforeCursor, 'page[size]': String(size) }) : null,
        },
      },
    };
  }
  const perPage = pageSize(query.get('per_page') ?? '100', 'per_page');
  const pageNumber = Number(query.get('page') ?? '1');
  if (!Number.isInteger(pageNumber) || pageNumber < 1)
    throw fail(400, { error: 'InvalidPaginationParameter', description: 'page must be a positive integer' });
  const page = all.slice((pageNumber - 1) * perPage, pageNumber * perPage);
  return {
    status: 200,
    body: {
      [name]: page.map(toJson),
      next_page: pageNumber * perPage < all.length ? url({ page: String(pageNumber + 1), per_page: String(perPage) }) : null,
      previous_page: pageNumber > 1 ? url({ page: String(pageNumber - 1), per_page: String(perPage) }) : null,
      count: all.length,
    },
  };
}

/** Numeric keys compare as numbers (ticket and trigger ids), others as text (ULIDs sort as text). */
function compareKeys(a: string, b: string): number {
  return /^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b) : a.localeCompare(b);
}
