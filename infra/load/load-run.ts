/**
 * The load run on the sandbox helpdesk the list names (LOAD_TARGET): its tenants, requesters and
 * faults, the senders, the drain, the ledger and the replay. `npm run load` (infra/load/load.ts)
 * is its command.
 */
import type { TenantInput } from '../../shared/adapters/config/tenants.js';
import { describeError } from '../commands/cli.js';
import { checkLedger, type LedgerResult, type SentTicket } from './ledger.js';
import type { LocalQueueMode } from '../local/local-queue.js';
import { startLocalStack } from '../local/stack.js';
import type { SandboxChaos } from '../sandbox/http.js';
import { LOAD_TARGET } from '../sandbox/index.js';
import type { RequesterMetrics, LoadTicket } from '../sandbox/load-target.js';
import type { SignedDelivery } from '../sandbox/sandbox-demo.js';
import { seeded } from './seeded-random.js';
import { summarise } from '../commands/stats.js';

/** The options of a load run. */
export interface LoadOptions {
  events: number;
  tenants: number;
  concurrency: number;
  faultRate: number;
  seed: number;
  /** The queue: the in-process one (default), or SQS through the functions' adapters against the fauxqs emulator. */
  queue?: LocalQueueMode;
}

/** What a load run measured. */
export interface LoadResult {
  options: LoadOptions;
  sent: number;
  duplicatesSent: number;
  accepted: number;
  refused: Record<string, number>;
  ingestMs: { p50: number; p99: number; max: number };
  /** From the first send until the queue was empty. */
  seconds: number;
  eventsPerSecond: number;
  helpdesk: { requests: number; faulted: number; byStatus: Record<string, number> };
  peakRssMiB: number;
  ledger: LedgerResult;
  afterReplay: LedgerResult & { replayed: number };
}

const HELPDESK_TIMEOUT_MS = 1000;
/** The in-process queue's delays run at a tenth of real time; the SQS emulator keeps real time. */
const TIME_SCALE = 0.1;
const DUPLICATE_SHARE = 0.05;
/** The sandbox account's limit in a load run: far above what one process can send. */
const LOAD_RATE_PER_MINUTE = 100_000;

/** Every kind of helpdesk failure the run injects, evenly. */
const FAULTS: SandboxChaos['faults'] = [
  { status: 429, headers: { 'retry-after': '2' } },
  { status: 500 },
  { status: 503 },
  { status: 504, delayMs: HELPDESK_TIMEOUT_MS + 500 },
  { status: 504, delayMs: HELPDESK_TIMEOUT_MS + 500, applyFirst: true },
  { status: 502, reset: true },
  { status: 502, reset: true, applyFirst: true },
];

const loadTenant = (i: number) => ({ tenant: `load-${i + 1}`, secret: `load-${i + 1}-signing-secret` });

function loadTenants(count: number) {
  return (sandboxUrl: string): TenantInput[] =>
    Array.from({ length: count }, (_, i) =>
      // The run measures the router, not a plan: the sandbox account's limit is set far above its pace.
      LOAD_TARGET.tenant({
        id: loadTenant(i).tenant,
        sandboxUrl,
        secret: loadTenant(i).secret,
        requestsPerMinute: LOAD_RATE_PER_MINUTE,
        apiShare: 1,
      }),
    );
}

/**
 * Runs one load: its own stack, the senders, the faults, the drain, the ledger, the replay.
 *
 * @example const result = await runLoad({ events: 5000, tenants: 10, concurrency: 16, faultRate: 0.15, seed: 1 }, (line) => console.error(line))
 */
