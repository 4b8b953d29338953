import type { Tenant } from '../../shared/adapters/config/tenants.js';
import { html, type Html } from './html.js';
import { layout, time } from './layout.js';

/** One queued or dead-lettered event as the console lists it. */
export interface QueuedEventView {
  messageId: string;
  receiveCount: number;
  deadLetteredAt?: string;
  deadLetterReason?: string;
  type?: string;
  tenant?: string;
  source?: string;
  deliveryId?: string;
  ticketId?: string;
  unparseable?: boolean;
}

function queueTable(events: readonly QueuedEventView[], deadLetters: boolean): Html {
  if (events.length === 0) return html`<p class="empty">${deadLetters ? 'The dead-letter queue is empty.' : 'Nothing waiting.'}</p>`;
  return html`<table>
    <thead>
      <tr>
        <th>Message</th>
        <th>Event</th>
        <th>Tenant</th>
        <th>Ticket</th>
        ${
          deadLetters
            ? html`<th>Dead-lettered</th>
                <th>Reason</th>
                <th></th>`
            : html`<th>Receives</th>`
        }
      </tr>
    </thead>
    <tbody>
      ${events.map(
        (event) =>
          html`<tr>
            <td><code>${event.messageId.slice(0, 8)}</code></td>
            <td>${event.unparseable ? 'unreadable body' : `${event.type ?? ''} from ${event.source ?? ''}`}</td>
            <td>${event.tenant}</td>
            <td>${event.ticketId}</td>
            ${
              deadLetters
                ? html`<td>${event.deadLetteredAt ? time(event.deadLetteredAt) : html`<small>not recorded</small>`}</td>
                    <td>${event.deadLetterReason ?? ''}</td>
                    <td>
                      <form method="post" action="/console/queue/replay">
                        <input type="hidden" name="messageId" value="${event.messageId}" /><button type="submit">Replay</button>
                      </form>
                    </td>`
                : html`<td>${event.receiveCount}</td>`
            }
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/**
 * The queue and the dead-letter queue, with replay of one event or all; `caveats` say how the
 * queue behind the page differs from SQS as deployed (none for the in-process queue).
 */
export function queuePage(
  pending: readonly QueuedEventView[],
  deadLetters: readonly QueuedEventView[],
  tenants: readonly Tenant[],
  replayed?: number,
  caveats: readonly string[] = [],
): string {
  const body = html` ${replayed === undefined ? '' : html`<p class="notice" role="status">Replayed ${replayed} ${replayed === 1 ? 'event' : 'events'}: each is applied once, or comes back here with its reason.</p>`}
    ${
      caveats.length === 0
        ? ''
        : html`<section class="caveats" aria-label="About this queue">
            <ul>
              ${caveats.map((caveat) => html`<li>${caveat}</li>`)}
            </ul>
          </section>`
    }
    <h2>Waiting (${pending.length})</h2>
    ${queueTable(pending, false)}
    <h2>Dead-letter queue (${deadLetters.length})</h2>
    ${queueTable(deadLetters, true)}
    ${deadLetters.length > 1 ? html`<form method="post" action="/console/queue/replay"><button type="submit">Replay all ${deadLetters.length}</button></form>` : ''}`;
  return layout('Queue', 'queue', body, tenants);
}
