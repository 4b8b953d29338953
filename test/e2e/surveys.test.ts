import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { ScanCommand } from '../../shared/adapters/aws/dynamodb.js';
import { DynamoSurveyAnswerIndex } from '../../shared/adapters/store/survey-index.js';
import { createDocumentClient } from '../../shared/adapters/store/dynamo-client.js';
import { SURVEY_SAMPLES } from '../../infra/sandbox/index.js';
import type { SignedDelivery } from '../../infra/sandbox/sandbox-demo.js';
import type { SampleAnswer } from '../../infra/sandbox/survey-sample.js';
import { signedTicketCreated, ZENDESK_DEMO, zendeskPart } from '../../infra/sandbox/zendesk/index.js';
import { runSendSurvey } from '../../infra/commands/send-survey.js';
import { DEMO, type LocalStack, startLocalStack } from '../../infra/local/stack.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
// An answer dead-lettered on purpose would print an ERROR line that reads as a failure in a
// passing run: the stack's logs are silenced (set POWERTOOLS_LOG_LEVEL to see them); the checks are
// on what the helpdesk and the table hold, and a failing one prints what it found.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

let stack: LocalStack;
let index: DynamoSurveyAnswerIndex;

beforeAll(async () => {
  stack = await startLocalStack({
    dynamoEndpoint: inject('dynamoDbEndpoint'),
    tableName: `e2e-${randomUUID().slice(0, 8)}`,
    seedDemo: true,
    queue: { timeScale: 0.05, maxReceiveCount: 4, visibilityTimeoutMs: 30_000, pollIntervalMs: 5 },
    retryPolicy: { baseDelaySeconds: 1, maxDelaySeconds: 8 },
  });
  index = new DynamoSurveyAnswerIndex(createDocumentClient({ endpoint: stack.dynamoEndpoint }), stack.tableName);
});

afterAll(async () => {
  await stack?.close();
});

const PEOPLE = {
  ada: { email: 'ada@example.com', userId: '1001' },
  grace: { email: 'grace@example.com', userId: '1002' },
  alan: { email: 'alan@example.com', userId: '1003' },
} as const;

function newTicket(requesterId: number, tags: string[] = ['printer']): string {
  return String(
    stack.sandbox.part(zendeskPart).createTicket({ subject: 'Help', description: 'It broke.', requesterId, priority: 'normal', tags }).id,
  );
}

/** A ticket whose ticket.created webhook was processed: the router knows whose ticket it is. */
async function decidedTicket(requesterId: number, tags: string[] = ['printer']): Promise<string> {
  const id = newTicket(requesterId, tags);
  const ticket = zendeskTicket(id);
  if (!ticket) throw new Error('no ticket');
  const response = await post('zendesk', signedTicketCreated({ ticket, secret: ZENDESK_DEMO.signingSecret }));
  expect(response.status).toBe(202);
  await stack.queue.drained();
  return id;
}

async function post(source: string, delivery: SignedDelivery): Promise<Response> {
  return fetch(`${stack.url}/webhooks/${DEMO.tenant}/${source}`, { method: 'POST', headers: delivery.headers, body: delivery.body });
}

async function send(source: string, answer: SampleAnswer): Promise<Response> {
  const sample = SURVEY_SAMPLES[source];
  if (!sample) throw new Error(`no sample for ${source}`);
  const response = await post(source, sample.deliver(answer));
  await stack.queue.drained();
  return response;
}

async function indexed(responseId: string) {
  const day = 86_400_000;
  const { answers } = await index.inPeriod(DEMO.tenant, new Date(Date.now() - 2 * day), new Date(Date.now() + day));
  return answers.filter((answer) => answer.responseId === responseId);
}

