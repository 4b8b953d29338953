import { batchWriteAll } from '../../shared/adapters/store/batch.js';
import { createDocumentClient } from '../../shared/adapters/store/dynamo-client.js';
import { DynamoSurveyAnswerIndex, answerIndexItem } from '../../shared/adapters/store/survey-index.js';
import { createTable } from '../../shared/adapters/store/table.js';
import type { CsatSummary, NpsSummary } from '../../shared/domain/nps-stats.js';
import type { IndexedAnswer } from '../../shared/domain/survey-answers.js';
import { TIERS, type Tier } from '../../shared/domain/tiers.js';
import { npsReport } from '../../shared/use-cases/reporting/nps-report.js';
import { seeded, weighted } from '../../infra/load/seeded-random.js';

const DAYS = 30;
const FROM = new Date('2026-11-01T00:00:00.000Z');
const TO = new Date(FROM.getTime() + DAYS * 86_400_000);

const TIER_WEIGHTS: readonly (readonly [Tier, number])[] = [
  ['none', 40],
  ['standard', 30],
  ['notable', 15],
  ['high', 10],
  ['top', 5],
];
// Skewed like real NPS answers: many 8-10s, a tail of low scores.
const NPS_WEIGHTS: readonly (readonly [number, number])[] = [
  [0, 2],
  [1, 1],
  [2, 1],
  [3, 2],
  [4, 2],
  [5, 4],
  [6, 5],
  [7, 10],
  [8, 18],
  [9, 25],
  [10, 30],
];

/** `count` answers over 30 days of one tenant: four in five NPS, the rest CSAT on 2, 3 or 5 points, leaning satisfied. */
export function generateAnswers(tenant: string, count: number, seed = 20261101): IndexedAnswer[] {
  const random = seeded(seed);
  return Array.from({ length: count }, (_, i) => {
    const answeredAt = new Date(FROM.getTime() + Math.floor(random() * (TO.getTime() - FROM.getTime()))).toISOString();
    const tier = weighted(random(), TIER_WEIGHTS);
    if (random() < 0.8) {
      return {
        tenant,
        responseId: `bench-${i}`,
        source: 'survey-bench',
        answeredAt,
        kind: 'nps',
        score: weighted(random(), NPS_WEIGHTS),
        scale: 10,
        tier,
      };
    }
    const scale = weighted(random(), [
      [2, 1],
      [3, 1],
      [5, 2],
    ] as const);
    return {
      tenant,
      responseId: `ticket-${i}`,
      source: 'csat-bench',
      answeredAt,
      kind: 'csat',
      score: scale - Math.floor(random() ** 2 * scale),
      scale,
      tier,
    };
  });
}

const nps = (s: NpsSummary) =>
  s.nps === null || s.marginOfError95 === null
    ? 'n/a'
    : `${s.nps.toFixed(1)} ± ${s.marginOfError95.toFixed(1)}${s.conclusive ? '' : ' (inconclusive)'}`;
const csat = (s: CsatSummary) =>
  s.csat === null || s.marginOfError95 === null
    ? 'n/a'
    : `${s.csat.toFixed(1)} % ± ${s.marginOfError95.toFixed(1)}${s.conclusive ? '' : ' (inconclusive)'}`;

/**
 * Writes `count` generated answers into the answer index of DynamoDB Local with BatchWriteItem,
 * then runs the NPS report over the 30 days and prints its summary, its time and its requests
 * (counted by the index and on the wire).
 */
export async function benchNpsReport(dynamoEndpoint: string, count = 10_000): Promise<string[]> {
  const sent: string[] = [];
  const client = createDocumentClient({ endpoint: dynamoEndpoint, onCall: (call) => sent.push(call.operation) });
  {
    const tableName = `bench-nps-${Date.now()}`;
    await createTable(client, tableName);
    const answers = generateAnswers('bench', count);

    const writeStarted = performance.now();
    await batchWriteAll(
      client,
      tableName,
      answers.map((answer) => ({ PutRequest: { Item: answerIndexItem(answer) } })),
      { concurrency: 8 },
    );
    const writeMs = performance.now() - writeStarted;
    const writes = sent.filter((name) => name === 'BatchWriteItem').length;

    const readMark = sent.length;
    const started = performance.now();
    const report = await npsReport({ tenant: 'bench', from: FROM, to: TO }, { index: new DynamoSurveyAnswerIndex(client, tableName) });
    const wallMs = performance.now() - started;
    const onWire = sent.slice(readMark);
    const scans = onWire.filter((name) => name === 'Scan').length;

    return [
      `NPS report, ${count} generated answers over ${DAYS} days, in DynamoDB Local:`,
      `  write: ${writes} BatchWriteItem requests in ${(writeMs / 1000).toFixed(1)} s (${(count / (writeMs / 1000)).toFixed(0)} answers/s)`,
      `  read: ${report.partitions} day partitions, ${report.requests} Query requests counted (${onWire.length} commands on the wire, ${scans} scans) in ${report.durationMs} ms (${wallMs.toFixed(0)} ms wall)`,
      `  NPS all: n ${report.overall.n}, ${report.overall.promoters}/${report.overall.passives}/${report.overall.detractors} (promoters/passives/detractors), NPS ${nps(report.overall)}`,
      ...TIERS.map((tier) => `    ${tier.padEnd(8)} n ${String(report.byTier[tier].n).padStart(5)}  NPS ${nps(report.byTier[tier])}`),
      `  CSAT all: n ${report.csat.n}, satisfied ${report.csat.satisfied}, CSAT ${csat(report.csat)}`,
      ...TIERS.map(
        (tier) => `    ${tier.padEnd(8)} n ${String(report.csatByTier[tier].n).padStart(5)}  CSAT ${csat(report.csatByTier[tier])}`,
      ),
    ];
  }
}
