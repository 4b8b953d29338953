/**
 * Sends a survey answer to the local server as a survey tool would send it (signed as that tool
 * signs), for the demo tenant, so that `npm start` stores it and closes the loop.
 *
 *   npm run send-survey -- --source <typeform|delighted|zendesk-csat|generic-survey> --score <n>
 *                          [--ticket <id>, required for zendesk-csat] [--email <address>] [--user <helpdesk user id>]
 *                          [--comment <text>] [--response <id>] [--updated] [--url <local server>]
 *
 * Exit codes: 0 when the answer was accepted (202), 1 when it was not or nothing answered, 2 on
 * bad arguments.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DEMO, SURVEY_SAMPLES } from '../sandbox/index.js';
import { localUrls } from '../local/dynamodb-target.js';
import { type CliOutput, runAsProgram, usageMistake } from './cli.js';

const SOURCES = Object.keys(SURVEY_SAMPLES);
/** The sources whose every answer is about a ticket (a helpdesk's own satisfaction rating). */
const TICKET_SOURCES = SOURCES.filter((source) => SURVEY_SAMPLES[source]?.needsTicket);

const USAGE = `usage: npm run send-survey -- --source ${SOURCES.join('|')} --score <n> [--ticket <id>]
                          [--email <address>] [--user <id>] [--comment <text>] [--response <id>] [--updated] [--url <local server>]

Sends one survey answer for the ${DEMO.tenant} tenant to the local server of "npm start", signed as the tool signs.

  --source    the survey tool (its webhook shape and signature)
  --score     ${Object.entries(SURVEY_SAMPLES)
    .map(([name, sample]) => `${name} ${sample.scores}`)
    .join('; ')}
  --ticket    the sandbox ticket the answer is about (the closed loop writes to it); required for ${TICKET_SOURCES.join(', ')}
  --email     the respondent (default ada@example.com, the demo's high-tier customer)
  --user      the respondent's helpdesk user id (default none)
  --comment   the customer's comment
  --response  the survey tool's response id (default a new one); send it again to update the answer
  --updated   send it as the tool's update of an earlier answer (the same response id, with the comment)
  --url       the local server (default: PORT if set, else the running "npm start", else http://127.0.0.1:3000)`;

/**
 * Runs the command and returns its exit code.
 *
 * @example process.exitCode = await runSendSurvey(['--source', 'typeform', '--score', '3', '--ticket', '1'], process.env, console)
 */
export async function runSendSurvey(argv: readonly string[], env: Record<string, string | undefined>, output: CliOutput): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        source: { type: 'string' },
        score: { type: 'string' },
        ticket: { type: 'string' },
        email: { type: 'string', default: 'ada@example.com' },
        user: { type: 'string' },
        comment: { type: 'string' },
        response: { type: 'string' },
        updated: { type: 'boolean', default: false },
        url: { type: 'string', default: localUrls(env).url },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    output.err(usageMistake(error, 'send-survey'));
    return 2;
  }
  if (values.help) {
    output.out(USAGE);
    return 0;
  }
  const sample = values.source ? SURVEY_SAMPLES[values.source] : undefined;
  if (!sample) {
    output.err(`--source must be one of ${SOURCES.join(', ')} (see npm run send-survey -- --help)`);
    return 2;
  }
  if (values.score === undefined || !/^\d{1,2}$/.test(values.score)) {
    output.err(`--score must be a whole number: ${sample.scores} (see npm run send-survey -- --help)`);
    return 2;
  }
  if (sample.needsTicket && values.ticket === undefined) {
    output.err(
      `--ticket is required for ${values.source}: a satisfaction rating is always about a ticket, e.g. --ticket 1 (see npm run send-survey -- --help)`,
    );
    return 2;
  }
  let server: URL;
  try {
    server = new URL(values.url);
  } catch {
    output.err(`--url must be a URL such as http://127.0.0.1:3000 (see npm run send-survey -- --help)`);
    return 2;
  }
  const ticketId = values.ticket;
  const responseId = values.response ?? sample.responseIdFor?.(ticketId) ?? `r-${randomUUID().slice(0, 8)}`;
  const delivery = sample.deliver({
    responseId,
    score: Number(values.score),
    email: values.email,
    ...(ticketId ? { ticketId } : {}),
    ...(values.user ? { userId: values.user } : {}),
    ...(values.comment !== undefined ? { comment: values.comment } : {}),
    phase: values.updated ? 'updated' : 'created',
  });
  const target = `${server.origin}/webhooks/${DEMO.tenant}/${values.source}`;
  const answer = await fetch(target, { method: 'POST', headers: delivery.headers, body: delivery.body }).catch(() => undefined);
  if (!answer) {
    output.err(`Nothing answers at ${server.origin}: is "npm start" running? Pass --url if it runs elsewhere.`);
    return 1;
  }
  output.out(`POST ${target} -> ${answer.status} ${await answer.text()}`);
  // A refused answer was never stored: a response id would suggest it could be updated.
  if (answer.status !== 202) return 1;
  output.out(`Response id ${responseId}${ticketId ? `; watch ticket ${ticketId}: the sandbox page shows its tags and notes` : ''}`);
  return 0;
}

await runAsProgram(import.meta.url, (argv, env, output) => runSendSurvey(argv, env, output));