export async function runLoad(options: LoadOptions, progress: (line: string) => void): Promise<LoadResult> {
  const random = seeded(options.seed);
  const mode = options.queue ?? 'in-process';
  progress(
    `starting the local stack (DynamoDB Local, sandbox helpdesk, ${mode === 'sqs' ? 'the SQS emulator' : 'the in-process queue'})...`,
  );
  const stack = await startLocalStack({
    seedDemo: true,
    extraTenants: loadTenants(options.tenants),
    queueMode: mode,
    queue: {
      ...(mode === 'in-process' ? { timeScale: TIME_SCALE, pollIntervalMs: 2 } : {}),
      maxReceiveCount: 8,
      visibilityTimeoutMs: 30_000,
      batchSize: 10,
    },
    retryPolicy: { baseDelaySeconds: 1, maxDelaySeconds: 8 },
    helpdeskTimeoutMs: HELPDESK_TIMEOUT_MS,
    sandboxLimits: { ratePerMinute: LOAD_RATE_PER_MINUTE },
  });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  try {
    const { sandbox } = stack;
    const helpdesk = sandbox.control(LOAD_TARGET.helpdesk);
    // Requesters scored from their fields (helpdesk-metrics): a large audience, a notable
    // one, and none, so tickets are raised, tagged only, and left at the baseline.
    const audience = (followers: number, engagement: number): RequesterMetrics => ({
      followers,
      following: 300,
      engagementPerPost: engagement,
      accountAgeDays: 2500,
      postCount: 3000,
      verification: 'none',
    });
    const requesters = [
      LOAD_TARGET.addRequester(sandbox, { name: 'Load Large', email: 'load-large@example.com' }, audience(250_000, 2000)),
      LOAD_TARGET.addRequester(sandbox, { name: 'Load Notable', email: 'load-notable@example.com' }, audience(9_000, 120)),
      LOAD_TARGET.addRequester(sandbox, { name: 'Load Quiet', email: 'load-quiet@example.com' }),
    ];
    const requestMark = helpdesk.requests().length;
    helpdesk.failRandomly({ rate: options.faultRate, faults: FAULTS, random });
    const sent: SentTicket[] = [];
    const refused: Record<string, number> = {};
    const latencies: number[] = [];
    let duplicatesSent = 0;
    let next = 0;
    const started = performance.now();
    const post = async (tenant: string, delivery: SignedDelivery) => {
      const t0 = performance.now();
      try {
        const response = await fetch(`${stack.url}/webhooks/${tenant}/${LOAD_TARGET.helpdesk}`, {
          method: 'POST',
          headers: delivery.headers,
          body: delivery.body,
        });
        await response.arrayBuffer();
        latencies.push(performance.now() - t0);
        return response.status;
      } catch (error) {
        return describeError(error);
      }
    };
    const sender = async () => {
      for (let index = next++; index < options.events; index = next++) {
        const { tenant, secret } = loadTenant(index % options.tenants);
        const requesterId = requesters[index % requesters.length] ?? '';
        const ticket: LoadTicket = LOAD_TARGET.createTicket(sandbox, {
          subject: `Load ${index}`,
          description: 'load run',
          requesterId,
          tags: ['load'],
        });
        const delivery = ticket.delivery(secret);
        const status = await post(tenant, delivery);
        if (status === 202) sent.push({ tenant, ticketId: ticket.id, decisionId: ticket.decisionId });
        else refused[String(status)] = (refused[String(status)] ?? 0) + 1;
        if (random() < DUPLICATE_SHARE) {
          duplicatesSent += 1;
          const again = await post(tenant, delivery);
          if (again !== 202) refused[`duplicate ${again}`] = (refused[`duplicate ${again}`] ?? 0) + 1;
        }
      }
    };
    const reporter = setInterval(() => {
      void stack.queue.snapshot().then(
        ({ pending, deadLetters }) =>
          progress(
            `  sent ${Math.min(next, options.events)}/${options.events}, queued ${pending.length}, dead-lettered ${deadLetters.length}`,
          ),
        () => {},
      );
    }, 2000);
    try {
      await Promise.all(Array.from({ length: options.concurrency }, sender));
      progress(`all ${options.events} sent; waiting for the queue to drain...`);
      await stack.queue.drained(30 * 60_000);
    } finally {
      clearInterval(reporter);
    }
    const seconds = (performance.now() - started) / 1000;
    helpdesk.failRandomly(undefined);

    const requests = helpdesk.requests().slice(requestMark);
    const byStatus: Record<string, number> = {};
    for (const request of requests) byStatus[String(request.status)] = (byStatus[String(request.status)] ?? 0) + 1;
    const faulted = requests.filter((request) => request.status === 0 || request.status >= 429).length;
    const sources = {
      decisions: stack.decisions,
      deadLettered: async () => (await stack.queue.snapshot()).deadLetters,
      internalNotes: (id: string | number) => LOAD_TARGET.internalNotes(sandbox, id),
    };
    progress('checking the ledger...');
    const ledger = await checkLedger(sent, sources);
    const replayed = await stack.queue.replay();
    progress(`replaying ${replayed} dead-lettered events with the faults off...`);
    await stack.queue.drained(10 * 60_000);
    const afterReplay = { ...(await checkLedger(sent, sources)), replayed };
    const latency = summarise(latencies);
    return {
      options,
      sent: options.events,
      duplicatesSent,
      accepted: sent.length,
      refused,
      ingestMs: { p50: latency.p50, p99: latency.p99, max: latency.max },
      seconds,
      eventsPerSecond: sent.length / seconds,
      helpdesk: { requests: requests.length, faulted, byStatus },
      peakRssMiB: peakRss / 1024 / 1024,
      ledger,
      afterReplay,
    };
  } finally {
    clearInterval(sampler);
    await stack.close();
  }
}

