/**
 * The many-tenant simulation on loopback: each tenant with its own sandbox helpdesk (the one the
 * sandbox list names, LOAD_TARGET, with its own account limit and answer time), arrivals at each
 * tenant's rate, one helpdesk timing out every call and one answering 429 to half its calls, one
 * big tenant near its plan's limit, and the throughput as consumers are added. `npm run simulate`
 * (infra/load/simulate.ts) is its command.
 */
import type { TenantInput } from '../../shared/adapters/config/tenants.js';
import { seeded } from './seeded-random.js';
import { type LocalStack, startLocalStack } from '../local/stack.js';
import { summarise } from '../commands/stats.js';
import type { BurstResult, LatencySummary, PhaseResult, SimulationOptions, SimulationResult, ThroughputStep } from './simulation-report.js';
import { LOAD_TARGET } from '../sandbox/index.js';
import { type Sandbox, startSandbox } from '../sandbox/sandbox.js';

export { DEFAULT_SIMULATION, formatSimulation } from './simulation-report.js';
export type { SimulationOptions, SimulationResult } from './simulation-report.js';

const HELPDESK_TIMEOUT_MS = 2000;
/** The share of its helpdesk's limit an ordinary tenant lets the router use. */
const SHARE = 0.5;
/** The big tenant lets the router use nine tenths of its plan. */
const BIG_SHARE = 0.9;
const ORDINARY_LIMIT = 700;

interface SimTenant {
  id: string;
  secret: string;
  helpdesk: Sandbox;
  requesters: string[];
  kind: 'ordinary' | 'timing-out' | 'throttled' | 'big';
}

/** One ticket sent: when, and when its write reached the helpdesk. */
interface Sent {
  tenant: SimTenant;
  ticketId: string | number;
  sentAt: number;
}

const pad = (n: number) => String(n).padStart(3, '0');

async function startTenants(options: SimulationOptions): Promise<SimTenant[]> {
  const tenants: SimTenant[] = [];
  const start = async (id: string, kind: SimTenant['kind'], ratePerMinute: number) => {
    const helpdesk = await startSandbox({ parts: [LOAD_TARGET.part({ ratePerMinute, latencyMs: options.latencyMs })] });
    // Three requesters with an audience, so every ticket is raised and written.
    const requesters = [250_000, 90_000, 40_000].map((followers, i) =>
      LOAD_TARGET.addRequester(
        helpdesk,
        { name: `Customer ${i + 1}`, email: `customer-${i + 1}@${id}.example` },
        { followers, following: 300, engagementPerPost: followers / 100, accountAgeDays: 2500, postCount: 3000, verification: 'none' },
      ),
    );
    tenants.push({ id, secret: `${id}-signing-secret`, helpdesk, requesters, kind });
  };
  for (let i = 1; i <= options.tenants; i += 1) {
    await start(`sim-${pad(i)}`, i === 1 ? 'timing-out' : i === 2 ? 'throttled' : 'ordinary', ORDINARY_LIMIT);
  }
  await start('sim-big', 'big', options.bigLimitPerMinute);
  return tenants;
}

function tenantInputs(tenants: readonly SimTenant[], options: SimulationOptions): TenantInput[] {
  return tenants.map((tenant) =>
    LOAD_TARGET.tenant({
      id: tenant.id,
      sandboxUrl: tenant.helpdesk.baseUrl,
      secret: tenant.secret,
      requestsPerMinute: tenant.kind === 'big' ? options.bigLimitPerMinute : ORDINARY_LIMIT,
      apiShare: tenant.kind === 'big' ? BIG_SHARE : SHARE,
    }),
  );
}

