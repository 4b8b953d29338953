import * as z from 'zod';
import type { Clock, HelpdeskClient, InboundSource } from '../../domain/ports.js';
import type { ConfigMode } from './outbound-url.js';
import type { SecretRef } from './secret-ref.js';
import type { MetricFields } from './metric-fields.js';

/** The functions of a deployment; each is granted only the secrets it reads. */
export type FunctionName = 'ingest-webhook' | 'process-events' | 'refresh-scores';

/** A path into a tenant's configuration, for error messages: `['helpdesk', 'apiToken']`. */
export type ConfigPath = (string | number)[];

/** A problem with one field of a tenant's configuration. */
export interface ConfigProblem {
  path: ConfigPath;
  message: string;
}

/** A secret a tenant's configuration names, where it is named, and which functions read it. */
export interface SecretUse {
  path: ConfigPath;
  ref: SecretRef;
  readers: readonly FunctionName[];
}

/** What a helpdesk client is built with. */
export interface ClientContext {
  /** Reads a secret the configuration names. */
  resolve(ref: SecretRef): Promise<string>;
  /** The transport for a vendor's API, whose host the configuration holds to the vendor's pattern. */
  fetch?: typeof fetch;
  /**
   * The transport for a URL the operator chose instead (`field` names it in errors): where the
   * deployment reaches only public addresses, it resolves the name and connects only to an
   * address it checked.
   */
  serviceFetch(field: string): typeof fetch;
  /** Per request, connection to last byte; each client has its own default (8 s). */
  timeoutMs?: number;
  /** What the client stamps requests and reads Retry-After dates by (default the system clock). */
  clock?: Clock;
}

/** What shared code reads of every helpdesk's configuration. */
export interface HelpdeskConfigBase {
  kind: string;
  /** The share of the helpdesk's API rate limit the router may use, across all its processors. */
  apiShare: number;
  /** The helpdesk's API limit a minute, used until (or when never) its answers carry rate-limit headers. */
  requestsPerMinute: number;
}

/**
 * The share (above 0, at most 1) of the helpdesk account's API rate limit the router may use, all
 * its processors together; the rest stays free for agents and other integrations. Default 0.5.
 */
export const ApiShareSchema = z.number().gt(0).max(1).default(0.5);

/**
 * The helpdesk account's API limit a minute, for pacing while its answers carry no rate-limit
 * headers (the first calls, or a helpdesk that never sends them).
 */
export function requestsPerMinuteSchema(fallback: number) {
  return z.number().int().min(1).max(100_000).default(fallback);
}

/** One tenant's helpdesk, its configuration already parsed by its adapter's schema. */
export interface BoundHelpdesk {
  /** The adapter's name, which also qualifies its user ids (`<name>:<id>`) and its decisions. */
  readonly name: string;
  /** What is wrong with the outbound address for this mode (the deployed-mode host rule), if anything. */
  urlProblems(mode: ConfigMode): ConfigProblem[];
  /** Every secret the configuration names, with the functions that read it. */
  secrets(): SecretUse[];
  /** Builds the outbound client; only this adapter's configured base URL is ever called. */
  createClient(context: ClientContext): Promise<HelpdeskClient>;
  /**
   * Where the helpdesk-metrics score provider reads a requester's metrics (field keys and their
   * place in the configuration), or undefined when this helpdesk holds no requester fields.
   */
  metricFields(): { path: ConfigPath; keys: MetricFields } | undefined;
  /**
   * Where an agent opens a ticket in the helpdesk, for the console's link; undefined where the
   * configured address cannot say (the local sandbox, a generic helpdesk without a ticket URL).
   */
  agentTicketUrl?(ticketId: string): string | undefined;
}

/** One inbound source of one tenant, its configuration already parsed by its schema. */
export interface BoundSource {
  readonly name: string;
  readonly adapter: InboundSource;
  /** The verification secrets (1-3 during rotation), in the order they are tried. */
  readonly verificationSecrets: readonly SecretRef[];
  /** The field of the source's configuration that holds them, for error messages. */
  readonly secretsField: string;
}

/** An inbound source an adapter offers on `POST /webhooks/{tenant}/{name}`. */
export interface SourceDescriptor {
  readonly name: string;
  /** The schema of the tenant's `sources.<name>` entry. */
  readonly schema: z.ZodType;
  /**
   * `own`: the source's events are about tickets of the adapter's own helpdesk, so a tenant may
   * connect it only when that is its helpdesk; `any`: events about tickets of whatever helpdesk
   * the tenant has.
   */
  readonly pairs: 'own' | 'any';
  bind(config: unknown): BoundSource;
}