/** The answer as kept in its customer's partition (with its comment), wherever that customer is. */
async function storedAnswers(answerId: string): Promise<Record<string, unknown>[]> {
  const client = createDocumentClient({ endpoint: stack.dynamoEndpoint });
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: stack.tableName,
        FilterExpression: '#sk = :sk',
        ExpressionAttributeNames: { '#sk': 'sk' },
        ExpressionAttributeValues: { ':sk': `SURVEY#${answerId}` },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

const zendeskTicket = (id: string) => stack.sandbox.part(zendeskPart).ticket(Number(id));
const internalNotes = (id: string) => zendeskTicket(id)?.comments.filter((c) => !c.public) ?? [];

describe.each([
  ['typeform', 9],
  ['delighted', 9],
  ['generic-survey', 9],
  ['zendesk-csat', 2],
])('%s answers', (source, goodScore) => {
  it('are accepted, stored once and indexed with the tier', async () => {
    const responseId = `${source}-${randomUUID().slice(0, 8)}`;
    const ticketId = await decidedTicket(1001);

    const response = await send(source, {
      responseId: source === 'zendesk-csat' ? `ticket-${ticketId}` : responseId,
      score: goodScore,
      email: PEOPLE.ada.email,
      userId: PEOPLE.ada.userId,
      ticketId,
    });

    expect(response.status).toBe(202);
    const stored = await indexed(`${source}:${source === 'zendesk-csat' ? `ticket-${ticketId}` : responseId}`);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ source, kind: source === 'zendesk-csat' ? 'csat' : 'nps', score: goodScore, tier: 'high' });
  });

  it('are refused with 401 when the signature is wrong, and nothing is enqueued', async () => {
    const sample = SURVEY_SAMPLES[source];
    if (!sample) throw new Error('no sample');
    const delivery = sample.deliver({ responseId: 'r-bad', score: goodScore, email: PEOPLE.ada.email, ticketId: '1' });
    const tampered = { ...delivery, body: delivery.body.replace(String(goodScore), '0') };

    const response = await post(source, tampered);

    expect(response.status).toBe(401);
    expect(stack.queue.pending()).toHaveLength(0);
  });

  it('are refused with 400 when malformed, and nothing is enqueued', async () => {
    const sample = SURVEY_SAMPLES[source];
    if (!sample) throw new Error('no sample');
    // Correctly signed, but a score off every scale (or, for Zendesk's ratings, a ticket id that is not one).
    const answer = source === 'zendesk-csat' ? { score: 1, ticketId: 'not-a-ticket' } : { score: 11, ticketId: '1' };
    const response = await post(source, sample.deliver({ responseId: 'r-malformed', email: PEOPLE.ada.email, ...answer }));

    expect(response.status).toBe(400);
    expect(stack.queue.pending()).toHaveLength(0);
  });

  it('count a created-then-updated answer, and a duplicate delivery, once', async () => {
    const ticketId = newTicket(1002);
    const responseId = source === 'zendesk-csat' ? `ticket-${ticketId}` : `${source}-${randomUUID().slice(0, 8)}`;
    const answer: SampleAnswer = { responseId, score: 1, email: PEOPLE.grace.email, userId: PEOPLE.grace.userId, ticketId };

    await send(source, answer);
    await send(source, { ...answer, phase: 'updated', comment: 'Still waiting.' });
    await send(source, { ...answer, phase: 'updated', comment: 'Still waiting.' });

    expect(await indexed(`${source}:${responseId}`)).toHaveLength(1);
    // Grace has no score: a detractor gets the tag and the note, no uplift, and only once.
    expect(internalNotes(ticketId).length).toBeLessThanOrEqual(1);
  });
});

