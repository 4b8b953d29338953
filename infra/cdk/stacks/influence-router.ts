import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { refuseTenantsFile } from '../config/tenants-file.js';
import { ServiceStack } from './service-stack.js';
import { StatefulStack } from './stateful-stack.js';

/** Stack names; changing them creates new stacks, so they are fixed. */
export const STACK_NAMES = { data: 'InfluenceRouterData', service: 'InfluenceRouterService' } as const;

/** The deployment's stacks. */
export interface InfluenceRouter {
  readonly data: StatefulStack;
  readonly service: ServiceStack;
}

function contextString(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw new Error(`Context "${key}" must be a non-empty string`);
  return value;
}

function contextConcurrency(app: App, key: string): number | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 2 || number > 1000) {
    throw new Error(
      `Context "${key}" must be a whole number from 2 to 1000 (the SQS event source's maximum concurrency), got ${JSON.stringify(value)}`,
    );
  }
  return number;
}

/**
 * Adds the whole deployment to an app: the processor's concurrent batches
 * (context `processorConcurrency`, default 50), both stacks, and the cdk-nag AwsSolutions
 * and Serverless packs, which fail synthesis on any unacknowledged finding. Nothing about any
 * tenant is synthesised: tenants are data in the table (`npm run tenants`), so a `tenantsFile`
 * context is refused with the import that replaces it. Stacks are environment-agnostic and make
 * no lookups, so synthesis works offline without credentials.
 *
 * @example const { data, service } = addInfluenceRouter(new App())
 */
export function addInfluenceRouter(app: App): InfluenceRouter {
  refuseTenantsFile(contextString(app, 'tenantsFile'));
  const concurrency = contextConcurrency(app, 'processorConcurrency');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  Tags.of(app).add('service', 'influence-router');

  const data = new StatefulStack(app, STACK_NAMES.data, {
    description: 'Influence Router data: the table and the identity-hash key (retained)',
  });
  const service = new ServiceStack(app, STACK_NAMES.service, {
    description: 'Influence Router service: webhook API, functions, queue, schedule, alarms',
    table: data.table,
    identityKey: data.identityKey,
    ...(concurrency !== undefined ? { processorConcurrency: concurrency } : {}),
  });
  return { data, service };
}
