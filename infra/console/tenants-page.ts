import { secretUsesOf, type SecretRef, type Tenant } from '../../shared/adapters/config/tenants.js';
import { html } from './html.js';
import type { StoredTenant } from '../../shared/adapters/store/tenant-store.js';
import { badge, layout, row, time } from './layout.js';

function describeSecret(ref: SecretRef): string {
  if ('env' in ref) return `secret from environment variable ${ref.env}`;
  if ('secretId' in ref) return `secret from Secrets Manager ${ref.secretId}${ref.field ? ` (field ${ref.field})` : ''}`;
  return 'inline secret (hidden)';
}

/**
 * A tenant's configuration with every secret it names replaced by where the secret comes from,
 * never its value.
 */
export function withSecretsHidden(tenant: Tenant): unknown {
  const copy = structuredClone(tenant) as unknown as Record<string, unknown>;
  for (const use of secretUsesOf(tenant)) {
    let holder: Record<string | number, unknown> = copy;
    for (const step of use.path.slice(0, -1)) holder = holder[step] as Record<string | number, unknown>;
    const last = use.path.at(-1);
    if (last !== undefined) holder[last] = describeSecret(use.ref);
  }
  return copy;
}

/** A tenant's latest versions, newest first: when, by whom, what and why. */
function historyTable(versions: readonly StoredTenant[]) {
  if (versions.length === 0) return '';
  return html`<table class="history">
    <thead>
      <tr>
        <th>Version</th>
        <th>When</th>
        <th>By</th>
        <th>Change</th>
        <th>Why</th>
      </tr>
    </thead>
    <tbody>
      ${versions.map(
        (version) =>
          html`<tr>
            <td>${version.version}</td>
            <td>${time(version.changedAt)}</td>
            <td>${version.changedBy}</td>
            <td>${version.change}${version.enabled ? '' : ' (disabled)'}</td>
            <td>${version.reason ?? ''}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/**
 * Every tenant with its current configuration version and latest changes, its policy, and its
 * configuration with the secrets hidden.
 */
export function tenantsPage(tenants: readonly Tenant[], histories: ReadonlyMap<string, readonly StoredTenant[]> = new Map()): string {
  const body = html`${tenants.map(
    (tenant) =>
      html`<section class="tenant" id="${tenant.id}">
        <h2>${tenant.id}${tenant.name ? html` <small>${tenant.name}</small>` : ''}</h2>
        <table class="facts">
          ${row('Configuration', histories.get(tenant.id)?.[0] ? `version ${histories.get(tenant.id)?.[0]?.version}` : undefined)}
          ${row('Helpdesk', `${tenant.helpdesk.kind}`)} ${row('Mode', badge(tenant.policy.mode, tenant.policy.mode))}
          ${row('Uplift cap', `+${tenant.policy.maxUplift}`)}
          ${row('Tiers', `standard ${tenant.policy.tiers.standard}, notable ${tenant.policy.tiers.notable}, high ${tenant.policy.tiers.high}, top ${tenant.policy.tiers.top}`)}
          ${row('Scores from', tenant.scoring.provider)} ${row('Webhooks', Object.keys(tenant.sources).join(', '))}
        </table>
        <table>
          <thead>
            <tr>
              <th>Rule</th>
              <th>Tiers</th>
              <th>NPS</th>
              <th>Uplift</th>
              <th>Tags</th>
              <th>Routing</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            ${tenant.policy.rules.map(
              (rule) =>
                html`<tr>
                  <td><code>${rule.id}</code></td>
                  <td>${rule.tiers?.join(', ') ?? 'any'}</td>
                  <td>${rule.nps?.join(', ') ?? 'any'}</td>
                  <td>+${rule.uplift}</td>
                  <td>${rule.tags.join(', ')}</td>
                  <td>${rule.groupId ?? ''}</td>
                  <td>${rule.reason}</td>
                </tr>`,
            )}
          </tbody>
        </table>
        ${historyTable(histories.get(tenant.id) ?? [])}
        <details>
          <summary>Configuration, secrets hidden</summary>
          <pre>${JSON.stringify(withSecretsHidden(tenant), null, 2)}</pre>
        </details>
      </section>`,
  )}`;
  return layout('Tenants and policies', 'tenants', body, tenants);
}