describe('answers that arrive out of order', () => {
  it('keep a Delighted update and its comment when the created delivery comes again after it (9, then 3, then 9 again)', async () => {
    // Arrange
    const ticketId = await decidedTicket(1001);
    const responseId = String(Math.floor(Math.random() * 1e9));
    const answer: SampleAnswer = {
      responseId,
      score: 9,
      email: PEOPLE.ada.email,
      userId: PEOPLE.ada.userId,
      ticketId,
      answeredAt: new Date(Date.now() - 60_000),
    };
    const created = SURVEY_SAMPLES['delighted']?.deliver(answer);
    if (!created) throw new Error('no Delighted sample');
    expect((await post('delighted', created)).status).toBe(202);
    await stack.queue.drained();
    await send('delighted', { ...answer, score: 3, phase: 'updated', comment: 'Still broken after three calls.' });
    const notes = internalNotes(ticketId).length;
    const tags = zendeskTicket(ticketId)?.tags;

    // Act: the created delivery again, byte for byte.
    const replay = await post('delighted', created);
    await stack.queue.drained();

    // Assert
    expect(replay.status).toBe(202);
    expect(await storedAnswers(`delighted:${responseId}`)).toMatchObject([{ score: 3, comment: 'Still broken after three calls.' }]);
    expect(await indexed(`delighted:${responseId}`)).toMatchObject([{ score: 3 }]);
    expect(internalNotes(ticketId)).toHaveLength(notes);
    expect(zendeskTicket(ticketId)?.tags).toEqual(tags);
    expect(tags).toContain('nps_detractor');
  });

  it('keep the update when the created delivery comes back from the dead-letter queue after it, and follow up no more', async () => {
    // Arrange: the created answer (a detractor) is stored, but its follow-up keeps failing: it ends in the dead-letter queue.
    const ticketId = await decidedTicket(1001);
    const responseId = String(Math.floor(Math.random() * 1e9));
    const answer: SampleAnswer = {
      responseId,
      score: 3,
      email: PEOPLE.ada.email,
      userId: PEOPLE.ada.userId,
      ticketId,
      answeredAt: new Date(Date.now() - 60_000),
    };
    stack.sandbox.part(zendeskPart).failNext({ status: 503, count: 4, method: 'PUT', pathPrefix: `/api/v2/tickets/${ticketId}` });
    await send('delighted', answer);
    await vi.waitFor(() => expect(stack.queue.deadLettered()).toHaveLength(1));
    // Ada changed her mind: the update (a promoter) is the newer version.
    await send('delighted', { ...answer, score: 9, phase: 'updated', comment: 'Sorted the next day, thanks.' });
    const notes = internalNotes(ticketId).length;
    const tags = zendeskTicket(ticketId)?.tags;

    // Act
    const replay = (await (await fetch(`${stack.url}/admin/dlq/replay`, { method: 'POST' })).json()) as { replayed: number };
    await stack.queue.drained();

    // Assert
    expect(replay.replayed).toBe(1);
    expect(stack.queue.deadLettered()).toHaveLength(0);
    expect(await storedAnswers(`delighted:${responseId}`)).toMatchObject([{ score: 9, comment: 'Sorted the next day, thanks.' }]);
    expect(await indexed(`delighted:${responseId}`)).toMatchObject([{ score: 9 }]);
    expect(internalNotes(ticketId)).toHaveLength(notes);
    expect(zendeskTicket(ticketId)?.tags).toEqual(tags);
  });

  it('keep a generic survey update sent before the original answer, and the original decides nothing (2, then 10)', async () => {
    // Arrange
    const ticketId = await decidedTicket(1001);
    const answer: SampleAnswer = {
      responseId: `gs-${randomUUID()}`,
      score: 2,
      email: PEOPLE.ada.email,
      ticketId,
      answeredAt: new Date(Date.now() - 60_000),
    };
    const notesBefore = internalNotes(ticketId).length;
    await send('generic-survey', { ...answer, phase: 'updated', comment: 'Worse than before.' });
    const notes = internalNotes(ticketId).length;
    expect(notes).toBe(notesBefore + 1);
    const tags = zendeskTicket(ticketId)?.tags;

    // Act: the original answer, sent after its update.
    await send('generic-survey', { ...answer, score: 10 });

    // Assert
    expect(await storedAnswers(`generic-survey:${answer.responseId}`)).toMatchObject([{ score: 2, comment: 'Worse than before.' }]);
    expect(await indexed(`generic-survey:${answer.responseId}`)).toMatchObject([{ score: 2 }]);
    expect(internalNotes(ticketId)).toHaveLength(notes);
    expect(zendeskTicket(ticketId)?.tags).toEqual(tags);
    expect(internalNotes(ticketId).at(-1)?.body).toContain('Recent NPS: detractor (2/10');
  });
});

describe('npm run send-survey', () => {
  it('sends an answer as the tool would and says what it did; bad arguments exit 2 naming the option', async () => {
    const ticketId = await decidedTicket(1001);
    const lines: string[] = [];
    const output = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) };

    const code = await runSendSurvey(['--source', 'delighted', '--score', '3', '--ticket', ticketId, '--url', stack.url], {}, output);
    await stack.queue.drained();
    const bad = await runSendSurvey(['--source', 'nope', '--score', '3'], {}, output);

    expect(code).toBe(0);
    expect(lines[0]).toMatch(/-> 202 /);
    expect(zendeskTicket(ticketId)?.tags).toContain('nps_detractor');
    expect(bad).toBe(2);
    expect(lines.at(-1)).toContain('--source must be one of typeform, delighted, zendesk-csat, generic-survey');
  });
});

