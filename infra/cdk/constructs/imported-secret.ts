import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/** Secrets Manager appends `-` and six random characters to every secret ARN. */
const COMPLETE_ARN_SUFFIX = /-[A-Za-z0-9]{6}$/;

/**
 * Refers to an existing secret by the id a tenants file gives: a name, or an ARN. Grants on a
 * name match that name plus the random suffix only (`name-??????`), never a prefix of other names.
 *
 * @example importSecret(this, 'Signing0', 'influence-router/acme/zendesk-webhook').grantRead(fn)
 */
export function importSecret(scope: Construct, id: string, secretId: string): ISecret {
  if (!secretId.startsWith('arn:')) return Secret.fromSecretNameV2(scope, id, secretId);
  return COMPLETE_ARN_SUFFIX.test(secretId)
    ? Secret.fromSecretCompleteArn(scope, id, secretId)
    : Secret.fromSecretPartialArn(scope, id, secretId);
}
