import type { Policy } from '../../domain/policy.js';

/** The slice of a tenant the processing use cases need. */
export interface TenantView {
  id: string;
  policy: Policy;
  /** The tenant's helpdesk adapter: its name qualifies user ids (`<kind>:<id>`) and decision ids. */
  helpdesk: { kind: string };
  /** The version of the tenant's stored configuration this was read from; every decision records it. */
  configVersion?: number;
}

/** A tenant's view, as the configuration store or a fixed set of tenants answers it. */
export type TenantLookup = (id: string) => TenantView | undefined | Promise<TenantView | undefined>;