describe('the NPS closed loop', () => {
  it('gives a detractor answer about a known ticket the detractor tag, the uplift within the cap and a note quoting the comment', async () => {
    const ticketId = await decidedTicket(1001);
    expect(zendeskTicket(ticketId)?.priority).toBe('high');
    const tagsBefore = zendeskTicket(ticketId)?.tags ?? [];

    await send('typeform', {
      responseId: `tf-${randomUUID()}`,
      score: 2,
      comment: 'Three days, no <answer>.',
      email: PEOPLE.ada.email,
      ticketId,
    });

    const ticket = zendeskTicket(ticketId);
    // Raised once over both decisions: the cap counts from the helpdesk's own normal.
    expect(ticket?.priority).toBe('high');
    // Ada's earlier answers in this file may already have tagged the ticket at creation.
    expect(ticket?.tags).toEqual([...new Set([...tagsBefore, 'nps_detractor'])]);
    expect(internalNotes(ticketId)).toHaveLength(2);
    expect(internalNotes(ticketId)[1]?.body).toContain('Customer\'s comment: "Three days, no <answer>."');
  });

  it("refuses to act on a Typeform answer whose link names someone else's ticket", async () => {
    const ticketId = await decidedTicket(1002, ['login']);
    const before = zendeskTicket(ticketId);
    const notesBefore = internalNotes(ticketId).length;

    // Grace's ticket, answered through a link edited to carry Ada's email.
    await send('typeform', { responseId: `tf-${randomUUID()}`, score: 0, comment: 'spoofed', email: PEOPLE.ada.email, ticketId });

    expect(zendeskTicket(ticketId)?.tags).toEqual(before?.tags);
    expect(internalNotes(ticketId)).toHaveLength(notesBefore);
  });

  it("lets a detractor answer with no ticket mark the customer's next ticket", async () => {
    // Delighted stamps answers in whole seconds: a second ahead, so it is Ada's newest answer whatever the earlier tests' timing.
    await send('delighted', {
      responseId: String(Math.floor(Math.random() * 1e9)),
      score: 4,
      email: PEOPLE.ada.email,
      answeredAt: new Date(Date.now() + 1000),
    });
    const ticketId = newTicket(1001, ['billing']);
    const delivery = signedTicketCreated({
      ticket:
        zendeskTicket(ticketId) ??
        (() => {
          throw new Error('no ticket');
        })(),
      secret: ZENDESK_DEMO.signingSecret,
    });

    await post('zendesk', delivery);
    await stack.queue.drained();

    expect(zendeskTicket(ticketId)?.tags).toEqual(expect.arrayContaining(['billing', 'nps_detractor', 'influence_high']));
    expect(zendeskTicket(ticketId)?.priority).toBe('high');
    expect(internalNotes(ticketId)[0]?.body).toContain('Recent NPS: detractor (4/10');
  });

  it('gives a promoter in a high tier an advocacy tag and no priority change', async () => {
    const ticketId = await decidedTicket(1001);
    const before = zendeskTicket(ticketId)?.priority;
    const tagsBefore = zendeskTicket(ticketId)?.tags ?? [];

    await send('generic-survey', { responseId: `gs-${randomUUID()}`, score: 10, email: PEOPLE.ada.email, ticketId });

    expect(zendeskTicket(ticketId)?.priority).toBe(before);
    expect(zendeskTicket(ticketId)?.tags).toEqual([...new Set([...tagsBefore, 'nps_promoter', 'influence_advocate'])]);
    expect(zendeskTicket(ticketId)?.tags).toContain('influence_advocate');
  });

  it("stores an opted-out customer's answer for NPS and never writes for it", async () => {
    const ticketId = await decidedTicket(1003);
    const responseId = `tf-${randomUUID()}`;

    await send('typeform', { responseId, score: 0, comment: 'Terrible', email: PEOPLE.alan.email, ticketId });

    expect(zendeskTicket(ticketId)?.priority).toBe('normal');
    expect(internalNotes(ticketId)).toHaveLength(0);
    expect(await indexed(`typeform:${responseId}`)).toMatchObject([{ score: 0, tier: 'none' }]);
  });

  it('records a Zendesk satisfaction rating whose comment holds a quote', async () => {
    const ticketId = newTicket(1002);

    const response = await send('zendesk-csat', {
      responseId: `ticket-${ticketId}`,
      score: 1,
      comment: 'He said "soon" twice',
      email: PEOPLE.grace.email,
      userId: PEOPLE.grace.userId,
      ticketId,
    });

    expect(response.status).toBe(202);
    expect(await indexed(`zendesk-csat:ticket-${ticketId}`)).toMatchObject([{ kind: 'csat', score: 1, scale: 2 }]);
  });
});
