/**
 * Sends the webhook a helpdesk would send for one of the sandbox's tickets to the local server,
 * signed or authenticated as that helpdesk does, so that `npm start` applies it.
 *
 *   npm run send-sample -- [--helpdesk <name>] [--ticket <id>] [--url http://127.0.0.1:3000]
 *                          [--sandbox http://127.0.0.1:3001] [--tenant <id>] [--secret <secret>]
 *
 * Exit codes: 0 when the webhook was accepted (202), 1 when it was not or nothing answered, 2 on
 * bad arguments.
 */
import { parseArgs } from 'node:util';
import { exitQuietlyWhenReaderLeaves, usageMistake } from './cli.js';
import { localUrls } from '../local/dynamodb-target.js';
import { DEMOS, demoFor } from '../sandbox/index.js';

const HELPDESKS = DEMOS.map((demo) => demo.helpdesk);
const [DEFAULT_DEMO] = DEMOS;

const USAGE = `usage: npm run send-sample -- [--helpdesk ${HELPDESKS.join('|')}] [--ticket <id>] [--url <local server>]
                          [--sandbox <sandbox url>] [--tenant <id>] [--secret <secret>]

Sends the webhook the helpdesk would send for sandbox ticket <id> (default 1) to the local
server of "npm start", for its demo tenant, and prints the answer.

  --helpdesk  which helpdesk sends it (default ${DEFAULT_DEMO?.helpdesk ?? 'the first'}); each has its own demo tenant
  --ticket    the sandbox ticket (see the sandbox page for the ids)
  --url       the local server (default: PORT if set, else the running "npm start", else http://127.0.0.1:3000)
  --sandbox   the sandbox helpdesks (default: SANDBOX_URL or SANDBOX_PORT if set, else the running "npm start")
  --tenant    send for another tenant than the helpdesk's demo tenant
  --secret    sign or authenticate with this secret instead of the demo tenant's`;

function parse() {
  try {
    return parseArgs({
      options: {
        helpdesk: { type: 'string', default: DEFAULT_DEMO?.helpdesk ?? '' },
        url: { type: 'string', default: localUrls(process.env).url },
        sandbox: { type: 'string' },
        tenant: { type: 'string' },
        ticket: { type: 'string', default: '1' },
        secret: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    console.error(usageMistake(error, 'send-sample'));
    return process.exit(2);
  }
}

exitQuietlyWhenReaderLeaves();
const values = parse();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const demo = demoFor(values.helpdesk);
if (!demo) {
  console.error(`--helpdesk must be one of ${HELPDESKS.join(', ')} (see npm run send-sample -- --help)`);
  process.exit(2);
}
if (!/^[A-Za-z0-9-]{1,64}$/.test(values.ticket)) {
  console.error(`--ticket must be a ticket id such as 1 (see npm run send-sample -- --help)`);
  process.exit(2);
}

let serverUrl: URL;
try {
  serverUrl = new URL(values.url);
} catch {
  console.error(`--url must be a URL such as http://127.0.0.1:3000 (see npm run send-sample -- --help)`);
  process.exit(2);
}
const sandboxUrl = (values.sandbox ?? localUrls(process.env).sandboxUrl).replace(/\/$/, '');
const tenant = values.tenant ?? demo.tenantId;

// The sample is the webhook the helpdesk would send for a ticket the sandbox holds, so it can be applied.
const inspect = `${sandboxUrl}/sandbox/${demo.helpdesk}/tickets/${encodeURIComponent(values.ticket)}`;
const response = await fetch(inspect).catch(() => undefined);
if (!response?.ok) {
  console.error(
    response
      ? `The sandbox at ${sandboxUrl} has no ${demo.helpdesk} ticket ${values.ticket} (${response.status}).`
      : `Nothing answers at ${sandboxUrl}: is "npm start" running? Pass --sandbox or set SANDBOX_URL if it runs elsewhere.`,
  );
  process.exit(1);
}
const delivery = demo.delivery(await response.json(), values.secret ? { secret: values.secret } : {});
// Where a person looks at the ticket, as the README and the start-up banner write it: the first
// helpdesk's tickets at /sandbox/tickets, the others' under their name.
const watch = `${sandboxUrl}/sandbox/${demo === DEFAULT_DEMO ? '' : `${demo.helpdesk}/`}tickets/${encodeURIComponent(values.ticket)}`;
const target = `${serverUrl.origin}/webhooks/${encodeURIComponent(tenant)}/${demo.source}`;
const answer = await fetch(target, { method: 'POST', headers: delivery.headers, body: delivery.body }).catch(() => undefined);
if (!answer) {
  console.error(`Nothing answers at ${serverUrl.origin}: is "npm start" running? Pass --url if it runs elsewhere.`);
  process.exit(1);
}
console.log(`POST ${target} -> ${answer.status} ${await answer.text()}`);
if (answer.status === 202) console.log(`Watch the ticket change: curl ${watch}`);
process.exit(answer.status === 202 ? 0 : 1);
