import type { DecisionHistory } from '../../domain/ports.js';
import type { DecisionListing } from '../../domain/decision-listing.js';
import type { DecisionRecord } from '../../domain/decision-record.js';
import type { Tier } from '../../domain/tiers.js';

/** Which decisions to list: a tenant's, over UTC days `from` to `to` (both included), optionally narrowed. */
export interface ListDecisionsInput {
  tenant: string;
  /** First day, YYYY-MM-DD. */
  from: string;
  /** Last day, YYYY-MM-DD; the list starts with its newest decision. */
  to: string;
  status?: DecisionRecord['status'];
  tier?: Tier;
  /** A rule id that matched. */
  rule?: string;
  /** Decisions a page (1 to 200). */
  limit: number;
  /** Where the previous page ended, as it said. */
  cursor?: string;
}

/** One page of decisions, newest first. */
export interface DecisionsPage {
  decisions: DecisionListing[];
  /** Opaque: give it back for the next page; absent on the last. */
  cursor?: string;
  /** Index queries this page took: every one reads one day's partition, none scans. */
  requests: number;
}

const DAY_MS = 86_400_000;
/** Index entries read per query while filtering: a page of matches seldom needs a second read. */
const READ_AHEAD = 100;
/** Queries a page may take before it returns what it has, so a rare filter over a long period stays bounded. */
const MAX_REQUESTS_PER_PAGE = 60;

/** A paging cursor that the list did not give out: the client's mistake. */
export class DecisionCursorError extends Error {
  constructor() {
    super('the cursor is not one this list gave out: start again from the first page');
    this.name = 'DecisionCursorError';
  }
}

interface Position {
  /** The day being read. */
  day: string;
  /** Where that day's index reading stands, if it started. */
  index?: string;
}

function encode(position: Position): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decode(cursor: string, from: string, to: string): Position {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new DecisionCursorError();
  }
  const position = value as Partial<Position>;
  const fine =
    typeof position.day === 'string' &&
    position.day >= from &&
    position.day <= to &&
    (position.index === undefined || typeof position.index === 'string');
  if (!fine) throw new DecisionCursorError();
  return position as Position;
}

const previousDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);

function matches(listing: DecisionListing, input: ListDecisionsInput): boolean {
  return (
    (input.status === undefined || listing.status === input.status) &&
    (input.tier === undefined || listing.summary.tier === input.tier) &&
    (input.rule === undefined || listing.summary.rules.includes(input.rule))
  );
}

/**
 * A page of a tenant's decisions, newest first, filtered by status, tier and rule, from the
 * decisions-by-day index: it walks back one day's partition at a time from `to` to `from`, and
 * stops as soon as the page is full (or after a bounded number of queries, with a cursor to go on).
 *
 * @example const page = await listDecisions({ tenant: 'demo', from: '2026-11-01', to: '2026-11-30', tier: 'high', limit: 50 }, { history });
 */
export async function listDecisions(input: ListDecisionsInput, deps: { history: DecisionHistory }): Promise<DecisionsPage> {
  let position: Position | undefined = input.cursor ? decode(input.cursor, input.from, input.to) : { day: input.to };
  const decisions: DecisionListing[] = [];
  let requests = 0;
  while (position && decisions.length < input.limit && requests < MAX_REQUESTS_PER_PAGE) {
    const day: string = position.day;
    const page = await deps.history.listDay(input.tenant, day, {
      limit: READ_AHEAD,
      ...(position.index ? { cursor: position.index } : {}),
    });
    requests += 1;
    let taken = -1;
    for (const [index, listing] of page.listings.entries()) {
      if (decisions.length === input.limit) break;
      if (!matches(listing, input)) continue;
      decisions.push(listing);
      taken = index;
    }
    if (decisions.length === input.limit && taken < page.listings.length - 1) {
      // Full before this index page's end: the next page reads on from just after its last decision.
      position = { day, index: page.after[taken] ?? '' };
      break;
    }
    if (page.cursor) position = { day, index: page.cursor };
    else position = day > input.from ? { day: previousDay(day) } : undefined;
  }
  return { decisions, ...(position ? { cursor: encode(position) } : {}), requests };
}
