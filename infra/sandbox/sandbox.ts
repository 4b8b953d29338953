import { createFreshdeskPart, type SandboxFreshdesk, type SandboxFreshdeskOptions } from './freshdesk/part.js';
import { createGenericPart } from './generic/part.js';
import type { SandboxGeneric, SandboxGenericOptions } from './generic/types.js';
import { FaultControl, type SandboxPart } from './http.js';
import { type MountedPart, serveSandbox } from './server.js';
import { createZendeskPart } from './zendesk/part.js';
import type { SandboxZendesk, SandboxZendeskOptions } from './zendesk/types.js';

export type {
  SandboxFreshdesk,
  SandboxFreshdeskContact,
  SandboxFreshdeskContactInput,
  SandboxFreshdeskOptions,
  SandboxFreshdeskPriority,
  SandboxFreshdeskTicket,
  SandboxFreshdeskTicketInput,
} from './freshdesk/part.js';
export type {
  SandboxGeneric,
  SandboxGenericDecision,
  SandboxGenericOptions,
  SandboxGenericPriority,
  SandboxGenericRequester,
  SandboxGenericTicket,
  SandboxGenericTicketInput,
} from './generic/types.js';
export type { SandboxFault, SandboxPart, SandboxRequest } from './http.js';
export type { SandboxPriority, SandboxTicket, SandboxTicketInput, SandboxUser, SandboxZendesk, SandboxZendeskOptions } from './zendesk/types.js';

/** Which helpdesks the sandbox speaks, and on which port. */
export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Always present, at the root, where Zendesk clients expect `/api/v2/...`. */
  zendesk: SandboxZendeskOptions;
  /** Mounted at `/freshdesk` when given. */
  freshdesk?: SandboxFreshdeskOptions;
  /** Mounted at `/generic` when given. */
  generic?: SandboxGenericOptions;
}

/** A running sandbox: the helpdesks configured, on one loopback port. */
export interface Sandbox {
  /** `http://127.0.0.1:<port>`; the HTML page is `{baseUrl}/sandbox`. */
  baseUrl: string;
  zendesk: SandboxZendesk;
  /** Present when the sandbox was started with `freshdesk` options. */
  freshdesk?: SandboxFreshdesk;
  /** Present when the sandbox was started with `generic` options. */
  generic?: SandboxGeneric;
  close(): Promise<void>;
}

/**
 * Starts the sandbox helpdesk server on 127.0.0.1 with Zendesk at the root and, when configured,
 * Freshdesk at `/freshdesk` and the generic helpdesk's receiver at `/generic`. The parts given are
 * present (not optional) on the result's type.
 *
 * @example
 * const sandbox = await startSandbox({ zendesk: { email: 'bot@acme.test', apiToken: 'token' }, generic: { signingSecret } });
 * sandbox.generic.createTicket({ subject: 'Help', requester: { email: 'ada@example.com' } });
 * await sandbox.close();
 */
export function startSandbox(
  options: SandboxOptions & { freshdesk: SandboxFreshdeskOptions; generic: SandboxGenericOptions },
): Promise<Sandbox & { freshdesk: SandboxFreshdesk; generic: SandboxGeneric }>;
export function startSandbox(options: SandboxOptions & { freshdesk: SandboxFreshdeskOptions }): Promise<Sandbox & { freshdesk: SandboxFreshdesk }>;
export function startSandbox(options: SandboxOptions & { generic: SandboxGenericOptions }): Promise<Sandbox & { generic: SandboxGeneric }>;
export function startSandbox(options: SandboxOptions): Promise<Sandbox>;
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  let baseUrl = '';
  // The parts build their URLs (ticket `url` fields, `api.baseUrl`) after the port is known.
  const currentBaseUrl = (): string => baseUrl;
  const mounted: MountedPart[] = [];
  const mount = <T>(create: (control: FaultControl) => { part: SandboxPart; api: T }): T => {
    const control = new FaultControl();
    const { part, api } = create(control);
    mounted.push({ part, control });
    return api;
  };

  const zendesk = mount((control) => createZendeskPart(options.zendesk, control, currentBaseUrl));
  const freshdeskOptions = options.freshdesk;
  const freshdesk = freshdeskOptions ? mount((control) => createFreshdeskPart(freshdeskOptions, control, currentBaseUrl)) : undefined;
  const genericOptions = options.generic;
  const generic = genericOptions ? mount((control) => createGenericPart(genericOptions, control, currentBaseUrl)) : undefined;

  const server = await serveSandbox(mounted, options.port ?? 0);
  baseUrl = server.baseUrl;
  return {
    baseUrl,
    zendesk,
    ...(freshdesk ? { freshdesk } : {}),
    ...(generic ? { generic } : {}),
    close: () => server.close(),
  };
}

/** A sandbox with only the Zendesk part: its hooks, and `close` for the whole server. */
export type SandboxZendeskServer = SandboxZendesk & { close(): Promise<void> };

/**
 * Starts a sandbox with only the Zendesk part and answers its hooks with `close`, the shape the
 * Zendesk client tests and local mode use.
 *
 * @example
 * const zendesk = await startSandboxZendesk({ email: 'bot@acme.test', apiToken: 'token' });
 * const user = zendesk.createUser({ name: 'Ada', email: 'ada@example.com', external_id: null, user_fields: {}, identities: [] });
 * zendesk.createTicket({ subject: 'Help', description: 'My printer is on fire', requesterId: user.id });
 * await zendesk.close();
 */
export async function startSandboxZendesk(options: SandboxZendeskOptions & { port?: number }): Promise<SandboxZendeskServer> {
  const { port, ...zendesk } = options;
  const sandbox = await startSandbox({ port, zendesk });
  // Spreading reads the `baseUrl` getter once, now that the port is known.
  return { ...sandbox.zendesk, close: () => sandbox.close() };
}
