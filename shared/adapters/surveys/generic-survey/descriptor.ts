import * as z from 'zod';
import { RotatingSecretsSchema } from '../../plugin/secret-ref.js';
import { defineSource, defineSurveyTool } from '../../plugin/descriptors.js';
import { genericSurveyInbound } from './inbound.js';

/** A tenant's `sources.generic-survey` entry: the Standard Webhooks secrets (`whsec_...`, 1-3 during rotation). */
export const GenericSurveySourceSchema = z.object({ signingSecrets: RotatingSecretsSchema }).strict();
export type GenericSurveySourceConfig = z.output<typeof GenericSurveySourceSchema>;

// The tool and its one source share the name, which is also the `{source}` of the webhook's path.
const NAME = 'generic-survey';

/**
 * The documented `survey.answered` body, signed with Standard Webhooks, for a survey tool with
 * no adapter of its own; it pairs with whatever helpdesk the tenant has.
 */
export const genericSurveySource = defineSource({
  name: NAME,
  pairs: 'any',
  schema: GenericSurveySourceSchema,
  bind: (config) => ({ adapter: genericSurveyInbound, verificationSecrets: config.signingSecrets, secretsField: 'signingSecrets' }),
});

/**
 * Any other survey tool: answers come in as the documented JSON (from the tool itself or an
 * integration platform), nothing is written back.
 *
 * @example registry entry: SURVEY_TOOLS = [..., genericSurvey]
 */
export const genericSurvey = defineSurveyTool({ name: NAME, sources: [genericSurveySource] });
