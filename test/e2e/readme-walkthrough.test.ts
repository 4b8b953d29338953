import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../../infra/local/ports.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { DOCUMENTS, docsPagesOnDisk, readDocuments } from '../support/documents.js';
import { documentCommands, readmeBlocks, type ShownCommand } from '../support/readme-commands.js';

/*
 * The README and the pages of docs/, walked as a newcomer would: `npm start` on ports that are
 * not the defaults, then every command the documents show, the README first and then each page in
 * reading order, each checked for what its page says it does. A command a page gains needs a check
 * here (or a stated reason not to run it), and a check whose command left the pages fails, so the
 * two cannot drift apart.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOCS = readDocuments(ROOT);
const SHOWN = documentCommands(DOCS);
const COMMANDS = SHOWN.filter((command) => !command.template);
const BLOCKS = DOCS.flatMap((document) => readmeBlocks(document.text));

/** What one command did. */
interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The stack the walk runs against, and the folder the commands are typed in. */
interface Walk {
  url: string;
  sandboxUrl: string;
  dir: string;
}

type Check = (ran: Ran, walk: Walk) => void | Promise<void>;

/** A check for a command, or why it is not run. `settles`: it reads what is processed in the background, so it is re-run until it passes. */
type Step = { check: Check; settles?: true } | { skip: string };

/** The JSON a command printed, after anything npm printed before it. */
function printedJson(ran: Ran): unknown {
  const start = ran.stdout.search(/^[[{]/m);
  return JSON.parse(start < 0 ? ran.stdout : ran.stdout.slice(start));
}

const ok = (ran: Ran) => expect(ran.code, `exit code; stderr: ${ran.stderr}`).toBe(0);

/** Checks of a command that exits 0 with `expected` in its output. */
const prints =
  (...expected: (string | RegExp)[]): Check =>
  (ran) => {
    ok(ran);
    for (const text of expected) expect(`${ran.stdout}${ran.stderr}`).toMatch(text);
  };

/** A webhook the command sent, and the 202 it got from the walk's own server. */
const sentTo =
  (path: string): Check =>
  (ran, walk) => {
    ok(ran);
    expect(ran.stdout).toContain(`POST ${walk.url}${path} -> 202`);
  };

/** Passes once `check` does, trying for up to 30 s: for what the queue processes after a 202. */
async function eventually(check: () => Promise<void> | void): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  expect(response.status, url).toBe(200);
  return response.json();
}

const Comment = z.object({ body: z.string(), public: z.boolean() });
const ZendeskTicket = z.object({ priority: z.string().nullable(), tags: z.array(z.string()), comments: z.array(Comment) });
const Decisions = z.object({
  decisions: z.array(
    z.object({
      decisionId: z.string(),
      status: z.string(),
      decision: z.object({ tier: z.string() }).optional(),
      note: z.string().optional(),
    }),
  ),
});
const CustomerResult = z.object({ status: z.string() }).loose();

/** The block that shows the internal note of ticket 1, as the agent reads it. */
const NOTE_SHOWN = BLOCKS.find((block) => block.language === '' && block.body.startsWith('Influence Router: priority raised'))?.body;
/** The settings local mode's page lists in its table, in order. */
const SETTINGS_SHOWN = [
  ...(
    DOCS.find((document) => document.path === 'docs/local-mode.md')
      ?.text.split('\n## Settings')[1]
      ?.split('\n## ')[0] ?? ''
  ).matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm),
].map((match) => match[1]);
/** The rows of the example `scores.csv`, which the walk writes for the import. */
const SCORES_CSV = BLOCKS.find((block) => block.language === 'csv')?.body ?? '';

const decisionOf = async (walk: Walk, tenant: string, ticketId: string | number, decisionId: string) => {
  const found = Decisions.parse(await getJson(`${walk.url}/admin/decisions/${tenant}/${ticketId}`)).decisions.find(
    (d) => d.decisionId === decisionId,
  );
  expect(found, `decision ${decisionId}`).toBeDefined();
  return found;
};

