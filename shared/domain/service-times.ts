import { canConclude } from './conclusive.js';

/*
 * Service times of two groups of tickets (raised and held out; after and before) compared the way
 * the outcomes reference (§3.2, §3.7) recommends when tickets are still open: each group's median
 * and 90th percentile by Kaplan–Meier, so a ticket not replied to or not solved yet is counted as
 * right-censored at its age, never dropped; the difference of the medians (first − second) and
 * their ratio, each with a seeded percentile bootstrap interval that resamples customers within
 * each group (tickets of one customer are not independent). With nothing censored the
 * Kaplan–Meier median is the ordinary median (the mean of the two middle values of an even
 * count), as R's quantile.survfit gives it.
 */

/** One ticket's time to an event: `observed` false when the event has not happened yet (censored at `minutes`). */
export interface TimedTicket {
  minutes: number;
  observed: boolean;
  /** Who the ticket belongs to (a customer key, or the ticket's own id): the bootstrap resamples these. */
  cluster: string;
}

/** One group's times: how many, how many still waiting, and its median and 90th percentile. */
export interface TimeSummary {
  tickets: number;
  /** Tickets whose event happened. */
  observed: number;
  /** Tickets still waiting at the cut-off, counted as censored. */
  censored: number;
  /** Kaplan–Meier median in minutes; null when fewer than half have had the event (not reached). */
  median: number | null;
  /** Kaplan–Meier 90th percentile in minutes; null when not reached. */
  p90: number | null;
}

/** An estimate and its 95 % interval. */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/** Two groups' times compared: first − second, and first ÷ second, of the medians. */
export interface TimeComparison {
  first: TimeSummary;
  second: TimeSummary;
  /** Median of the first minus median of the second, in minutes; null when a median is not reached. */
  difference: Interval | null;
  /** Median of the first over median of the second (0.7: 30 % faster); null when a median is not reached or zero. */
  ratio: Interval | null;
  /** Both groups have at least the minimum of tickets (the one rule in conclusive.ts). */
  conclusive: boolean;
  /** The interval holds at 95 %: 0 outside it for the difference, 1 for the ratio. */
  clear: boolean;
  resamples: number;
  seed: number;
}

/** Bootstrap settings: the reference asks for 9,999 resamples or more, with the seed stated. */
export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
}

/** Resamples the report and the console use, as the reference recommends (SciPy's default). */
export const BOOTSTRAP_RESAMPLES = 9999;
/** The fixed seed the report and the console state, so a report can be repeated exactly. */
export const BOOTSTRAP_SEED = 20261205;

const EPSILON = 1e-12;

/**
 * mulberry32: numbers in [0, 1) from a seed, so an interval can be computed again exactly
 * (JavaScript's own Math.random cannot be seeded).
 *
 * @example seededRandom(1)() // 0.6270739405881613
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The p-quantile of sorted values, interpolated linearly (Hyndman–Fan type 7, as NumPy's and
 * SciPy's default); null for none.
 *
 * @example quantileOfSorted([1, 2, 3, 4], 0.9) // 3.7
 */
export function quantileOfSorted(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const at = (sorted.length - 1) * p;
  const below = Math.floor(at);
  const lower = sorted[below] ?? 0;
  const upper = sorted[Math.min(sorted.length - 1, below + 1)] ?? lower;
  return lower + (at - below) * (upper - lower);
}

/** Tickets by time, events before censorings at the same time (the Kaplan–Meier convention). */
function byTime(tickets: readonly TimedTicket[]): TimedTicket[] {
  return [...tickets].sort((a, b) => a.minutes - b.minutes || Number(b.observed) - Number(a.observed));
}

/** Tickets sorted by `byTime`, as typed arrays: what the Kaplan–Meier sweep reads, 9,999 times a group in a bootstrap. */
interface SortedTimes {
  minutes: Float64Array;
  observed: Uint8Array;
}

function sortedTimes(tickets: readonly TimedTicket[]): SortedTimes {
  const sorted = byTime(tickets);
  return {
    minutes: Float64Array.from(sorted, (ticket) => ticket.minutes),
    observed: Uint8Array.from(sorted, (ticket) => (ticket.observed ? 1 : 0)),
  };
}

/**
 * The q-quantile of the Kaplan–Meier estimate over sorted times, each weighted (a bootstrap's
 * counts; 1 each without): the smallest time at which the share still waiting falls to 1 − q or
 * below, or the midpoint to the next event where it lands on 1 − q exactly. Null when it never
 * falls that far (too many still waiting).
 */
function kmQuantileSorted(times: SortedTimes, q: number, weight: (index: number) => number): number | null {
  const { minutes, observed } = times;
  const n = minutes.length;
  const target = 1 - q;
  let atRisk = 0;
  for (let i = 0; i < n; i += 1) atRisk += weight(i);
  let surviving = 1;
  let i = 0;
  while (i < n) {
    const time = minutes[i] ?? 0;
    let events = 0;
    let censored = 0;
    for (; i < n && minutes[i] === time; i += 1) {
      if (observed[i] === 1) events += weight(i);
      else censored += weight(i);
    }
    if (events > 0 && atRisk > 0) surviving *= 1 - events / atRisk;
    atRisk -= events + censored;
    if (events > 0 && surviving <= target + EPSILON) {
      if (Math.abs(surviving - target) > EPSILON) return time;
      for (let j = i; j < n; j += 1) if (observed[j] === 1 && weight(j) > 0) return (time + (minutes[j] ?? time)) / 2;
      return time;
    }
  }
  return null;
}

