import { defineSource, defineSurveyTool } from '../../plugin/descriptors.js';
import { typeformInbound } from './inbound.js';
import { TypeformSourceSchema } from './normalise.js';

/**
 * Typeform's `form_response` webhook, signed with the webhook's secret. It carries no ticket of
 * its own, so it pairs with whatever helpdesk the tenant has, through the link's hidden fields.
 */
export const typeformSource = defineSource({
  name: 'typeform',
  pairs: 'any',
  schema: TypeformSourceSchema,
  bind: ({ signingSecrets, ...mapping }) => ({
    adapter: typeformInbound(mapping),
    verificationSecrets: signingSecrets,
    secretsField: 'signingSecrets',
  }),
});

/**
 * Typeform: NPS and opinion-scale answers in, nothing written back.
 *
 * @example registry entry: SURVEY_TOOLS = [..., typeform, ...]
 */
export const typeform = defineSurveyTool({ name: 'typeform', sources: [typeformSource] });
