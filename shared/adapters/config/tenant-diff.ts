/** One changed setting of a tenant's configuration: its path, and its value before and after. */
export interface SettingChange {
  path: string;
  /** Absent when the setting is new. */
  before?: unknown;
  /** Absent when the setting was removed. */
  after?: unknown;
}

const HIDDEN = '(inline secret, hidden)';

/**
 * A configuration with every inline secret (`{"value": ...}`) hidden, so a diff, `show` or a log
 * never prints one; Secrets Manager ids and variable names stay, as they say where a secret is.
 *
 * @example withInlineSecretsHidden({ apiToken: { value: 's3cret' } }) // { apiToken: { value: '(inline secret, hidden)' } }
 */
export function withInlineSecretsHidden(config: unknown): unknown {
  if (Array.isArray(config)) return config.map(withInlineSecretsHidden);
  if (typeof config !== 'object' || config === null) return config;
  const entries = Object.entries(config);
  if (entries.length === 1 && entries[0]?.[0] === 'value' && typeof entries[0][1] === 'string') return { value: HIDDEN };
  return Object.fromEntries(entries.map(([key, value]) => [key, withInlineSecretsHidden(value)]));
}

function leaves(value: unknown, path: string, out: Map<string, unknown>): void {
  const isContainer = typeof value === 'object' && value !== null;
  const entries = isContainer ? Object.entries(value) : [];
  if (!isContainer || entries.length === 0) {
    out.set(path, value);
    return;
  }
  for (const [key, inner] of entries) leaves(inner, path ? `${path}.${key}` : key, out);
}

/**
 * What changes from one configuration to another, setting by setting (dotted paths, array
 * items by index), inline secrets hidden; empty when they are the same.
 *
 * @example diffConfigs({ policy: { mode: 'shadow' } }, { policy: { mode: 'active' } }) // [{ path: 'policy.mode', before: 'shadow', after: 'active' }]
 */
export function diffConfigs(before: unknown, after: unknown): SettingChange[] {
  const was = new Map<string, unknown>();
  const now = new Map<string, unknown>();
  if (before !== undefined) leaves(withInlineSecretsHidden(before), '', was);
  leaves(withInlineSecretsHidden(after), '', now);
  const paths = [...new Set([...was.keys(), ...now.keys()])].sort();
  const changes: SettingChange[] = [];
  for (const path of paths) {
    const a = was.get(path);
    const b = now.get(path);
    if (was.has(path) && now.has(path) && JSON.stringify(a) === JSON.stringify(b)) continue;
    changes.push({ path, ...(was.has(path) ? { before: a } : {}), ...(now.has(path) ? { after: b } : {}) });
  }
  return changes;
}

/**
 * A diff as a person reads it: `~ path: before -> after`, `+ path: value`, `- path: value`.
 *
 * @example formatDiff(changes) // ['~ policy.mode: "shadow" -> "active"']
 */
export function formatDiff(changes: readonly SettingChange[]): string[] {
  return changes.map((change) => {
    const show = (value: unknown) => JSON.stringify(value);
    if (!('before' in change)) return `+ ${change.path}: ${show(change.after)}`;
    if (!('after' in change)) return `- ${change.path}: ${show(change.before)}`;
    return `~ ${change.path}: ${show(change.before)} -> ${show(change.after)}`;
  });
}