/**
 * The q-quantile (0.5: the median) of times with some still waiting, by Kaplan–Meier.
 *
 * @example kaplanMeierQuantile([{ minutes: 5, observed: true, cluster: 'a' }, { minutes: 9, observed: false, cluster: 'b' }], 0.5) // 5
 */
export function kaplanMeierQuantile(tickets: readonly TimedTicket[], q: number): number | null {
  return kmQuantileSorted(sortedTimes(tickets), q, () => 1);
}

/**
 * One group's times: counts, and its Kaplan–Meier median and 90th percentile.
 *
 * @example summariseTimes([{ minutes: 10, observed: true, cluster: 'c1' }]).median // 10
 */
export function summariseTimes(tickets: readonly TimedTicket[]): TimeSummary {
  const sorted = sortedTimes(tickets);
  const observed = tickets.filter((ticket) => ticket.observed).length;
  return {
    tickets: tickets.length,
    observed,
    censored: tickets.length - observed,
    median: kmQuantileSorted(sorted, 0.5, () => 1),
    p90: kmQuantileSorted(sorted, 0.9, () => 1),
  };
}

/** A group ready to resample: its sorted times, and each one's customer. */
interface Resampling extends SortedTimes {
  clusterOf: Int32Array;
  clusters: number;
}

function resampling(tickets: readonly TimedTicket[]): Resampling {
  const sorted = byTime(tickets);
  const index = new Map<string, number>();
  const clusterOf = new Int32Array(sorted.length);
  sorted.forEach((ticket, i) => {
    let at = index.get(ticket.cluster);
    if (at === undefined) {
      at = index.size;
      index.set(ticket.cluster, at);
    }
    clusterOf[i] = at;
  });
  return { ...sortedTimes(sorted), clusterOf, clusters: index.size };
}

/** The median of one bootstrap resample: customers drawn with replacement, each ticket weighted by its customer's draws. */
function resampledMedian(group: Resampling, counts: Int32Array, random: () => number): number | null {
  counts.fill(0);
  for (let k = 0; k < group.clusters; k += 1) {
    const drawn = Math.floor(random() * group.clusters);
    counts[drawn] = (counts[drawn] ?? 0) + 1;
  }
  const { clusterOf } = group;
  return kmQuantileSorted(group, 0.5, (i) => counts[clusterOf[i] ?? 0] ?? 0);
}

/** The 2.5 % and 97.5 % quantiles of bootstrap estimates, with the point estimate. */
function percentileInterval(estimate: number, draws: number[]): Interval {
  draws.sort((a, b) => a - b);
  return { estimate, low: quantileOfSorted(draws, 0.025) ?? estimate, high: quantileOfSorted(draws, 0.975) ?? estimate };
}

/**
 * Compares two groups' times: each one's median and 90th percentile, the difference and the
 * ratio of the medians (first against second) with 95 % percentile bootstrap intervals
 * (customers resampled within each group, `resamples` times from `seed`). No interval when a
 * median is not reached, in the data or in any resample (it would be an interval of an unknown).
 *
 * @example compareTimes(raised, heldOut).difference // { estimate: -42, low: -61, high: -20 }
 */
export function compareTimes(
  first: readonly TimedTicket[],
  second: readonly TimedTicket[],
  options: BootstrapOptions = {},
): TimeComparison {
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const seed = options.seed ?? BOOTSTRAP_SEED;
  const a = summariseTimes(first);
  const b = summariseTimes(second);
  const base = { first: a, second: b, conclusive: canConclude(a.tickets, b.tickets), resamples, seed };
  if (a.median === null || b.median === null) return { ...base, difference: null, ratio: null, clear: false };

  const random = seededRandom(seed);
  const groupA = resampling(first);
  const groupB = resampling(second);
  const countsA = new Int32Array(groupA.clusters);
  const countsB = new Int32Array(groupB.clusters);
  const differences: number[] = [];
  const ratios: number[] = [];
  let reached = true;
  for (let b2 = 0; b2 < resamples && reached; b2 += 1) {
    const medianA = resampledMedian(groupA, countsA, random);
    const medianB = resampledMedian(groupB, countsB, random);
    if (medianA === null || medianB === null) reached = false;
    else {
      differences.push(medianA - medianB);
      if (medianB > 0) ratios.push(medianA / medianB);
    }
  }
  if (!reached) return { ...base, difference: null, ratio: null, clear: false };
  const difference = percentileInterval(a.median - b.median, differences);
  // A zero median in a resample has no ratio: the ratio's interval needs every resample.
  const ratio = b.median > 0 && ratios.length === differences.length ? percentileInterval(a.median / b.median, ratios) : null;
  return { ...base, difference, ratio, clear: difference.low > 0 || difference.high < 0 };
}