function ledgerLine(ledger: LedgerResult): string {
  const verdict = ledger.ok ? 'holds' : 'BROKEN';
  return (
    `ledger ${verdict}: ${ledger.final.applied} applied, ${ledger.final.skipped} skipped, ${ledger.final.shadow} shadow, ` +
    `${ledger.deadLettered} in the dead-letter queue with a reason; ${ledger.unaccounted.length} unaccounted, ` +
    `${ledger.withoutReason.length} dead-lettered without a reason, ${ledger.wrongNotes.length} with a wrong number of notes`
  );
}

/** The result as a person reads it. */
export function formatLoad(result: LoadResult): string[] {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const refused = Object.entries(result.refused);
  const faultShare = result.helpdesk.requests === 0 ? 0 : (result.helpdesk.faulted / result.helpdesk.requests) * 100;
  return [
    `load run: ${result.sent} tickets over ${result.options.tenants} tenants, ${result.options.concurrency} senders, seed ${result.options.seed}, ${result.options.queue === 'sqs' ? 'SQS (fauxqs emulator, real time)' : 'in-process queue'}`,
    `  accepted ${result.accepted} (202), plus ${result.duplicatesSent} duplicate deliveries; refused ${refused.length === 0 ? 'none' : refused.map(([k, v]) => `${k}: ${v}`).join(', ')}`,
    `  ingest answer p50 ${ms(result.ingestMs.p50)}, p99 ${ms(result.ingestMs.p99)}, max ${ms(result.ingestMs.max)}`,
    `  drained in ${result.seconds.toFixed(1)} s: ${result.eventsPerSecond.toFixed(0)} events/s; peak memory (this process) ${result.peakRssMiB.toFixed(0)} MiB`,
    `  helpdesk calls ${result.helpdesk.requests}, ${result.helpdesk.faulted} failed (${faultShare.toFixed(1)}%): ${Object.entries(
      result.helpdesk.byStatus,
    )
      .map(([status, count]) => `${status === '0' ? 'reset' : status} ${count}`)
      .join(', ')}`,
    `  ${ledgerLine(result.ledger)}`,
    `  after replaying ${result.afterReplay.replayed}: ${ledgerLine(result.afterReplay)}`,
  ];
}
