import { freshdesk } from '../helpdesks/freshdesk/descriptor.js';
import { generic } from '../helpdesks/generic/descriptor.js';
import { zendesk } from '../helpdesks/zendesk/descriptor.js';
import { delighted } from '../surveys/delighted/descriptor.js';
import { genericSurvey } from '../surveys/generic-survey/descriptor.js';
import { typeform } from '../surveys/typeform/descriptor.js';
import type { HelpdeskDescriptor, SourceDescriptor, SurveyToolDescriptor } from '../plugin/descriptors.js';

/**
 * Every helpdesk adapter. Shared code, the CDK and the local stack know helpdesks only through
 * this list: a new helpdesk is a folder under `shared/adapters/helpdesks/` exporting one descriptor, and a line
 * here. The first one is the default where a command must assume one.
 */
export const HELPDESKS: readonly HelpdeskDescriptor[] = [zendesk, freshdesk, generic];

/**
 * Every survey tool adapter: a folder under `shared/adapters/surveys/` exporting one descriptor,
 * and a line here. Survey tools only send; their answers are decided on through the tenant's
 * helpdesk.
 */
export const SURVEY_TOOLS: readonly SurveyToolDescriptor[] = [typeform, delighted, genericSurvey];

/** Every inbound source, whichever adapter offers it; names are unique (a test checks). */
export const SOURCES: readonly SourceDescriptor[] = [...HELPDESKS, ...SURVEY_TOOLS].flatMap((adapter) => adapter.sources);

/**
 * The helpdesk adapter of this name.
 *
 * @example helpdeskAdapter(tenant.helpdesk.kind)?.bind(tenant.helpdesk)
 */
export function helpdeskAdapter(name: string): HelpdeskDescriptor | undefined {
  return HELPDESKS.find((helpdesk) => helpdesk.name === name);
}

/**
 * The inbound source of this name, and the helpdesk or survey tool adapter that offers it.
 *
 * @example sourceAdapter('generic')?.source.pairs // 'any'
 */
export function sourceAdapter(
  name: string,
): { source: SourceDescriptor; offeredBy: HelpdeskDescriptor | SurveyToolDescriptor } | undefined {
  for (const adapter of [...HELPDESKS, ...SURVEY_TOOLS]) {
    const source = adapter.sources.find((candidate) => candidate.name === name);
    if (source) return { source, offeredBy: adapter };
  }
  return undefined;
}
