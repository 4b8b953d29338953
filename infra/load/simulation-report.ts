/** What a simulation runs and measures, its defaults, and the result as a person reads it. */

/** What a simulation runs. */
export interface SimulationOptions {
  /** Ordinary tenants, two of which turn faulty in the second phase (at least 3). */
  tenants: number;
  /** Each ordinary tenant's tickets a minute. */
  perTenantPerMinute: number;
  /** The big tenant's tickets a minute, and its helpdesk's requests a minute. */
  bigPerMinute: number;
  bigLimitPerMinute: number;
  /** How long each fairness phase sends, in seconds. */
  seconds: number;
  /** The consumer counts the throughput steps run with, and the tickets each drains. */
  consumerSteps: number[];
  backlog: number;
  /** The consumers the fairness phases run with. */
  consumers: number;
  /** Tickets the big tenant sends at once at the end, more than its share of one minute. */
  burst: number;
  /** Each helpdesk answer's time, in ms. */
  latencyMs: number;
  seed: number;
}

/** Latency percentiles of webhook-to-write-back, in ms. */
export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
}

/** One fairness phase's figures. */
export interface PhaseResult {
  name: string;
  sent: number;
  /** Ordinary tenants other than the faulty two. */
  others: LatencySummary;
  big: LatencySummary & { sent: number };
  timingOut: LatencySummary & { sent: number };
  throttled: LatencySummary & { sent: number };
  /** Queue backlog each second while sending and draining: all tenants, and the big tenant's. */
  backlog: { second: number; all: number; big: number }[];
  /** Whether the big tenant's backlog stayed flat while it sent, and how long it took to empty after. */
  bigBacklog: { firstQuarter: number; lastQuarter: number; steady: boolean; drainedInSeconds: number | undefined };
  /** 429s each tenant's helpdesk answered (only tenants that got any), and those its own limit sent. */
  received429: Record<string, number>;
  /** 429s the helpdesks' own rate limits sent: caused by the router's pace, should be none. */
  limit429: number;
}

/** Throughput with a given number of consumers. */
export interface ThroughputStep {
  consumers: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
}

/** The big tenant's burst: how long it took, and what its helpdesk saw. */
export interface BurstResult {
  sent: number;
  written: number;
  /** From the first send until the last write reached the helpdesk. */
  seconds: number;
  /** The most requests its helpdesk answered in one clock minute, and its limit. */
  peakPerMinute: number;
  limitPerMinute: number;
  /** 429s from the helpdesk's own limit: none when the pace holds. */
  limit429: number;
}

/** What a simulation measured. */
export interface SimulationResult {
  options: SimulationOptions;
  throughput: ThroughputStep[];
  clean: PhaseResult;
  faulty: PhaseResult;
  burst: BurstResult;
  /** The others' p99 with the faulty tenants, over their p99 without. */
  othersP99Ratio: number;
  ok: boolean;
}

/** The defaults `npm run simulate` runs: the figures the README reports. */
export const DEFAULT_SIMULATION: SimulationOptions = {
  tenants: 100,
  perTenantPerMinute: 10,
  bigPerMinute: 600,
  bigLimitPerMinute: 700,
  seconds: 60,
  consumerSteps: [1, 2, 4, 8],
  backlog: 1000,
  consumers: 8,
  burst: 900,
  latencyMs: 150,
  seed: 1,
};

function latencyLine(label: string, summary: LatencySummary, extra = ''): string {
  const figures =
    summary.count === 0
      ? 'none written'
      : `${summary.count} written, p50 ${(summary.p50 / 1000).toFixed(2)} s, p99 ${(summary.p99 / 1000).toFixed(2)} s`;
  return `    ${label}: ${figures}${extra}`;
}

/** The result as a person reads it. */
export function formatSimulation(result: SimulationResult): string[] {
  const { options } = result;
  const lines = [
    `simulation: ${options.tenants} tenants at ${options.perTenantPerMinute} tickets/min, one at ${options.bigPerMinute}/min against a ${options.bigLimitPerMinute}/min helpdesk, ${options.latencyMs} ms helpdesk answers, seed ${options.seed}`,
    '  throughput (a queued backlog drained):',
    ...result.throughput.map(
      (step) =>
        `    ${String(step.consumers).padStart(2)} consumer(s): ${step.eventsPerSecond.toFixed(1)} events/s (${step.events} in ${step.seconds.toFixed(1)} s)`,
    ),
  ];
  for (const phase of [result.clean, result.faulty]) {
    const sampled = phase.backlog.filter((_, i) => i % 10 === 0).map((b) => `${b.second}s ${b.all}/${b.big}`);
    lines.push(
      `  ${phase.name} (${phase.sent} tickets over ${options.seconds} s, ${options.consumers} consumers):`,
      latencyLine('other tenants', phase.others),
      latencyLine(
        'big tenant',
        phase.big,
        `; backlog ${phase.bigBacklog.firstQuarter.toFixed(1)} → ${phase.bigBacklog.lastQuarter.toFixed(1)} (${phase.bigBacklog.steady ? 'steady' : 'GROWING'}), empty ${phase.bigBacklog.drainedInSeconds === undefined ? 'never' : `${phase.bigBacklog.drainedInSeconds.toFixed(1)} s`} after sending stopped`,
      ),
      latencyLine('timing-out tenant', phase.timingOut, ` of ${phase.timingOut.sent}`),
      latencyLine('throttled tenant', phase.throttled, ` of ${phase.throttled.sent}`),
      `    429s received: ${
        Object.keys(phase.received429).length === 0
          ? 'none'
          : Object.entries(phase.received429)
              .map(([t, n]) => `${t} ${n}`)
              .join(', ')
      }; from a helpdesk's own limit (the router's pace): ${phase.limit429}`,
      `    backlog every 10 s (all/big): ${sampled.join(', ')}`,
    );
  }
  const { burst } = result;
  lines.push(
    `  burst: ${burst.sent} tickets at once for the big tenant, all written in ${burst.seconds.toFixed(1)} s (${burst.written}/${burst.sent}); its helpdesk answered at most ${burst.peakPerMinute} requests in a minute of its ${burst.limitPerMinute}; 429s from its limit: ${burst.limit429}`,
    `  other tenants' p99 with the faulty tenants: ${result.othersP99Ratio.toFixed(2)}× without (${result.othersP99Ratio <= 3 ? 'within' : 'NOT within'} 3×)`,
    `  verdict: ${result.ok ? 'fair, and within every helpdesk limit' : 'NOT MET'}`,
  );
  return lines;
}
