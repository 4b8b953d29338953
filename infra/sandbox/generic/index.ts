/** The sandbox's generic helpdesk: the receiver of decisions (at `/generic`), its tickets and its demo tenant. */
export { GENERIC_DEMO, genericDemo } from './demo.js';
export { createGenericPart, genericPart } from './part.js';
export type {
  SandboxGeneric,
  SandboxGenericDecision,
  SandboxGenericOptions,
  SandboxGenericPriority,
  SandboxGenericRequester,
  SandboxGenericTicket,
  SandboxGenericTicketInput,
} from './types.js';
