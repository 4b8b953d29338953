import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { CONSOLE_READ_OPERATIONS } from '../../../infra/console/read-only-client.js';
import { CONSOLE_QUEUE_ACTIONS } from '../../../infra/console/table-console.js';
import { REPO_ROOT } from '../../support/documents.js';

/*
 * The least permissions docs/deploying.md gives a reader and an operator of `npm run console` are
 * the calls the console's code can make: the DynamoDB operations its client lets through, and the
 * SQS calls in its source, with what a message move task needs.
 */

const PolicySchema = z.object({
  Version: z.literal('2012-10-17'),
  Statement: z.array(z.object({ Sid: z.string(), Effect: z.literal('Allow'), Action: z.array(z.string()), Resource: z.array(z.string()) })),
});
type Policy = z.infer<typeof PolicySchema>;

const page = readFileSync(join(REPO_ROOT, 'docs', 'deploying.md'), 'utf8');

/** The JSON block that follows `marker` on the page. */
function policyAfter(marker: string): Policy {
  const at = page.indexOf(marker);
  expect(at, `docs/deploying.md has no "${marker}"`).toBeGreaterThan(-1);
  const block = /```json\n([\s\S]*?)\n```/.exec(page.slice(at));
  return PolicySchema.parse(JSON.parse(block?.[1] ?? 'null'));
}

const actionsOf = (policy: Policy, service: string) =>
  [...new Set(policy.Statement.flatMap((statement) => statement.Action).filter((action) => action.startsWith(`${service}:`)))].sort();
const statement = (policy: Policy, sid: string) => policy.Statement.find((candidate) => candidate.Sid === sid);

describe('the console’s least permissions in docs/deploying.md', () => {
  const reader = policyAfter('For a **reader**');
  const operator = policyAfter('For an **operator**');

  it('lets a reader make exactly the DynamoDB reads the console’s client lets through, on the table and its indexes', () => {
    expect(actionsOf(reader, 'dynamodb')).toEqual(CONSOLE_READ_OPERATIONS.map((operation) => `dynamodb:${operation}`).sort());
    expect(statement(reader, 'ReadDecisionsAndAnswers')?.Resource.some((arn) => arn.endsWith('/index/*'))).toBe(true);
  });

  it('lets a reader count the queues and nothing more of SQS', () => {
    expect(actionsOf(reader, 'sqs')).toEqual([...CONSOLE_QUEUE_ACTIONS.iam.read].sort());
  });

  it('gives an operator the reader’s statements and the message move task’s, each on its own queue', () => {
    expect(operator.Statement.slice(0, reader.Statement.length)).toEqual(reader.Statement);
    expect(statement(operator, 'ReplayFromTheDeadLetterQueue')?.Action).toEqual([...CONSOLE_QUEUE_ACTIONS.iam.replayDeadLetterQueue]);
    expect(statement(operator, 'ReplayFromTheDeadLetterQueue')?.Resource).toEqual(['<dead-letter queue ARN>']);
    expect(statement(operator, 'ReplayIntoTheEventQueue')?.Action).toEqual([...CONSOLE_QUEUE_ACTIONS.iam.replayEventQueue]);
    expect(statement(operator, 'ReplayIntoTheEventQueue')?.Resource).toEqual(['<event queue ARN>']);
  });

  it('names every SQS call the console’s source makes, and each is allowed by the policy it belongs to', () => {
    const source = readFileSync(join(REPO_ROOT, 'infra', 'console', 'table-console.ts'), 'utf8');
    const calls = [...source.matchAll(/\.call\('([A-Za-z]+)'/g)].map((match) => match[1]).sort();

    expect(calls).toEqual([...CONSOLE_QUEUE_ACTIONS.calls.read, ...CONSOLE_QUEUE_ACTIONS.calls.replay].sort());
    for (const call of CONSOLE_QUEUE_ACTIONS.calls.read) expect(actionsOf(reader, 'sqs')).toContain(`sqs:${call}`);
    for (const call of CONSOLE_QUEUE_ACTIONS.calls.replay) expect(actionsOf(operator, 'sqs')).toContain(`sqs:${call}`);
    expect(actionsOf(reader, 'sqs')).not.toContain('sqs:StartMessageMoveTask');
  });
});
