/**
 * `npm run load`: a bounded load run on loopback with helpdesk faults injected, ending with a
 * ledger check of every accepted ticket.
 *
 * Exit codes: 0 when the ledger holds (every accepted ticket applied once, or in the dead-letter
 * queue with its reason, and all applied after the replay); 1 when it does not or the run failed;
 * 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { type CliOutput, quietProcessing, reportRun, runAsProgram, UsageError, usageMistake, wholeOption } from '../commands/cli.js';
import { LocalQueueModeSchema } from '../local/local-queue.js';
import { formatLoad, type LoadOptions, runLoad } from './load-run.js';

export const LOAD_USAGE = `usage: npm run load -- [--events N] [--tenants N] [--concurrency N] [--fault-rate R] [--seed N] [--queue in-process|sqs] [--json]

Starts its own local stack (DynamoDB Local, the sandbox helpdesk, the queue), sends N
signed ticket webhooks from bounded concurrent senders, with a share of duplicate deliveries,
while the sandbox fails a random share of helpdesk calls: 429 with Retry-After, 500, 503, answers
slower than the client's timeout, the answer lost after the write was applied, and connection
resets before and after the write. It waits for the queue to drain, checks the ledger (every
accepted ticket applied exactly once, or in the dead-letter queue with its reason; never two
notes), replays the dead-letter queue with the faults off and checks again, and stops.

  --events       webhooks to send, duplicates not counted (default 5000)
  --tenants      tenants on the sandbox helpdesk, each with its own secret (default 10)
  --concurrency  senders at once (default 16)
  --fault-rate   share of helpdesk calls that fail, 0 to 0.9 (default 0.15)
  --seed         the faults' and duplicates' random seed, for a repeatable run (default 1)
  --queue        in-process: local mode's own queue; sqs: the functions' SQS adapters against the
                 fauxqs SQS emulator, received as Lambda's event source does (default: the
                 LOCAL_QUEUE setting, else in-process)
  --json         print the figures as one JSON object instead of a report

On the in-process queue, delays (Retry-After, backoff, visibility) run at a tenth of real time;
the SQS emulator keeps real time, so its runs take longer. The helpdesk client times out after
1 s instead of 8 s, so a run takes a minute or two.

example: npm run load -- --events 5000 --fault-rate 0.15`;

/** Parses the arguments, runs the load, prints it; returns the exit code. */
export async function runLoadCommand(
  argv: readonly string[],
  output: CliOutput,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<number> {
  let options: LoadOptions;
  let json: boolean;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        events: { type: 'string' },
        tenants: { type: 'string' },
        concurrency: { type: 'string' },
        'fault-rate': { type: 'string' },
        seed: { type: 'string' },
        queue: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      output.out(LOAD_USAGE);
      return 0;
    }
    const queue = LocalQueueModeSchema.safeParse(values.queue ?? env.LOCAL_QUEUE ?? 'in-process');
    if (!queue.success) {
      throw new UsageError(
        `${values.queue === undefined ? 'LOCAL_QUEUE' : '--queue'} must be in-process or sqs, got ${JSON.stringify(values.queue ?? env.LOCAL_QUEUE)}`,
      );
    }
    const faultRate = values['fault-rate'] === undefined ? 0.15 : Number(values['fault-rate']);
    if (!(faultRate >= 0 && faultRate <= 0.9))
      throw new UsageError(`--fault-rate must be from 0 to 0.9, got ${JSON.stringify(values['fault-rate'])}`);
    options = {
      events: wholeOption('events', values.events, 5000, 1, 1_000_000),
      tenants: wholeOption('tenants', values.tenants, 10, 1, 1000),
      concurrency: wholeOption('concurrency', values.concurrency, 16, 1, 256),
      faultRate,
      seed: wholeOption('seed', values.seed, 1, 1, 2 ** 31),
      queue: queue.data,
    };
    json = values.json === true;
  } catch (error) {
    output.err(usageMistake(error, 'load'));
    return 2;
  }
  return reportRun({
    name: 'load run',
    output,
    json,
    run: (progress) => runLoad(options, progress),
    format: formatLoad,
    passed: (result) => result.ledger.ok && result.afterReplay.ok && result.afterReplay.deadLettered === 0,
  });
}

await runAsProgram(
  import.meta.url,
  (argv, env, output) => {
    // The run's own processing logs would drown the report.
    quietProcessing();
    return runLoadCommand(argv, output, env);
  },
  LOAD_USAGE,
);
