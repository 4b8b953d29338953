import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import * as z from 'zod';
import { REPO_ROOT } from '../../infra/cdk/constructs/service-function.js';
import { addInfluenceRouter, type InfluenceRouter } from '../../infra/cdk/stacks/influence-router.js';

const CdkJsonSchema = z.object({ context: z.record(z.string(), z.unknown()) });

/** The context in cdk.json (feature flags), so tests synthesise what `cdk synth` does. */
export function cdkJsonContext(): Record<string, unknown> {
  return CdkJsonSchema.parse(JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8'))).context;
}

/** A synthesised deployment: the stacks and their templates. */
export interface Synthesized {
  readonly app: App;
  readonly router: InfluenceRouter;
  readonly data: Template;
  readonly service: Template;
}

/**
 * Builds the app as `cdk synth` does (cdk.json context, both cdk-nag packs) into a temporary
 * directory, with bundling skipped unless `bundle` is set. `Template.fromStack` synthesises, so
 * it throws on any unacknowledged cdk-nag finding.
 */
export function synthesize(options: { tenantsFile?: string; bundle?: boolean } = {}): Synthesized {
  const app = buildApp(options);
  const router = addInfluenceRouter(app);
  return { app, router, data: Template.fromStack(router.data), service: Template.fromStack(router.service) };
}

/** The app with the test context, before anything is added to it. */
export function buildApp(options: { tenantsFile?: string; bundle?: boolean } = {}): App {
  return new App({
    outdir: mkdtempSync(join(tmpdir(), 'influence-router-cdk-')),
    context: {
      ...cdkJsonContext(),
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...(options.tenantsFile ? { tenantsFile: options.tenantsFile } : {}),
    },
  });
}

/** Writes a tenants file into a fresh temporary directory and returns its path. */
export function writeTenantsFile(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'influence-router-tenants-')), 'tenants.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The CloudFormation logical id of a construct's main resource. */
export function logicalIdOf(construct: IConstruct): string {
  const resource = construct.node.defaultChild;
  if (!CfnElement.isCfnElement(resource)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  // `logicalId` resolves to the overridden id where there is one; getLogicalId would not.
  return z.string().parse(Stack.of(construct).resolve(resource.logicalId));
}

const StatementSchema = z.object({
  Effect: z.enum(['Allow', 'Deny']),
  Action: z.union([z.string(), z.array(z.string())]).transform((action) => (Array.isArray(action) ? action : [action])),
  Resource: z.unknown().transform((resource) => (Array.isArray(resource) ? resource : [resource])),
  Condition: z.unknown().optional(),
});
const PolicyResourceSchema = z.object({
  Properties: z.object({
    PolicyDocument: z.object({ Statement: z.array(StatementSchema) }),
    Roles: z.array(z.object({ Ref: z.string() })),
  }),
});

/** An IAM statement with Action and Resource always as arrays. */
export type Statement = z.infer<typeof StatementSchema>;

/** Every statement of every IAM policy attached to a role (by the role's logical id). */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .map((resource) => PolicyResourceSchema.parse(resource))
    .filter((policy) => policy.Properties.Roles.some((role) => role.Ref === roleLogicalId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** Every action a role is allowed, sorted. */
export function allowedActions(statements: readonly Statement[]): string[] {
  return [...new Set(statements.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action))].sort();
}

/** The resources (as JSON text) of the statements that allow an action. */
export function resourcesFor(statements: readonly Statement[], action: string): string[] {
  return statements
    .filter((s) => s.Effect === 'Allow' && s.Action.includes(action))
    .flatMap((s) => s.Resource.map((resource) => (typeof resource === 'string' ? resource : JSON.stringify(resource))));
}
