import * as z from 'zod';
import { readEnv } from '../../shared/adapters/config/env.js';
import { asksForHelp, exitQuietlyWhenReaderLeaves, userPath } from '../commands/cli.js';
import { DEFAULT_DYNAMODB_LOCAL_PORT } from './dynamodb-target.js';
import { type LocalQueue, LocalQueueModeSchema } from './local-queue.js';
import { assertPortFree, assertReachable } from './ports.js';
import { DEMOS } from '../sandbox/index.js';
import { DEMO, type LocalStack, startLocalStack } from './stack.js';
import { clearStackState, writeStackState } from './stack-state.js';
import { LogFormatSchema } from './terminal-logger.js';

// No metric blobs on a developer's terminal; logs are one readable line each (LOG_FORMAT=json for JSON lines).
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'INFO';

const EnvSchema = z.object({
  PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65_535).default(3000),
  SANDBOX_PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65_535).optional(),
  DYNAMODB_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:8000' }).optional(),
  DYNAMODB_LOCAL_PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65_535).default(DEFAULT_DYNAMODB_LOCAL_PORT),
  INFLUENCE_ROUTER_TENANTS: z.string().min(1).optional(),
  TABLE_NAME: z.string().min(3).default('influence-router-local'),
  LOG_FORMAT: LogFormatSchema.default('line'),
  LOCAL_QUEUE: LocalQueueModeSchema.default('in-process'),
  LOCAL_SQS_PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65_535).default(4566),
});

function settings(): z.infer<typeof EnvSchema> {
  try {
    return readEnv(EnvSchema);
  } catch (error) {
    // A setting the user typed: say which one, with no stack trace.
    console.error(`Could not start: ${error instanceof Error ? error.message : String(error)}`);
    return process.exit(2);
  }
}

const USAGE = `usage: npm start

Starts Influence Router locally: the webhook server, the queue (in-process, or SQS on an
emulator: LOCAL_QUEUE) and processors, an embedded DynamoDB Local,
sandbox helpdesks (${DEMOS.map((demo) => demo.helpdesk).join(', ')}) and the demo tenants.
The other local commands (send-sample, scores:import, customer, ...) find it through
.local/stack.json, which it writes while it runs.

Settings (environment variables):
  PORT=3000                   the local server's port (0 picks a free one)
  SANDBOX_PORT=PORT+1         the sandbox helpdesks' port
  DYNAMODB_LOCAL_PORT=8000    the embedded DynamoDB Local's port
  DYNAMODB_ENDPOINT=URL       use this DynamoDB instead of starting DynamoDB Local
  TABLE_NAME=influence-router-local
  INFLUENCE_ROUTER_TENANTS=F  serve the tenants in this file instead of the demo tenants
  INFLUENCE_ROUTER_STACK_FILE=.local/stack.json
                              where to record the addresses for the other commands (give them the
                              same setting to run a second stack beside the first)
  LOCAL_QUEUE=in-process      the in-process queue (with SQS's fair-queue order by tenant); sqs runs
                              the functions' own SQS adapters against the fauxqs SQS emulator,
                              started and stopped with the stack, its batches received as
                              Lambda's event source does (no fair-queue order)
  LOCAL_SQS_PORT=4566         the SQS emulator's port (LOCAL_QUEUE=sqs)
  LOG_FORMAT=line             one readable line per log entry; json for the deployed JSON lines
  POWERTOOLS_LOG_LEVEL=INFO   DEBUG, INFO, WARN, ERROR or SILENT

Ctrl+C or SIGTERM stops every part. If the embedded DynamoDB Local ends on its own, it says so in
one line and stops every part, exiting with code 1 (the tables were in memory).

Example:
  PORT=3400 SANDBOX_PORT=3401 DYNAMODB_LOCAL_PORT=8400 npm start`;

exitQuietlyWhenReaderLeaves();
const args = process.argv.slice(2);
if (asksForHelp(args)) {
  console.log(USAGE);
  process.exit(0);
}
if (args.length > 0) {
  console.error(
    `npm start takes no arguments, got ${JSON.stringify(args.join(' '))}: its settings are environment variables (see npm start -- --help)`,
  );
  process.exit(2);
}

const env = settings();

