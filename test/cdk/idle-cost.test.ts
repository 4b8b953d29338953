import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/cdk/constructs/service-function.js';
import { parseTenantsFile, secretIdsOf } from '../../shared/adapters/config/tenants.js';
import { synthesize, type Synthesized } from './synth-fixture.js';

/*
 * The bill when idle, as docs/deploying.md states it, held to the synthesised templates: each
 * priced row's count is the number of resources of its type the stacks create, its month is the
 * count times the price, the fixed total is their sum, and every resource type that bills by the
 * month has its row, so a new alarm, key, secret, dashboard or schedule fails here until the page
 * says what it costs.
 */

const PAGE = readFileSync(join(REPO_ROOT, 'docs', 'deploying.md'), 'utf8');
const SECTION = PAGE.split('### The bill when idle')[1]?.split('\n## ')[0] ?? '';

/** The rows of the page's table whose first cell starts with these words, and the resource type they count. */
const ROWS = [
  { starts: 'Customer-managed KMS key', type: 'AWS::KMS::Key' },
  { starts: 'CloudWatch dashboard', type: 'AWS::CloudWatch::Dashboard' },
  { starts: 'CloudWatch alarms', type: 'AWS::CloudWatch::Alarm' },
  { starts: 'Secrets Manager secret: the identity-hash key', type: 'AWS::SecretsManager::Secret' },
  { starts: 'The refresh schedule', type: 'AWS::Events::Rule' },
  { starts: 'Log storage', type: 'AWS::Logs::LogGroup' },
] as const;

/** Resource types that bill by the month, idle or not (or whose runs do): each must have its row. */
const MONTHLY_TYPES = ['AWS::KMS::Key', 'AWS::CloudWatch::Dashboard', 'AWS::CloudWatch::Alarm', 'AWS::SecretsManager::Secret'];
const SCHEDULE_TYPES = ['AWS::Events::Rule', 'AWS::Scheduler::Schedule'];

/** The cells of the table row that starts with `starts`. */
function cells(starts: string): string[] {
  const line = SECTION.split('\n').find((candidate) => candidate.startsWith(`| ${starts}`));
  if (!line) throw new Error(`docs/deploying.md's idle bill has no row starting "${starts}"`);
  return line
    .split('|')
    .slice(1, -1)
    .map((cell) => cell.trim());
}

const dollars = (text: string | undefined) => Number(/\$(\d+\.\d\d)/.exec(text ?? '')?.[1] ?? Number.NaN);

let synthesized: Synthesized;
/** How many resources of a type both stacks create. */
function count(type: string): number {
  return [synthesized.data, synthesized.service].reduce((sum, template) => sum + Object.keys(template.findResources(type)).length, 0);
}

beforeAll(() => {
  synthesized = synthesize();
});

describe('the idle bill docs/deploying.md states', () => {
  it.each(ROWS)('counts $type as the stacks create it ("$starts")', ({ starts, type }) => {
    expect(Number(cells(starts)[1])).toBe(count(type));
  });

  it("gives each fixed row's month as its count times its price, and their sum as the total before any tenant", () => {
    const fixed = ROWS.slice(0, 4).map(({ starts }) => {
      const [, howMany, price, month] = cells(starts);
      expect(dollars(month), starts).toBeCloseTo(Number(howMany) * dollars(price), 2);
      return dollars(month);
    });

    expect(dollars(cells('**Before any tenant or traffic**')[3])).toBeCloseTo(
      fixed.reduce((sum, month) => sum + month, 0),
      2,
    );
  });

  it('has a row for every resource type the stacks create that bills by the month, and for the schedule', () => {
    const counted = new Set<string>(ROWS.map((row) => row.type));
    const created = [...MONTHLY_TYPES, ...SCHEDULE_TYPES].filter((type) => count(type) > 0);

    expect(created.filter((type) => !counted.has(type))).toEqual([]);
  });

  it("states the example tenants file's secrets and the month they come to with the fixed part", () => {
    const example = parseTenantsFile(
      JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'examples', 'tenants.example.json'), 'utf8')),
      'deployed',
    );
    const secrets = secretIdsOf(example).length;
    const [, , perSecret] = cells('Secrets Manager secrets your tenants name');
    const stated = /With the four example tenants' (\d+) secrets \(.*?\), that is about \$(\d+\.\d\d) a month/.exec(
      SECTION.replace(/\s+/g, ' '),
    );

    expect(Number(stated?.[1])).toBe(secrets);
    expect(Number(stated?.[2])).toBeCloseTo(dollars(cells('**Before any tenant or traffic**')[3]) + secrets * dollars(perSecret), 2);
  });
});