/** A helpdesk adapter: everything shared code, the CDK and the local stack need to know of it. */
export interface HelpdeskDescriptor {
  readonly name: string;
  /** The schema of the tenant's `helpdesk` entry when its `kind` is this adapter's name. */
  readonly schema: z.ZodType<HelpdeskConfigBase>;
  /** The form of this helpdesk's user ids, as they appear in imports and commands. */
  readonly userId: z.ZodType<string>;
  /** The inbound sources it offers. */
  readonly sources: readonly SourceDescriptor[];
  bind(config: HelpdeskConfigBase): BoundHelpdesk;
}

/**
 * Declares a helpdesk adapter with its configuration typed by its own schema. `bind` re-parses
 * the configuration with that schema (once per tenant, at cold start), which is how a value the
 * tenants schema already checked gets its adapter's type without a cast.
 *
 * @example export const acmeDesk = defineHelpdesk({ name: 'acmedesk', schema, userId, sources: [], bind: (config) => ({ ... }) })
 */
export function defineHelpdesk<S extends z.ZodType<HelpdeskConfigBase>>(definition: {
  name: string;
  schema: S;
  userId: z.ZodType<string>;
  sources: readonly SourceDescriptor[];
  bind(config: z.output<S>): Omit<BoundHelpdesk, 'name'>;
}): HelpdeskDescriptor {
  return {
    name: definition.name,
    schema: definition.schema,
    userId: definition.userId,
    sources: definition.sources,
    bind: (config) => ({ name: definition.name, ...definition.bind(definition.schema.parse(config)) }),
  };
}

/**
 * Declares an inbound source with its configuration typed by its own schema.
 *
 * @example export const acmeSource = defineSource({ name: 'acmedesk', pairs: 'own', schema, bind: (config) => ({ adapter, verificationSecrets: config.secrets }) })
 */
export function defineSource<S extends z.ZodType>(definition: {
  name: string;
  pairs: 'own' | 'any';
  schema: S;
  bind(config: z.output<S>): Omit<BoundSource, 'name'>;
}): SourceDescriptor {
  return {
    name: definition.name,
    pairs: definition.pairs,
    schema: definition.schema,
    bind: (config) => ({ name: definition.name, ...definition.bind(definition.schema.parse(config)) }),
  };
}

/** A survey tool adapter: the inbound sources it offers (survey tools are never written to). */
export interface SurveyToolDescriptor {
  readonly name: string;
  readonly sources: readonly SourceDescriptor[];
}

/**
 * Declares a survey tool adapter.
 *
 * @example export const acmeSurveys = defineSurveyTool({ name: 'acme-surveys', sources: [acmeSurveysSource] })
 */
export function defineSurveyTool(definition: { name: string; sources: readonly SourceDescriptor[] }): SurveyToolDescriptor {
  return { name: definition.name, sources: definition.sources };
}

/** One request a connector makes or, in a dry run, would make. */
export interface ConnectRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** The path and query below the helpdesk's configured base URL. */
  path: string;
  body?: unknown;
  /** False for a write a dry run only describes. */
  sent: boolean;
}

/** What connecting did to one thing in the helpdesk (a webhook, a trigger, a field). */
export interface ConnectStep {
  /** `webhook`, `trigger`, `user field`, ... */
  kind: string;
  /** The thing's name in the helpdesk. */
  name: string;
  outcome: 'created' | 'updated' | 'unchanged' | 'kept' | 'would create' | 'would update';
  /** What changed, or why it was kept as it is. */
  detail?: string;
}

/** What a connector is given: the tenant's helpdesk, its credentials and where webhooks must go. */
export interface ConnectInput {
  tenantId: string;
  /** The tenant's `helpdesk` entry, already validated by the tenants schema. */
  helpdesk: HelpdeskConfigBase;
  /** Reads a secret the configuration names (its API credential). */
  resolve(ref: SecretRef): Promise<string>;
  /** Where the deployment (its `WebhookBaseUrl` output) or `npm start` receives webhooks, ending in `/webhooks/`: `<base><tenant>/<source>`. */
  webhookBaseUrl: URL;
  /** Read what exists; describe the writes, make none. */
  dryRun: boolean;
  /** Told of every request as it is made (or, for a dry run's writes, described). */
  onRequest(request: ConnectRequest): void;
  fetch?: typeof fetch;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** What a Retry-After given as a date is read by (default the system clock). */
  clock?: Clock;
}

/** What connecting did, and the inbound secrets the helpdesk gave to store where the tenant's configuration points. */
export interface ConnectResult {
  steps: ConnectStep[];
  /** Per inbound source: the secret its deliveries are signed with (absent in a dry run). */
  secrets: { source: string; secret: string }[];
}

/**
 * Connects a tenant's helpdesk account to the router through the helpdesk's own API (`npm run
 * connect:<helpdesk>`): what an admin would otherwise set up by hand. Running it twice changes
 * nothing the second time.
 */
export interface HelpdeskConnector {
  /** The helpdesk adapter it connects. */
  readonly helpdesk: string;
  connect(input: ConnectInput): Promise<ConnectResult>;
}
