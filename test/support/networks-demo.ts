import { runRefreshScores } from '../../infra/commands/refresh-scores.js';
import { DEMO, type LocalStack } from '../../infra/local/stack.js';
import { hmacIdentityHashers } from '../../shared/adapters/identity/hmac-identity-hasher.js';
import { createDocumentClient } from '../../shared/adapters/store/dynamo-client.js';
import { DynamoScoreRefreshStore } from '../../shared/adapters/store/score-refresh-store.js';
import type { CustomerProfile } from '../../shared/domain/customer.js';

/**
 * Runs `npm run scores:refresh -- --tenant <tenant>` against a local stack, as it runs against
 * `npm start` (the running sandbox's network fakes): its exit code and printed lines, errors
 * prefixed `ERR `.
 *
 * @example const { code, lines } = await refreshDemoTenant(stack, 'demo-networks')
 */
export async function refreshDemoTenant(stack: LocalStack, tenant: string): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runRefreshScores(
    ['--endpoint', stack.dynamoEndpoint, '--table', stack.tableName, '--sandbox', stack.sandbox.baseUrl, '--tenant', tenant],
    {},
    { out: (line) => lines.push(line), err: (line) => lines.push(`ERR ${line}`) },
  );
  return { code, lines };
}

/**
 * A demo customer's profile as stored now, found by the helpdesk user id the demo seeded it with
 * (`zendesk:1005`, `freshdesk:2007`), under the local stack's identity key.
 *
 * @example const mary = await storedDemoProfile(stack, 'demo-networks', 'zendesk:1005')
 */
export async function storedDemoProfile(stack: LocalStack, tenant: string, helpdeskUserId: string): Promise<CustomerProfile | undefined> {
  const queue = new DynamoScoreRefreshStore(createDocumentClient({ endpoint: stack.dynamoEndpoint }), stack.tableName);
  const now = new Date().toISOString();
  const customerKey = hmacIdentityHashers(DEMO.identityKey)(tenant).hash({ kind: 'helpdesk-user', value: helpdeskUserId });
  return queue.current({
    tenant,
    customerKey,
    identities: { helpdeskUserIds: [], emailHashes: [], handles: [] },
    optedOut: false,
    createdAt: now,
    updatedAt: now,
  });
}
