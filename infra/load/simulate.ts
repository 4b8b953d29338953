/**
 * `npm run simulate`: many tenants on loopback, each with its own helpdesk, to see throughput
 * grow with consumers, fairness when one helpdesk times out and one throttles, and a big tenant
 * kept within its helpdesk's limit.
 *
 * Exit codes: 0 when the run meets its bar (the others' p99 within 3× with the faulty tenants,
 * the big tenant's backlog steady and drained, no 429 from any helpdesk's own limit); 1 when it
 * does not or the run failed; 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { type CliOutput, quietProcessing, reportRun, runAsProgram, UsageError, usageMistake, wholeOption } from '../commands/cli.js';
import { DEFAULT_SIMULATION, formatSimulation, runSimulation, type SimulationOptions } from './simulation.js';

export const SIMULATE_USAGE = `usage: npm run simulate -- [--tenants N] [--per-tenant N] [--big N] [--big-limit N] [--seconds N]
                           [--consumers 1,2,4,8] [--backlog N] [--burst N] [--latency MS] [--seed N] [--json]

Starts its own local stack and one loopback sandbox helpdesk per tenant, each with its own
account limit (700 requests a minute, as an Enterprise plan allows) and answer time. First it drains a queued
backlog with each number of consumers in turn (throughput); then it sends every tenant's
tickets at its rate for a while with every helpdesk healthy, and again with the first tenant's
helpdesk timing out every call and the second's answering 429 to half its calls; last, the big
tenant sends a burst of tickets at once, more than its share of a minute. It reports
webhook-to-write-back latency (p50, p99) for the other tenants, the big tenant and the faulty
two, the backlog over time, the 429s each helpdesk answered, whether any came from a helpdesk's
own limit (the router's pace), and how long the burst took.

  --tenants     ordinary tenants, at least 3 (default ${DEFAULT_SIMULATION.tenants})
  --per-tenant  each ordinary tenant's tickets a minute (default ${DEFAULT_SIMULATION.perTenantPerMinute})
  --big         the big tenant's tickets a minute (default ${DEFAULT_SIMULATION.bigPerMinute})
  --big-limit   the big tenant's helpdesk limit, requests a minute (default ${DEFAULT_SIMULATION.bigLimitPerMinute})
  --seconds     how long each phase sends (default ${DEFAULT_SIMULATION.seconds})
  --consumers   consumer counts for the throughput steps (default ${DEFAULT_SIMULATION.consumerSteps.join(',')}); the phases use the last
  --backlog     tickets each throughput step drains (default ${DEFAULT_SIMULATION.backlog})
  --burst       tickets the big tenant sends at once at the end (default ${DEFAULT_SIMULATION.burst})
  --latency     each helpdesk answer's time in ms (default ${DEFAULT_SIMULATION.latencyMs})
  --seed        the arrivals' and faults' random seed (default ${DEFAULT_SIMULATION.seed})
  --json        print the figures as one JSON object instead of a report

With the defaults a run takes about five minutes.

example: npm run simulate -- --tenants 100 --seconds 60`;

/** Parses the arguments, runs the simulation, prints it; returns the exit code. */
export async function runSimulateCommand(argv: readonly string[], output: CliOutput): Promise<number> {
  let options: SimulationOptions;
  let json: boolean;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        tenants: { type: 'string' },
        'per-tenant': { type: 'string' },
        big: { type: 'string' },
        'big-limit': { type: 'string' },
        seconds: { type: 'string' },
        consumers: { type: 'string' },
        backlog: { type: 'string' },
        burst: { type: 'string' },
        latency: { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      output.out(SIMULATE_USAGE);
      return 0;
    }
    const consumerSteps =
      values.consumers === undefined
        ? DEFAULT_SIMULATION.consumerSteps
        : values.consumers.split(',').map((part) => wholeOption('consumers', part.trim(), 1, 1, 64));
    if (consumerSteps.length === 0) throw new UsageError('--consumers needs at least one count, e.g. 1,2,4,8');
    options = {
      tenants: wholeOption('tenants', values.tenants, DEFAULT_SIMULATION.tenants, 3, 500),
      perTenantPerMinute: wholeOption('per-tenant', values['per-tenant'], DEFAULT_SIMULATION.perTenantPerMinute, 1, 600),
      bigPerMinute: wholeOption('big', values.big, DEFAULT_SIMULATION.bigPerMinute, 0, 6000),
      bigLimitPerMinute: wholeOption('big-limit', values['big-limit'], DEFAULT_SIMULATION.bigLimitPerMinute, 1, 100_000),
      seconds: wholeOption('seconds', values.seconds, DEFAULT_SIMULATION.seconds, 5, 3600),
      consumerSteps,
      backlog: wholeOption('backlog', values.backlog, DEFAULT_SIMULATION.backlog, 1, 100_000),
      consumers: consumerSteps.at(-1) ?? DEFAULT_SIMULATION.consumers,
      burst: wholeOption('burst', values.burst, DEFAULT_SIMULATION.burst, 1, 100_000),
      latencyMs: wholeOption('latency', values.latency, DEFAULT_SIMULATION.latencyMs, 0, 5000),
      seed: wholeOption('seed', values.seed, DEFAULT_SIMULATION.seed, 1, 2 ** 31),
    };
    json = values.json === true;
  } catch (error) {
    output.err(usageMistake(error, 'simulate'));
    return 2;
  }
  return reportRun({
    name: 'simulation',
    output,
    json,
    run: (progress) => runSimulation(options, progress),
    format: formatSimulation,
    passed: (result) => result.ok,
  });
}

await runAsProgram(
  import.meta.url,
  (argv, _env, output) => {
    // The run's own processing logs would drown the report.
    quietProcessing();
    return runSimulateCommand(argv, output);
  },
  SIMULATE_USAGE,
);
