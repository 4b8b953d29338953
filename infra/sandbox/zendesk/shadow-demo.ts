import type { TenantInput } from '../../../shared/adapters/config/tenants.js';
import type { PolicyInput } from '../../../shared/domain/policy.js';
import type { Sandbox } from '../sandbox.js';
import { zendeskDemo } from './demo.js';
import { zendeskPart } from './part.js';

const SHADOW_TENANT = 'demo-shadow';

/**
 * The shadow-mode demo: a second tenant on the demo Zendesk account, with the Zendesk demo's
 * credentials and people, whose policy decides and records but never writes back. Ada has a
 * ticket of her own there, so its shadow decision can be read beside a ticket that stays as it was.
 */
export const zendeskShadowDemo = {
  tenantId: SHADOW_TENANT,
  helpdesk: zendeskDemo.helpdesk,
  source: zendeskDemo.source,
  /** The tenant: the Zendesk demo's, in shadow mode, with the Zendesk webhook only. */
  tenant(sandboxUrl: string, policy?: PolicyInput): TenantInput {
    const demo = zendeskDemo.tenant(sandboxUrl, policy);
    return {
      ...demo,
      id: SHADOW_TENANT,
      name: 'Demo company in shadow mode (local only)',
      sources: { zendesk: demo.sources.zendesk },
      policy: { ...policy, mode: 'shadow' },
    };
  },
  /** Ada's ticket for the shadow tenant, created after the Zendesk demo's three; its id. */
  seed(sandbox: Sandbox): string {
    const ticket = sandbox.part(zendeskPart).createTicket({
      subject: 'Printer jammed',
      description: 'Paper is stuck in tray 2.',
      // Ada, the Zendesk demo's user 1001, scored high in every demo tenant.
      requesterId: 1001,
      priority: 'normal',
      tags: ['printer'],
    });
    return String(ticket.id);
  },
} as const;
