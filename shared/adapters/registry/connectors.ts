import { zendeskConnector } from '../helpdesks/zendesk/connect.js';
import type { HelpdeskConnector } from '../plugin/descriptors.js';

/**
 * The helpdesks that can be connected from the command line (`npm run connect:<helpdesk>`): each
 * adapter's connector, a line here. Kept apart from the adapter list so the functions never
 * bundle onboarding code.
 */
export const CONNECTORS: readonly HelpdeskConnector[] = [zendeskConnector];

/**
 * The connector of a helpdesk adapter, or undefined when it has none.
 *
 * @example helpdeskConnector(tenant.helpdesk.kind)
 */
export function helpdeskConnector(helpdesk: string): HelpdeskConnector | undefined {
  return CONNECTORS.find((connector) => connector.helpdesk === helpdesk);
}
