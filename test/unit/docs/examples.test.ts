import { describe, expect, it } from 'vitest';
import { parseTenantsFile, ScoringConfigSchema, SourcesSchema } from '../../../shared/adapters/config/tenants.js';
import { PolicySchema } from '../../../shared/domain/policy.js';
import { readDocuments } from '../../support/documents.js';
import { readmeBlocks } from '../../support/readme-commands.js';

/*
 * The configuration the README and docs/ show is configuration the service accepts: each tenants
 * file, tenant, policy, `scoring` and `sources` example is read with the schemas and rules the
 * functions start with, a tenant that takes every secret from Secrets Manager also as deployed.
 */

/** One JSON example of a document, parsed; a fragment such as `"scoring": {...}` is read inside braces. */
interface Example {
  where: string;
  data: unknown;
}

function parsed(body: string): unknown {
  const text = body.trim();
  try {
    return JSON.parse(text.startsWith('"') ? `{${text}}` : text);
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const EXAMPLES: Example[] = readDocuments().flatMap((document) =>
  readmeBlocks(document.text)
    .filter((block) => block.language === 'json')
    .map((block) => ({ where: `${document.path}:${block.line}`, data: parsed(block.body) })),
);

/** The configuration examples, each with the check that reads it; other JSON (webhook bodies, answers) is not configuration. */
const CHECKS = EXAMPLES.flatMap(({ where, data }) => {
  if (!isObject(data)) return [];
  const file = 'tenants' in data ? data : 'id' in data && 'helpdesk' in data ? { tenants: [data] } : undefined;
  if (file !== undefined) {
    // A tenant whose every secret is a Secrets Manager reference is one to deploy as shown.
    const deployable = !/"(env|value)"\s*:/.test(JSON.stringify(file));
    return [
      {
        where,
        kind: deployable ? 'tenants, local and deployed' : 'tenants, local',
        check: () =>
          (deployable ? (['local', 'deployed'] as const) : (['local'] as const)).forEach((mode) => parseTenantsFile(file, mode, where)),
      },
    ];
  }
  if ('rules' in data && 'tiers' in data) return [{ where, kind: 'policy', check: () => PolicySchema.parse(data) }];
  if (Object.keys(data).length === 1 && 'scoring' in data)
    return [{ where, kind: 'scoring', check: () => ScoringConfigSchema.parse(data.scoring) }];
  if (Object.keys(data).length === 1 && 'sources' in data)
    return [{ where, kind: 'sources', check: () => SourcesSchema.parse(data.sources) }];
  return [];
});

describe('the configuration examples of the README and docs/', () => {
  it('are found (the check would notice a wrong one)', () => {
    expect(CHECKS.map((example) => example.kind).sort()).toEqual(
      expect.arrayContaining([
        'policy',
        'scoring',
        'sources',
        'tenants, local',
        'tenants, local and deployed',
        'tenants, local and deployed',
        'tenants, local and deployed',
      ]),
    );
    expect(() =>
      parseTenantsFile(
        { tenants: [{ id: 'acme', helpdesk: { kind: 'zendesk', baseUrl: 'http://acme.zendesk.com' }, sources: {} }] },
        'deployed',
        'x',
      ),
    ).toThrow();
  });

  for (const { where, kind, check } of CHECKS) {
    it(`${where} is accepted (${kind})`, () => {
      expect(check).not.toThrow();
    });
  }
});
