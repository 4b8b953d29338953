import type { Policy } from '../../domain/policy.js';

/** The slice of a tenant the processing use cases need. */
export interface TenantView {
  id: string;
  policy: Policy;
  /** The tenant's helpdesk adapter: its name qualifies user ids (`<kind>:<id>`) and decision ids. */
  helpdesk: { kind: string };
}
