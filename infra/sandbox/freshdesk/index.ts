/** The sandbox Freshdesk: its part (the API v2 subset the product uses, at `/freshdesk`) and its demo tenants (contact fields; open networks). */
export { FRESHDESK_DEMO, freshdeskDemo } from './demo.js';
export { freshdeskNetworksDemo } from './networks-demo.js';
export { createFreshdeskPart, freshdeskPart } from './part.js';
export type {
  SandboxFreshdesk,
  SandboxFreshdeskContact,
  SandboxFreshdeskContactInput,
  SandboxFreshdeskOptions,
  SandboxFreshdeskPriority,
  SandboxFreshdeskTicket,
  SandboxFreshdeskTicketInput,
} from './types.js';
