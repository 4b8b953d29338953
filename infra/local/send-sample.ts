import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEMO } from './stack.js';
import { signedTicketCreated } from './zendesk-deliveries.js';

const SandboxTicketSchema = z.object({
  id: z.number(),
  subject: z.string(),
  priority: z.enum(['low', 'normal', 'high', 'urgent']).nullable(),
  status: z.string(),
  tags: z.array(z.string()),
  group_id: z.number().nullable(),
  requester_id: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
  via: z.object({ channel: z.string() }),
});

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? '3000'}` },
    sandbox: { type: 'string' },
    tenant: { type: 'string', default: DEMO.tenant },
    ticket: { type: 'string', default: '1' },
    secret: { type: 'string', default: process.env.ZENDESK_SIGNING_SECRET ?? DEMO.signingSecret },
  },
});

const port = Number(new URL(values.url).port || '80');
const sandboxUrl = values.sandbox ?? `http://127.0.0.1:${port + 1}`;

// The sample is the webhook Zendesk would send for a ticket the sandbox holds, so it can be applied.
const response = await fetch(`${sandboxUrl}/sandbox/tickets/${encodeURIComponent(values.ticket)}`).catch(() => undefined);
if (!response?.ok) {
  console.error(`Cannot read ticket ${values.ticket} from the sandbox at ${sandboxUrl}. Is "npm start" running?`);
  process.exit(1);
}
const ticket = SandboxTicketSchema.parse(await response.json());
const delivery = signedTicketCreated({ ticket, secret: values.secret });
const target = `${values.url}/webhooks/${encodeURIComponent(values.tenant)}/zendesk`;
const answer = await fetch(target, { method: 'POST', headers: delivery.headers, body: delivery.body });
console.log(`POST ${target} -> ${answer.status} ${await answer.text()}`);
if (answer.status === 202) {
  console.log(`Watch the ticket change: curl ${sandboxUrl}/sandbox/tickets/${ticket.id}`);
}
process.exit(answer.status === 202 ? 0 : 1);