// Listening for the signals before anything starts: a signal that comes before a listener
// would kill the process outright and leave DynamoDB Local running. A signal may also come
// twice (from the terminal and from the launcher): stop once, after start-up if it is under way.
let stack: LocalStack<LocalQueue> | undefined;
let stopping = false;
let failed = false;
async function stop(): Promise<void> {
  if (stopping && stack === undefined) return;
  stopping = true;
  if (stack === undefined) return; // Start-up is under way: it stops when it is done.
  const running = stack;
  stack = undefined;
  clearStackState();
  console.log('Stopping Influence Router...');
  try {
    await running.close((part) => console.log(`  stopped ${part}`));
    console.log('Stopped.');
    process.exit(failed ? 1 : 0);
  } catch (error) {
    console.error(`Stopped, with errors: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

// DynamoDB Local held the tables in memory: once it is gone every delivery could only end in the
// dead-letter queue, so the server stops taking them (it closes first) and the whole stack stops.
function partEnded(line: string): void {
  console.error(`${line}: Influence Router stops too, as the tables it held in memory are gone; start it again with npm start`);
  failed = true;
  void stop();
}

try {
  const sandboxPort = env.SANDBOX_PORT ?? (env.PORT === 0 ? 0 : env.PORT + 1);
  await assertPortFree(env.PORT, 'The local server', 'PORT');
  await assertPortFree(sandboxPort, 'The sandbox helpdesks', 'SANDBOX_PORT');
  if (env.DYNAMODB_ENDPOINT)
    await assertReachable(env.DYNAMODB_ENDPOINT, 'DynamoDB', 'start it, or unset DYNAMODB_ENDPOINT to use the embedded DynamoDB Local');
  else await assertPortFree(env.DYNAMODB_LOCAL_PORT, 'DynamoDB Local', 'DYNAMODB_LOCAL_PORT');
  if (env.LOCAL_QUEUE === 'sqs') await assertPortFree(env.LOCAL_SQS_PORT, 'The SQS emulator', 'LOCAL_SQS_PORT');
  const started = await startLocalStack({
    port: env.PORT,
    sandboxPort,
    ...(env.DYNAMODB_ENDPOINT ? { dynamoEndpoint: env.DYNAMODB_ENDPOINT } : { dynamoPort: env.DYNAMODB_LOCAL_PORT }),
    ...(env.INFLUENCE_ROUTER_TENANTS ? { tenantsFile: userPath(env.INFLUENCE_ROUTER_TENANTS) } : {}),
    tableName: env.TABLE_NAME,
    seedDemo: true,
    autoWebhooks: true,
    logFormat: env.LOG_FORMAT,
    onPartEnded: partEnded,
    queueMode: env.LOCAL_QUEUE,
    ...(env.LOCAL_QUEUE === 'sqs' ? { sqsPort: env.LOCAL_SQS_PORT } : {}),
  });
  stack = started;
  writeStackState({
    pid: process.pid,
    url: started.url,
    sandboxUrl: started.sandbox.baseUrl,
    dynamoEndpoint: started.dynamoEndpoint,
    tableName: started.tableName,
  });
  if (stopping) await stop();
  const webhooks = (await started.listTenants())
    .flatMap((tenant) =>
      Object.keys(tenant.sources).map((source) => `  ${tenant.id.padEnd(16)} POST ${started.url}/webhooks/${tenant.id}/${source}`),
    )
    .join('\n');
  const samples = DEMOS.map((demo) => `npm run send-sample -- --helpdesk ${demo.helpdesk}`).join('\n        ');
  console.log(`
Influence Router is running locally.

Webhooks, one per tenant and source${env.INFLUENCE_ROUTER_TENANTS ? ` (tenants from ${env.INFLUENCE_ROUTER_TENANTS})` : ' (built-in demo tenants)'}:
${webhooks}

  Sandbox helpdesks ${started.sandbox.baseUrl}/sandbox   (tickets as JSON: ${started.sandbox.baseUrl}/sandbox/{helpdesk}/tickets)
  Console           ${started.url}/console   (decisions, queue and replay, tenants; open it in a browser)
  Queue and DLQ     ${started.url}/admin/queue   (replay: POST ${started.url}/admin/dlq/replay)${
    started.sqsEndpoint
      ? `
  SQS emulator      ${started.sqsEndpoint}   (fauxqs, loopback only; the functions' SQS adapters; no fair-queue order: see the console's queue page)`
      : ''
  }
  Decisions (JSON)  ${started.url}/admin/decisions/{tenant}[/{ticketId}]
  DynamoDB          ${started.dynamoEndpoint} (table ${started.tableName})${env.DYNAMODB_ENDPOINT ? '' : '; DynamoDB Local cannot bind loopback only: it listens on every interface, closed to web pages (CORS)'}

${
  env.INFLUENCE_ROUTER_TENANTS
    ? 'Your tenants are served; the demo commands (send-sample, send-survey) are for the built-in demo tenants.'
    : `Try it: npm run send-sample      (sends ticket 1's webhook for the ${DEMO.tenant} tenant)
        ${samples}
Then:   curl ${started.sandbox.baseUrl}/sandbox/tickets/1`
}
Press Ctrl+C to stop.
`);
} catch (error) {
  console.error(`Could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