const STEPS = new Map<string, Step | Step[]>([
  [
    'npm install && npm start',
    { skip: 'the walk runs npm start itself, on free ports, before the first command; the checkout it runs in is installed' },
  ],
  ['npm test', { skip: 'this walk is one of the tests it runs' }],
  [
    'LOG_FORMAT=json npm start',
    { skip: "a second stack; the JSON log form is checked in the terminal logger's unit test (test/unit/local/terminal-logger.test.ts)" },
  ],
  [
    'npm start -- --help',
    {
      check: (ran, walk) => {
        prints('usage: npm start', 'LOG_FORMAT=line', 'LOCAL_QUEUE=in-process')(ran, walk);
        // The page's table of settings is the one --help prints, setting for setting.
        const settings = ran.stdout.split('Settings (environment variables):')[1]?.split('\n\n')[0] ?? '';
        const listed = [...settings.matchAll(/^ {2}([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);
        expect(SETTINGS_SHOWN.length).toBeGreaterThan(5);
        expect(SETTINGS_SHOWN).toEqual(listed);
      },
    },
  ],
  [
    'LOCAL_QUEUE=sqs npm start',
    { skip: 'a second stack, on the SQS emulator; test/e2e/local-sqs.test.ts runs local mode on it through HTTP' },
  ],
  ['npm run load -- --queue sqs', { skip: 'a load run in real time; test/e2e/load.test.ts runs it on the SQS emulator with fewer events' }],
  ['npm run send-sample', { check: sentTo('/webhooks/demo/zendesk') }],
  [
    'curl http://127.0.0.1:3001/sandbox/tickets/1',
    [
      {
        settles: true,
        check: (ran) => {
          ok(ran);
          const ticket = ZendeskTicket.parse(printedJson(ran));
          expect(ticket.priority).toBe('high');
          expect(ticket.tags).toEqual(['printer', 'influence_high']);
          const notes = ticket.comments.filter((comment) => !comment.public);
          expect(notes.map((note) => note.body)).toEqual([NOTE_SHOWN]);
        },
      },
      {
        settles: true,
        check: (ran) => {
          ok(ran);
          const ticket = ZendeskTicket.parse(printedJson(ran));
          expect(ticket.priority).toBe('high');
          expect(ticket.tags).toContain('nps_detractor');
          expect(ticket.comments.filter((comment) => !comment.public && comment.body.includes('"Three days and no answer"'))).toHaveLength(
            1,
          );
        },
      },
    ],
  ],
  [
    'curl http://127.0.0.1:3000/admin/decisions/demo/1',
    [
      {
        settles: true,
        check: (ran) => {
          ok(ran);
          const decision = Decisions.parse(printedJson(ran)).decisions.find((d) => d.decisionId === 'zendesk:ticket-created:1');
          expect(decision?.status).toBe('applied');
          expect(decision?.decision?.tier).toBe('high');
          expect(decision?.note).toContain('- reach-high: large engaged audience');
        },
      },
      {
        settles: true,
        check: async (ran, walk) => {
          ok(ran);
          // The replayed follow-up was applied, and its note is on the ticket once.
          const followUp = 'zendesk:survey-answered:typeform:r-dlq:promoter:1';
          expect(Decisions.parse(printedJson(ran)).decisions.find((d) => d.decisionId === followUp)?.status).toBe('applied');
          const ticket = ZendeskTicket.parse(await getJson(`${walk.sandboxUrl}/sandbox/tickets/1`));
          expect(ticket.comments.filter((comment) => comment.body.endsWith(`[influence-router ${followUp}]`))).toHaveLength(1);
        },
      },
    ],
  ],
  ['npm run send-sample -- --help', { check: prints('usage: npm run send-sample', '--helpdesk', '--ticket') }],
  ['npm run send-sample -- --helpdesk freshdesk', { check: sentTo('/webhooks/demo-freshdesk/freshdesk') }],
  [
    'curl http://127.0.0.1:3001/sandbox/freshdesk/tickets/1',
    {
      settles: true,
      check: (ran) => {
        ok(ran);
        const ticket = z
          .object({ priority: z.number(), tags: z.array(z.string()), conversations: z.array(z.object({ private: z.boolean() })) })
          .parse(printedJson(ran));
        expect(ticket.priority).toBe(3);
        expect(ticket.tags).toEqual(['printer', 'influence_high']);
        expect(ticket.conversations.filter((conversation) => conversation.private)).toHaveLength(1);
      },
    },
  ],
  ['npm run send-sample -- --helpdesk generic', { check: sentTo('/webhooks/demo-generic/generic') }],
  [
    'curl http://127.0.0.1:3001/sandbox/generic/tickets/1',
    {
      settles: true,
      check: (ran) => {
        ok(ran);
        const ticket = z
          .object({ priority: z.string(), tags: z.array(z.string()), notes: z.array(z.object({ decision_id: z.string() })) })
          .parse(printedJson(ran));
        expect(ticket.priority).toBe('high');
        expect(ticket.tags).toContain('influence_high');
        expect(ticket.notes.map((note) => note.decision_id)).toEqual(['generic:ticket-created:1']);
      },
    },
  ],
  [
    'curl http://127.0.0.1:3000/admin/decisions/demo-freshdesk/1',
    {
      settles: true,
      check: (ran) =>
        expect(Decisions.parse(printedJson(ran)).decisions.find((d) => d.decisionId === 'freshdesk:ticket-created:1')?.status).toBe(
          'applied',
        ),
    },
  ],
  [
    'npm run send-sample -- --ticket 2',
    {
      check: async (ran, walk) => {
        sentTo('/webhooks/demo/zendesk')(ran, walk);
        // Grace has no score: nothing changes, and the decision is audited as skipped.
        await eventually(async () => expect((await decisionOf(walk, 'demo', 2, 'zendesk:ticket-created:2'))?.status).toBe('skipped'));
      },
    },
  ],
  [
    `curl -u 'agent@demo.example/token:demo-api-token' -H 'content-type: application/json' -d '{"ticket":{"subject":"Where is my order?","comment":{"body":"Hi"},"requester_id":1001,"priority":"low"}}' http://127.0.0.1:3001/api/v2/tickets`,
    {
      check: async (ran, walk) => {
        ok(ran);
        const { ticket } = z.object({ ticket: z.object({ id: z.number(), priority: z.literal('low') }) }).parse(printedJson(ran));
        // The sandbox fired the webhook as a trigger would: Ada's new ticket is decided and raised.
        await eventually(async () =>
          expect((await decisionOf(walk, 'demo', ticket.id, `zendesk:ticket-created:${ticket.id}`))?.status).toBe('applied'),
        );
        const raised = ZendeskTicket.parse(await getJson(`${walk.sandboxUrl}/sandbox/tickets/${ticket.id}`));
        expect(raised.priority).toBe('normal');
      },
    },
  ],
  ['npm run send-sample -- --tenant demo-shadow --ticket 4', { check: sentTo('/webhooks/demo-shadow/zendesk') }],
  [
    'curl http://127.0.0.1:3001/sandbox/tickets/4',
    {
      check: (ran) => {
        ok(ran);
        // Shadow mode writes nothing: Ada's ticket of the shadow tenant is as it was seeded.
        const ticket = ZendeskTicket.parse(printedJson(ran));
        expect(ticket.priority).toBe('normal');
        expect(ticket.tags).toEqual(['printer']);
        expect(ticket.comments.filter((comment) => !comment.public)).toEqual([]);
      },
    },
  ],
  [
    'curl http://127.0.0.1:3000/admin/decisions/demo-shadow/4',
    {
      settles: true,
      check: (ran) => {
        ok(ran);
        const [decision] = Decisions.parse(printedJson(ran)).decisions;
        expect(decision?.status).toBe('shadow');
        expect(decision?.note).toMatch(/^Influence Router: priority raised from normal to high \(\+1\)\./);
      },
    },
  ],
  [
    'curl -X POST http://127.0.0.1:3001/sandbox/zendesk/tickets/1/fail',
    {
      check: (ran) =>
        expect(printedJson(ran)).toEqual({
          helpdesk: 'zendesk',
          ticket: '1',
          failing: true,
          status: 403,
          calls: '/api/v2/tickets/1 and below',
        }),
    },
  ],
  ['npm run send-survey -- --source typeform --score 10 --ticket 1 --response r-dlq', { check: sentTo('/webhooks/demo/typeform') }],
  [
    'curl http://127.0.0.1:3000/admin/queue',
    {
      settles: true,
      check: (ran) => {
        ok(ran);
        const { deadLetters } = z
          .object({ deadLetters: z.array(z.object({ responseId: z.string().optional(), deadLetterReason: z.string() })) })
          .parse(printedJson(ran));
        expect(deadLetters.find((dead) => dead.responseId === 'r-dlq')?.deadLetterReason).toMatch(
          /^PermanentHelpdeskError \(403\): Zendesk /,
        );
      },
    },
  ],
  [
    'curl -X POST http://127.0.0.1:3001/sandbox/zendesk/tickets/1/mend',
    { check: (ran) => expect(printedJson(ran)).toEqual({ helpdesk: 'zendesk', ticket: '1', failing: false, mended: true }) },
  ],
  ['curl -X POST http://127.0.0.1:3000/admin/dlq/replay', { check: (ran) => expect(printedJson(ran)).toEqual({ replayed: 1 }) }],
  [
    'npm run report -- --tenant demo --out demo-report.html',
    {
      check: (ran, walk) => {
        prints(
          /Wrote \S+demo-report\.html \(\d+ KB\): \d+ decisions and \d+ survey answers of tenant demo, .* DynamoDB requests \(no scan\)/,
        )(ran, walk);
        // Written where the command was typed, with the demo tenant's decisions so far: tickets 1, 2 and the one made with curl.
        const report = readFileSync(join(walk.dir, 'demo-report.html'), 'utf8');
        expect(Number(/data-decisions="(\d+)"/.exec(report)?.[1])).toBeGreaterThanOrEqual(3);
      },
    },
  ],
  [
    'npm run scores:import -- --tenant demo --file scores.csv',
    {
      check: prints(
        new RegExp(`Imported ${SCORES_CSV.trim().split('\n').length - 1} rows for tenant demo from scores\\.csv .*; rejected 0\\.`),
      ),
    },
  ],
  [
    'npm run scores:refresh',
    { check: prints('demo (helpdesk-metrics): examined 1, refreshed 1,', 'demo-freshdesk (helpdesk-metrics): examined 1, refreshed 1,') },
  ],
  [
    'npm run scores:refresh -- --tenant demo-networks',
    { check: prints('demo-networks (networks): examined 8, refreshed 5, no score 3, failed 0, skipped 0') },
  ],
  [
    'npm run scores:refresh -- --tenant demo-freshdesk-networks',
    { check: prints('demo-freshdesk-networks (networks): examined 4, refreshed 3, no score 1, failed 0, skipped 0') },
  ],
  [
    'npm run customer -- export --tenant demo-networks --zendesk-user-id 1005',
    {
      check: (ran) => {
        ok(ran);
        // Mary, scored by the refresh: verified on Bluesky.
        const exported = z
          .object({
            customers: z.array(z.object({ profile: z.object({ score: z.object({ trust: z.string(), explanation: z.string() }) }) })),
          })
          .parse(printedJson(ran));
        expect(exported.customers[0]?.profile.score).toMatchObject({
          trust: 'verified',
          explanation: expect.stringMatching(/^Reach \d+ on Bluesky \(\w+\): .* Bluesky handle verified\.$/),
        });
      },
    },
  ],
  [
    'npm run customer -- opt-out --tenant demo --email ada@example.com',
    { check: (ran) => expect(CustomerResult.parse(printedJson(ran)).status).toBe('opted-out') },
  ],
  [
    'npm run customer -- opt-in --tenant demo --zendesk-user-id 1001',
    { check: (ran) => expect(CustomerResult.parse(printedJson(ran)).status).toBe('opted-in') },
  ],
  [
    'npm run --silent customer -- export --tenant demo --handle twitter:ada_codes > ada.json',
    {
      check: (ran, walk) => {
        ok(ran);
        // The file holds the export and nothing else, ready for the customer.
        const exported = z
          .object({ format: z.string(), tenant: z.literal('demo') })
          .loose()
          .parse(JSON.parse(readFileSync(join(walk.dir, 'ada.json'), 'utf8')));
        expect(exported.format).toBe('influence-router.customer-export.v1');
        expect(JSON.stringify(exported)).toContain('zendesk:ticket-created:1');
      },
    },
  ],
  [
    'npm run customer -- erase --tenant demo --email grace@example.com',
    { check: (ran) => expect(CustomerResult.parse(printedJson(ran)).status).toBe('erased') },
  ],
  [
    'npm run customer -- override --tenant demo --email ada@example.com --kind boost --score 90 --reason "Board member" --expires 2027-01-01 --by admin@acme.test',
    {
      check: (ran) => expect(JSON.stringify(printedJson(ran))).toMatch(/"status":"set".*"kind":"boost","score":90,"reason":"Board member"/),
    },
  ],
  [
    'npm run customer -- override --tenant demo-freshdesk --freshdesk-user-id 2002 --kind never --reason "Asked not to be prioritised" --by admin@acme.test',
    {
      check: (ran) =>
        expect(JSON.stringify(printedJson(ran))).toMatch(/"status":"set".*"kind":"never","reason":"Asked not to be prioritised"/),
    },
  ],
  [
    'npm run customer -- clear-override --tenant demo --email ada@example.com',
    { check: (ran) => expect(CustomerResult.parse(printedJson(ran)).status).toBe('cleared') },
  ],
  [
    'npm run customer -- merge --tenant demo --zendesk-user-id 1001 --email ada@example.com',
    {
      check: (ran) => {
        const merged = z
          .object({
            status: z.enum(['merged', 'already-one-profile']),
            profile: z.object({ identities: z.object({ helpdeskUserIds: z.array(z.string()) }) }),
          })
          .parse(printedJson(ran));
        expect(merged.profile.identities.helpdeskUserIds).toContain('zendesk:1001');
      },
    },
  ],
  [
    'npm run connect:zendesk -- --tenant demo --dry-run',
    { check: prints('GET  /api/v2/webhooks?page[size]=100', 'Influence Router: tickets (demo)  kept', 'Dry run: nothing would change.') },
  ],
  [
    'npm run connect:zendesk -- --tenant demo',
    // The demo account is connected by its ticket.created webhook, with the demo tenant's secret.
    {
      check: prints('signing secret  sources.zendesk.signingSecrets.0 (inline value)  unchanged', 'Nothing to change: already connected.'),
    },
  ],
  [
    'npm run send-survey -- --source typeform --score 2 --ticket 1 --comment "Three days and no answer"',
    { check: sentTo('/webhooks/demo/typeform') },
  ],
  ['npm run send-survey -- --source delighted --score 4 --response 5435', { check: sentTo('/webhooks/demo/delighted') }],
  [
    'npm run send-survey -- --source delighted --score 4 --response 5435 --updated --comment "Still broken"',
    { check: sentTo('/webhooks/demo/delighted') },
  ],
  [
    'npm run nps -- --tenant demo',
    {
      settles: true,
      // Three answers: the dead-letter walk's promoter, Typeform's detractor, and Delighted's counted once though it came twice.
      check: prints(/^all\s+3\s+1\s+0\s+2\s/m, /Read 30 day partitions with 30 DynamoDB requests in \d+ ms \(no scan\)\./),
    },
  ],
  ['npm run cdk -- bootstrap', { skip: 'needs an AWS account, which tests never have; the stacks are synthesized by npm run synth below' }],
  [
    'npm run synth',
    {
      check: (ran, walk) => {
        prints('Successfully synthesized')(ran, walk);
        for (const stack of ['InfluenceRouterData', 'InfluenceRouterService'])
          expect(existsSync(join(ROOT, 'cdk.out', `${stack}.template.json`))).toBe(true);
      },
    },
  ],
  ['npm run cdk -- deploy --all', { skip: 'deploys to an AWS account, which tests never have; what it deploys is checked in test/cdk' }],
  ['npm run cdk -- destroy InfluenceRouterService', { skip: 'removes a deployed stack from an AWS account, which tests never have' }],
  [
    'npm run cdk -- destroy InfluenceRouterData',
    {
      skip: 'removes a deployed stack from an AWS account, which tests never have; test/cdk checks the stack is termination-protected and keeps its table and key',
    },
  ],
  ['npm run simulate -- --help', { check: prints('usage: npm run simulate', '--tenants') }],
  [
    'npm run load -- --events 5000 --fault-rate 0.15',
    { skip: 'minutes of load with faults; test/e2e/load.test.ts runs the same run with fewer events' },
  ],
  [
    'LOCAL_QUEUE=sqs npm run load -- --events 1000 --fault-rate 0.1',
    { skip: 'a minute of load with faults in real time; test/e2e/load.test.ts runs it on the SQS emulator with fewer events' },
  ],
  ['npm run bench -- --help', { check: prints('usage: npm run bench', 'bundles', 'e2e', 'import', 'nps', 'report') }],
  ['npm run bench -- e2e', { skip: 'a benchmark: performance is measured by npm run bench, never by tests' }],
  ['npm run bench -- bundles', { skip: 'a benchmark: performance is measured by npm run bench, never by tests' }],
  ['npm run bench -- import', { skip: 'a benchmark: performance is measured by npm run bench, never by tests' }],
  ['npm run bench -- report', { skip: 'a benchmark: performance is measured by npm run bench, never by tests' }],
  ['npm run bench -- tenants', { skip: 'a benchmark: performance is measured by npm run bench, never by tests' }],
  ['npm run tenants -- --help', { check: prints('npm run tenants -- add --file', 'history <tenant>', 'import --file') }],
  [
    'npm run tenants -- update',
    { skip: 'named in passing; test/e2e/tenants-command.test.ts runs update with --set against a running stack' },
  ],
  [
    'npm run tenants -- update demo --set policy.mode=shadow',
    {
      skip: 'changes the demo tenant this walk relies on; test/e2e/tenants-command.test.ts runs the same update and sees the next decision in shadow mode',
    },
  ],
  [
    'npm run tenants -- add --file acme.json --reason "onboarding Acme" --check-secrets',
    {
      skip: 'against a deployed table (AWS_REGION, TABLE_NAME), which tests never have; test/e2e/tenants-command.test.ts adds a tenant the same way locally',
    },
  ],
  [
    'npm run tenants -- update acme --set policy.mode=active --reason "shadow month looked right"',
    { skip: 'against a deployed table, which tests never have; test/e2e/tenants-command.test.ts runs update --set locally' },
  ],
  [
    'npm run tenants -- history acme',
    { skip: 'against a deployed table, which tests never have; test/e2e/tenants-command.test.ts runs history locally' },
  ],
  [
    'npm run tenants -- import --file docs/examples/tenants.example.json',
    { skip: 'against a deployed table, which tests never have; test/e2e/tenants-upgrade.test.ts imports the example file locally' },
  ],
  ['npm run bench -- nps', { skip: 'a benchmark: performance is measured by npm run bench, never by tests' }],
  ['npm run bench -- networks', { skip: 'a benchmark: performance is measured by npm run bench, never by tests' }],
  ['npm run tenants -- list', { check: prints('demo', 'demo-freshdesk', 'demo-generic') }],
  [
    'npm run screenshots',
    {
      skip: 'rewrites the committed screenshots; the browser tests it runs are part of npm test, and check that each screenshot is current',
    },
  ],
]);

/** The step for the `occurrence`-th time (0-based) the documents show a command. */
function stepFor(command: ShownCommand, occurrence: number): Step | undefined {
  const step = STEPS.get(command.text);
  return Array.isArray(step) ? step[occurrence] : step;
}

const occurrences = new Map<string, number>();
const WALK = COMMANDS.map((command) => {
  const occurrence = occurrences.get(command.text) ?? 0;
  occurrences.set(command.text, occurrence + 1);
  return { command, step: stepFor(command, occurrence) };
});

/** Runs one command as a shell would, in the walk's folder, finding the stack through its state file. */
function sh(text: string, dir: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', text], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Where a command is shown, padded so that the walk's report lines up. */
const at = (command: ShownCommand) => `${command.file}:${command.line}`.padEnd(26);

describe('the README and docs/, walked in order against npm start on other ports', () => {
  let stack: ChildProcess | undefined;
  let walk: Walk;
  let env: NodeJS.ProcessEnv;
  const report: string[] = [];

  beforeAll(async () => {
    mkdirSync(join(ROOT, '.local'), { recursive: true });
    // Inside the project, so that npm finds it from there, as from any folder of a checkout.
    const dir = mkdtempSync(join(ROOT, '.local', 'readme-walk-'));
    const stateFile = join(dir, 'stack.json');
    writeFileSync(join(dir, 'scores.csv'), `${SCORES_CSV.trim()}\n`);
    const [port, sandboxPort, dynamoPort] = [await freePort(), await freePort(), await freePort()];
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) =>
          ![
            'PORT',
            'SANDBOX_PORT',
            'SANDBOX_URL',
            'DYNAMODB_ENDPOINT',
            'DYNAMODB_LOCAL_PORT',
            'TABLE_NAME',
            'INIT_CWD',
            'POWERTOOLS_LOG_LEVEL',
          ].includes(name),
      ),
    );
    env = { ...inherited, INFLUENCE_ROUTER_STACK_FILE: stateFile, NO_COLOR: '1' };
    stack = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { ...env, PORT: String(port), SANDBOX_PORT: String(sandboxPort), DYNAMODB_LOCAL_PORT: String(dynamoPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, signalled as a terminal's Ctrl+C signals one.
      detached: true,
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      stack?.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Press Ctrl+C to stop.')) resolve();
      });
      stack?.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
      stack?.on('exit', () => reject(new Error(`npm start ended early: ${out}`)));
    });
    walk = { url: `http://127.0.0.1:${port}`, sandboxUrl: `http://127.0.0.1:${sandboxPort}`, dir };
    report.push(`npm start on PORT=${port} SANDBOX_PORT=${sandboxPort} DYNAMODB_LOCAL_PORT=${dynamoPort}, commands run in ${dir}`);
  }, 120_000);

  afterAll(async () => {
    if (stack?.pid !== undefined && stack.exitCode === null) {
      const exited = new Promise((resolve) => stack?.on('exit', resolve));
      process.kill(-stack.pid, 'SIGTERM');
      await exited;
    }
    if (walk) rmSync(walk.dir, { recursive: true, force: true });
    const templates = SHOWN.filter((command) => command.template).map((command) => `  ${at(command)}  template   ${command.text}`);
    console.log([...report, ...templates].join('\n'));
  }, 30_000);

  it('reads every page of docs/', () => {
    expect(docsPagesOnDisk(ROOT), 'pages of docs/ missing from DOCUMENTS in test/support/documents.ts').toEqual(
      DOCUMENTS.filter((path) => path.startsWith('docs/')).sort(),
    );
  });

  it('has a check, or a reason not to run it, for every command the documents show, and none for a command they no longer show', () => {
    const unchecked = WALK.filter(({ step }) => step === undefined).map(
      ({ command }) => `${command.file}:${command.line}: ${command.text}`,
    );
    const stale = [...STEPS]
      .filter(([text, step]) => (occurrences.get(text) ?? 0) !== (Array.isArray(step) ? step.length : 1))
      .map(([text]) => text);

    expect(unchecked, 'commands shown with no check here').toEqual([]);
    expect(stale, 'checks for commands the documents no longer show (or show another number of times)').toEqual([]);
  });

  for (const { command, step } of WALK) {
    if (step === undefined) continue;
    const name = `${command.file}:${command.line}: ${command.text}`;
    if ('skip' in step) {
      it(`${name}: not run, with its reason`, () => {
        expect(step.skip.length).toBeGreaterThan(20);
        report.push(`  ${at(command)}  not run    ${command.text}  (${step.skip})`);
      });
      continue;
    }
    it(
      name,
      async () => {
        // The documents' commands name the default ports; the walk's stack listens on others.
        const text = command.text
          .replaceAll('127.0.0.1:3000', walk.url.slice('http://'.length))
          .replaceAll('127.0.0.1:3001', walk.sandboxUrl.slice('http://'.length));
        const started = performance.now();
        let ran = await sh(text, walk.dir, env);
        if (step.settles) {
          await eventually(async () => {
            try {
              await step.check(ran, walk);
            } catch (error) {
              ran = await sh(text, walk.dir, env);
              throw error;
            }
          });
        } else {
          await step.check(ran, walk);
        }
        report.push(
          `  ${at(command)}  ok ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s  ${command.text.length > 100 ? `${command.text.slice(0, 97)}...` : command.text}`,
        );
      },
      120_000,
    );
  }
});
