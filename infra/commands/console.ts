/**
 * The console against a table of your choice (the deployed one, or any DynamoDB-compatible
 * endpoint), with no local stack: the decision list, each decision, the report page with service
 * times, the tenants and, with the queues' URLs, the queue. Read-only unless --allow-replay.
 *
 *   AWS_REGION=eu-west-1 TABLE_NAME=<TableName> npm run console -- [--port 3100] [--allow-replay]
 *   DYNAMODB_ENDPOINT=http://127.0.0.1:8000 TABLE_NAME=<name> npm run console
 *
 * Exit codes: 0 stopped (Ctrl-C), 1 could not start (the port, the table), 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { AwsJsonClient, SQS } from '../../shared/adapters/aws/aws-json-client.js';
import { enabledTenants } from '../../shared/adapters/config/tenant-cache.js';
import { DynamoTenantStore } from '../../shared/adapters/store/tenant-store.js';
import { ReadOnlyDocumentClient } from '../console/read-only-client.js';
import { type ConsoleQueues, startTableConsole, type TableConsole } from '../console/table-console.js';
import { dynamoClientFor, dynamoTarget, localTableName, sdkCredentialChain } from '../local/dynamodb-target.js';
import { type CliOutput, describeError, runAsProgram, usageMistake, wholeOption } from './cli.js';

const DEFAULT_PORT = 3100;

const USAGE = `usage: npm run console -- [--port <n>] [--allow-replay] [--endpoint <url>] [--table <name>]

Serves the console on http://127.0.0.1:<port> (default ${DEFAULT_PORT}) against a table, with no
local stack: each tenant's decisions, one decision, the report page (service times of raised and
held-out tickets, the cost to everyone else, NPS by tier), the tenants and their policies as the
table holds them (npm run tenants manages them). It
reads only (GetItem and Query; it refuses any write) unless --allow-replay, which serves the queue
page's Replay (an SQS message move from the dead-letter queue back to the event queue).

Environment:
  AWS_REGION, TABLE_NAME        the deployed table (the data stack's TableName output), with your
                                own AWS credentials (profile, SSO, environment)
  DYNAMODB_ENDPOINT             any DynamoDB-compatible endpoint instead of AWS
  EVENT_QUEUE_URL, DEAD_LETTER_QUEUE_URL   the queues (the service stack's outputs), for the queue page
Least IAM permissions for a reader and an operator: docs/deploying.md#the-console-in-production.

Example:
  AWS_REGION=eu-west-1 TABLE_NAME=InfluenceRouterData-Table1234 npm run console`;

/**
 * Starts the console from these arguments; the console, or the exit code of why it could not start.
 *
 * @example const started = await startConsole(['--port', '3100'], process.env, output);
 */
export async function startConsole(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  output: CliOutput,
): Promise<{ console: TableConsole; client: ReadOnlyDocumentClient } | { code: number }> {
  let values;
  let port;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        'allow-replay': { type: 'boolean', default: false },
        endpoint: { type: 'string' },
        table: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
    port = wholeOption('port', values.port, DEFAULT_PORT, 0, 65_535);
  } catch (error) {
    output.err(usageMistake(error, 'console'));
    return { code: 2 };
  }
  const target = dynamoTarget(values.endpoint, env);
  const where = 'endpoint' in target ? target.endpoint : `AWS ${target.region}`;
  const queueUrl = env.EVENT_QUEUE_URL;
  const deadLetterQueueUrl = env.DEAD_LETTER_QUEUE_URL;
  if (Boolean(queueUrl) !== Boolean(deadLetterQueueUrl)) {
    output.err('Give both EVENT_QUEUE_URL and DEAD_LETTER_QUEUE_URL for the queue page, or neither');
    return { code: 2 };
  }
  const allowReplay = values['allow-replay'];
  const queues: ConsoleQueues | undefined =
    queueUrl && deadLetterQueueUrl
      ? {
          client: new AwsJsonClient(SQS, 'region' in target ? { region: target.region, credentials: sdkCredentialChain() } : {}),
          queueUrl,
          deadLetterQueueUrl,
        }
      : undefined;
  const tableName = localTableName(values.table, env);
  const client = new ReadOnlyDocumentClient(dynamoClientFor(target));
  let tenants;
  try {
    // The tenants as the table holds them now (a Query of the tenants index); one that fails the
    // rules is named and left out, as the functions leave it out.
    tenants = await enabledTenants(new DynamoTenantStore(client, tableName), 'endpoint' in target ? 'local' : 'deployed', (error, tenant) =>
      output.err(`tenant ${tenant}: its stored configuration fails validation (${describeError(error)}); not shown`),
    );
  } catch (error) {
    output.err(
      `Cannot read the tenants of table ${tableName} at ${where}: ${describeError(error)} (check TABLE_NAME, AWS_REGION and your credentials)`,
    );
    return { code: 1 };
  }
  try {
    const console = await startTableConsole({ port, tableName, where, client, tenants, allowReplay, ...(queues ? { queues } : {}) });
    output.out(
      `Console on ${console.url}/console: table ${tableName} at ${where}, ${tenants.length} tenants; ` +
        `${allowReplay ? 'replay allowed' : 'read-only'}${queues ? '' : ', no queues (EVENT_QUEUE_URL and DEAD_LETTER_QUEUE_URL show them)'}. Ctrl-C stops it.`,
    );
    return { console, client };
  } catch (error) {
    output.err(`Cannot serve the console on 127.0.0.1:${port}: ${describeError(error)} (choose another with --port)`);
    return { code: 1 };
  }
}

/**
 * Runs `npm run console` until Ctrl-C (or SIGTERM); returns the exit code.
 *
 * @example process.exitCode = await runConsole(['--allow-replay'], process.env, output);
 */
export async function runConsole(argv: readonly string[], env: Record<string, string | undefined>, output: CliOutput): Promise<number> {
  const started = await startConsole(argv, env, output);
  if ('code' in started) return started.code;
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await started.console.close();
  output.out(`Console stopped; it made these DynamoDB requests: ${[...started.client.operations].join(', ') || 'none'}.`);
  return 0;
}

await runAsProgram(import.meta.url, (argv, env, output) => runConsole(argv, env, output), USAGE);
