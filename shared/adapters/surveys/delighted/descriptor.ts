import { defineSource, defineSurveyTool } from '../../plugin/descriptors.js';
import { delightedInbound } from './inbound.js';
import { DelightedSourceSchema } from './normalise.js';

/**
 * Delighted's webhooks (responses created and updated, unsubscribes), signed with the account's
 * API key. They carry no ticket of their own, so they pair with whatever helpdesk the tenant has,
 * through the person properties sent with each survey.
 */
export const delightedSource = defineSource({
  name: 'delighted',
  pairs: 'any',
  schema: DelightedSourceSchema,
  bind: ({ apiKeys, ...mapping }) => ({ adapter: delightedInbound(mapping), verificationSecrets: apiKeys, secretsField: 'apiKeys' }),
});

/**
 * Delighted: NPS and CSAT answers and unsubscribes in, nothing written back.
 *
 * @example registry entry: SURVEY_TOOLS = [..., delighted, ...]
 */
export const delighted = defineSurveyTool({ name: 'delighted', sources: [delightedSource] });