/** Sends one ticket's webhook; the ticket is made in the tenant's helpdesk first, as a person would. */
async function sendTicket(stack: LocalStack, tenant: SimTenant, index: number): Promise<Sent | undefined> {
  const requesterId = tenant.requesters[index % tenant.requesters.length] ?? '';
  const ticket = LOAD_TARGET.createTicket(tenant.helpdesk, {
    subject: `Simulated ${index}`,
    description: 'simulated',
    requesterId,
    tags: ['sim'],
  });
  const sentAt = Date.now();
  const delivery = ticket.delivery(tenant.secret);
  try {
    const response = await fetch(`${stack.url}/webhooks/${tenant.id}/${LOAD_TARGET.helpdesk}`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
    await response.arrayBuffer();
    return response.status === 202 ? { tenant, ticketId: ticket.id, sentAt } : undefined;
  } catch {
    return undefined;
  }
}

/** Every request a tenant's helpdesk answered. */
const requestsTo = (tenant: SimTenant) => tenant.helpdesk.control(LOAD_TARGET.helpdesk).requests();

/** How many requests a tenant's helpdesk refused by its own account limit. */
const rateLimited = (tenant: SimTenant) => LOAD_TARGET.rateLimited(tenant.helpdesk);

/** When each ticket's write was answered by its helpdesk (epoch ms), by tenant and ticket. */
function writeTimes(tenants: readonly SimTenant[], since: number): Map<string, number> {
  const times = new Map<string, number>();
  for (const tenant of tenants) {
    for (const request of requestsTo(tenant)) {
      if (request.at < since) continue;
      const id = LOAD_TARGET.writtenTicket(request);
      const key = `${tenant.id}/${id}`;
      if (id !== undefined && !times.has(key)) times.set(key, request.answeredAt ?? request.at);
    }
  }
  return times;
}

function latencies(sent: readonly Sent[], writes: Map<string, number>): LatencySummary {
  const values = sent.flatMap((s) => {
    const at = writes.get(`${s.tenant.id}/${s.ticketId}`);
    return at === undefined ? [] : [at - s.sentAt];
  });
  if (values.length === 0) return { count: 0, p50: 0, p99: 0 };
  const summary = summarise(values);
  return { count: values.length, p50: summary.p50, p99: summary.p99 };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Arrival times (ms from the start) of every tenant's tickets over `seconds`, each tenant's spread evenly from a random start. */
function schedule(tenants: readonly SimTenant[], rate: (tenant: SimTenant) => number, seconds: number, random: () => number) {
  const arrivals: { at: number; tenant: SimTenant }[] = [];
  for (const tenant of tenants) {
    const perMinute = rate(tenant);
    if (perMinute <= 0) continue;
    const gap = 60_000 / perMinute;
    for (let at = random() * gap; at < seconds * 1000; at += gap * (0.5 + random())) arrivals.push({ at, tenant });
  }
  return arrivals.sort((a, b) => a.at - b.at);
}

async function runPhase(
  name: string,
  stack: LocalStack,
  tenants: readonly SimTenant[],
  options: SimulationOptions,
  random: () => number,
  progress: (line: string) => void,
): Promise<PhaseResult> {
  const since = Date.now();
  const marks = new Map(tenants.map((tenant) => [tenant.id, { requests: requestsTo(tenant).length, limited: rateLimited(tenant) }]));
  const arrivals = schedule(
    tenants,
    (t) => (t.kind === 'big' ? options.bigPerMinute : options.perTenantPerMinute),
    options.seconds,
    random,
  );
  const sent: Sent[] = [];
  const sending: Promise<void>[] = [];
  const backlog: PhaseResult['backlog'] = [];
  const sample = () => {
    const pending = stack.queue.pending();
    backlog.push({
      second: Math.round((Date.now() - since) / 1000),
      all: pending.length,
      big: pending.filter((m) => m.groupId === 'sim-big').length,
    });
  };
  const sampler = setInterval(sample, 1000);
  const reporter = setInterval(() => {
    const last = backlog.at(-1);
    progress(`  ${name}: ${sent.length}/${arrivals.length} sent, backlog ${last?.all ?? 0} (big tenant ${last?.big ?? 0})`);
  }, 5000);
  try {
    for (const [index, arrival] of arrivals.entries()) {
      const wait = since + arrival.at - Date.now();
      if (wait > 0) await sleep(wait);
      sending.push(
        sendTicket(stack, arrival.tenant, index).then((s) => {
          if (s) sent.push(s);
        }),
      );
    }
    await Promise.all(sending);
    const sendingEnded = Date.now();
    // Wait for every healthy tenant's tickets (the faulty ones may never finish).
    const healthy = sent.filter((s) => s.tenant.kind === 'ordinary' || s.tenant.kind === 'big');
    const deadline = Date.now() + 120_000;
    let bigDrainedAt: number | undefined;
    for (;;) {
      const writes = writeTimes(tenants, since);
      if (
        bigDrainedAt === undefined &&
        sent.filter((s) => s.tenant.kind === 'big').every((s) => writes.has(`${s.tenant.id}/${s.ticketId}`))
      )
        bigDrainedAt = Date.now();
      if (healthy.every((s) => writes.has(`${s.tenant.id}/${s.ticketId}`)) || Date.now() > deadline) break;
      await sleep(250);
    }
    const writes = writeTimes(tenants, since);
    const of = (kind: SimTenant['kind']) => sent.filter((s) => s.tenant.kind === kind);
    const sendingSamples = backlog.filter((b) => b.second * 1000 <= options.seconds * 1000);
    const quarter = Math.max(1, Math.floor(sendingSamples.length / 4));
    const mean = (values: { big: number }[]) => (values.length === 0 ? 0 : values.reduce((sum, v) => sum + v.big, 0) / values.length);
    const firstQuarter = mean(sendingSamples.slice(0, quarter));
    const lastQuarter = mean(sendingSamples.slice(-quarter));
    const received429: Record<string, number> = {};
    let limit429 = 0;
    for (const tenant of tenants) {
      const mark = marks.get(tenant.id) ?? { requests: 0, limited: 0 };
      const count = requestsTo(tenant)
        .slice(mark.requests)
        .filter((r) => r.status === 429).length;
      if (count > 0) received429[tenant.id] = count;
      limit429 += rateLimited(tenant) - mark.limited;
    }
    return {
      name,
      sent: sent.length,
      others: latencies(of('ordinary'), writes),
      big: { ...latencies(of('big'), writes), sent: of('big').length },
      timingOut: { ...latencies(of('timing-out'), writes), sent: of('timing-out').length },
      throttled: { ...latencies(of('throttled'), writes), sent: of('throttled').length },
      backlog,
      bigBacklog: {
        firstQuarter,
        lastQuarter,
        // Flat: the last quarter's mean no more than the first's by half again and a few messages.
        steady: lastQuarter <= firstQuarter * 1.5 + 5,
        drainedInSeconds: bigDrainedAt === undefined ? undefined : Math.max(0, (bigDrainedAt - sendingEnded) / 1000),
      },
      received429,
      limit429,
    };
  } finally {
    clearInterval(sampler);
    clearInterval(reporter);
  }
}

/** The big tenant sends `options.burst` tickets at once; the pace must keep its helpdesk under its limit. */
async function runBurst(
  stack: LocalStack,
  big: SimTenant,
  options: SimulationOptions,
  progress: (line: string) => void,
): Promise<BurstResult> {
  const since = Date.now();
  const limitedBefore = rateLimited(big);
  const sent: Sent[] = [];
  let next = 0;
  const sender = async () => {
    for (let index = next++; index < options.burst; index = next++) {
      const s = await sendTicket(stack, big, index);
      if (s) sent.push(s);
    }
  };
  await Promise.all(Array.from({ length: 16 }, sender));
  const deadline = Date.now() + 5 * 60_000;
  let writes = writeTimes([big], since);
  while (sent.some((s) => !writes.has(`${big.id}/${s.ticketId}`)) && Date.now() < deadline) {
    await sleep(500);
    writes = writeTimes([big], since);
    const left = sent.filter((s) => !writes.has(`${big.id}/${s.ticketId}`)).length;
    if (Math.round((Date.now() - since) / 500) % 10 === 0) progress(`  burst: ${sent.length - left}/${sent.length} written`);
  }
  const last = Math.max(since, ...sent.map((s) => writes.get(`${big.id}/${s.ticketId}`) ?? since));
  const perMinute = new Map<number, number>();
  // Every request of the run counts: the helpdesk's minute does not know which phase sent it.
  for (const request of requestsTo(big)) {
    if (request.status === 429) continue;
    const minute = Math.floor(request.at / 60_000);
    perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
  }
  return {
    sent: sent.length,
    written: sent.filter((s) => writes.has(`${big.id}/${s.ticketId}`)).length,
    seconds: (last - since) / 1000,
    peakPerMinute: Math.max(0, ...perMinute.values()),
    limitPerMinute: options.bigLimitPerMinute,
    limit429: rateLimited(big) - limitedBefore,
  };
}

/** One ticket from each requester of each tenant, so every customer is scored before anything is timed. */
async function warmUp(stack: LocalStack, tenants: readonly SimTenant[]): Promise<void> {
  await Promise.all(tenants.flatMap((tenant) => tenant.requesters.map((_, i) => sendTicket(stack, tenant, i))));
  await stack.queue.drained(5 * 60_000);
}

async function runThroughput(
  stack: LocalStack,
  tenants: readonly SimTenant[],
  options: SimulationOptions,
  progress: (line: string) => void,
): Promise<ThroughputStep[]> {
  const ordinary = tenants.filter((t) => t.kind === 'ordinary');
  const steps: ThroughputStep[] = [];
  for (const consumers of options.consumerSteps) {
    stack.queue.pause();
    let next = 0;
    const sender = async () => {
      for (let index = next++; index < options.backlog; index = next++) {
        const tenant = ordinary[index % ordinary.length];
        if (tenant) await sendTicket(stack, tenant, index);
      }
    };
    await Promise.all(Array.from({ length: 16 }, sender));
    const events = stack.queue.pending().length;
    stack.queue.setConsumers(consumers);
    const started = Date.now();
    stack.queue.resume();
    await stack.queue.drained(15 * 60_000);
    const seconds = (Date.now() - started) / 1000;
    steps.push({ consumers, events, seconds, eventsPerSecond: events / seconds });
    progress(`  ${consumers} consumer(s): ${events} events in ${seconds.toFixed(1)} s, ${(events / seconds).toFixed(1)} events/s`);
  }
  return steps;
}

/**
 * Runs the simulation: the throughput steps, a phase with every helpdesk healthy, and the same
 * phase with one helpdesk timing out every call and one answering 429 to half its calls.
 *
 * @example const result = await runSimulation(DEFAULT_SIMULATION, (line) => console.error(line))
 */
export async function runSimulation(
  options: SimulationOptions,
  progress: (line: string) => void,
  /** A running DynamoDB to use (a fresh table) instead of starting DynamoDB Local. */
  dynamoEndpoint?: string,
): Promise<SimulationResult> {
  if (options.tenants < 3) throw new RangeError('a simulation needs at least 3 tenants: two turn faulty');
  const random = seeded(options.seed);
  progress(`starting ${options.tenants + 1} loopback helpdesks and the local stack...`);
  const tenants = await startTenants(options);
  let stack: LocalStack | undefined;
  try {
    stack = await startLocalStack({
      extraTenants: () => tenantInputs(tenants, options),
      queue: { maxReceiveCount: 8, visibilityTimeoutMs: 60_000, batchSize: 10, pollIntervalMs: 5, consumers: options.consumers },
      helpdeskTimeoutMs: HELPDESK_TIMEOUT_MS,
      ...(dynamoEndpoint ? { dynamoEndpoint, tableName: `simulation-${Date.now().toString(36)}` } : {}),
    });
    progress('warming up: one ticket from each customer of each tenant...');
    await warmUp(stack, tenants);
    progress(`throughput: ${options.backlog} queued tickets drained with ${options.consumerSteps.join(', ')} consumers...`);
    const throughput = await runThroughput(stack, tenants, options, progress);
    stack.queue.setConsumers(options.consumers);

    progress(
      `phase 1 of 2: ${options.tenants} tenants at ${options.perTenantPerMinute}/min and one at ${options.bigPerMinute}/min, every helpdesk healthy, ${options.seconds} s...`,
    );
    const clean = await runPhase('healthy', stack, tenants, options, random, progress);

    const timingOut = tenants.find((t) => t.kind === 'timing-out');
    const throttled = tenants.find((t) => t.kind === 'throttled');
    timingOut?.helpdesk
      .control(LOAD_TARGET.helpdesk)
      .failRandomly({ rate: 1, faults: [{ status: 504, delayMs: HELPDESK_TIMEOUT_MS + 500 }], random });
    throttled?.helpdesk
      .control(LOAD_TARGET.helpdesk)
      .failRandomly({ rate: 0.5, faults: [{ status: 429, headers: { 'retry-after': '2' } }], random });
    progress(`phase 2 of 2: the same, with ${timingOut?.id} timing out every call and ${throttled?.id} answering 429 to half its calls...`);
    const faulty = await runPhase('faulty', stack, tenants, options, random, progress);

    timingOut?.helpdesk.control(LOAD_TARGET.helpdesk).failRandomly(undefined);
    throttled?.helpdesk.control(LOAD_TARGET.helpdesk).failRandomly(undefined);
    const big = tenants.find((t) => t.kind === 'big');
    if (!big) throw new Error('no big tenant');
    progress(`burst: ${big.id} sends ${options.burst} tickets at once against its ${options.bigLimitPerMinute}/min helpdesk...`);
    const burst = await runBurst(stack, big, options, progress);

    const othersP99Ratio = clean.others.p99 === 0 ? Number.POSITIVE_INFINITY : faulty.others.p99 / clean.others.p99;
    const ok =
      othersP99Ratio <= 3 &&
      burst.limit429 === 0 &&
      burst.written === burst.sent &&
      [clean, faulty].every(
        (phase) => phase.bigBacklog.steady && phase.limit429 === 0 && phase.big.count === phase.big.sent && phase.others.count > 0,
      );
    return { options, throughput, clean, faulty, burst, othersP99Ratio, ok };
  } finally {
    await stack?.close().catch(() => undefined);
    await Promise.all(tenants.map((t) => t.helpdesk.close().catch(() => undefined)));
  }
}
