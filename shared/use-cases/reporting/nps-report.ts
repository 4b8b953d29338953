import { type CsatSummary, type NpsSummary, csatSummary, npsSummary } from '../../domain/nps-stats.js';
import type { SurveyAnswerIndex } from '../../domain/ports.js';
import type { IndexedAnswer } from '../../domain/survey-answers.js';
import type { Tier } from '../../domain/tiers.js';

/** Which answers a report covers: a tenant's, given in [from, to). */
export interface NpsReportRequest {
  tenant: string;
  from: Date;
  /** Exclusive: the first instant not in the period. */
  to: Date;
}

/** What a report reads. */
export interface NpsReportDeps {
  index: SurveyAnswerIndex;
}

/** NPS and CSAT of a period, overall and by influence tier, with what reading it took. */
export interface NpsReport {
  tenant: string;
  /** Start of the period (ISO-8601, inclusive). */
  from: string;
  /** End of the period (ISO-8601, exclusive). */
  to: string;
  /** NPS of every NPS answer of the period. */
  overall: NpsSummary;
  /** NPS by the tier the customer had when answering; every tier present, none to top. */
  byTier: Record<Tier, NpsSummary>;
  /** CSAT of every CSAT answer of the period. */
  csat: CsatSummary;
  /** CSAT by tier, every tier present, none to top. */
  csatByTier: Record<Tier, CsatSummary>;
  /** Day partitions read. */
  partitions: number;
  /** DynamoDB requests made. */
  requests: number;
  durationMs: number;
}

/** One entry per tier, in the order none, standard, notable, high, top (the order of TIERS). */
function perTier<T>(answers: readonly IndexedAnswer[], summarise: (answers: readonly IndexedAnswer[]) => T): Record<Tier, T> {
  const of = (tier: Tier) => summarise(answers.filter((answer) => answer.tier === tier));
  // Spelled out so JSON output lists the tiers from none to top, and the compiler checks none is missing.
  return { none: of('none'), standard: of('standard'), notable: of('notable'), high: of('high'), top: of('top') };
}

const nps = (answers: readonly IndexedAnswer[]) => npsSummary(answers.map((answer) => answer.score));
const csat = (answers: readonly IndexedAnswer[]) => csatSummary(answers);

/**
 * NPS and CSAT of a tenant's answers given in [from, to), overall and by influence tier, read
 * from the period index (one partition per day), with the partitions, requests and time it took.
 * Small groups are reported with `conclusive: false` rather than left out, so no tier is hidden.
 *
 * @example const report = await npsReport({ tenant: 'acme', from, to }, { index });
 * report.byTier.top.nps; // e.g. 42 (or null without answers)
 */
export async function npsReport(request: NpsReportRequest, deps: NpsReportDeps): Promise<NpsReport> {
  return (await readNpsReport(request, deps)).report;
}

/**
 * The NPS report and the answers it was counted from, so a report that compares tickets' answers
 * (raised against held out) reads them once.
 *
 * @example const { report, answers } = await readNpsReport({ tenant: 'acme', from, to }, { index });
 */
export async function readNpsReport(
  request: NpsReportRequest,
  deps: NpsReportDeps,
): Promise<{ report: NpsReport; answers: IndexedAnswer[] }> {
  // How long the run took, not the time of day: the monotonic timer, not the clock.
  const started = performance.now();
  const period = await deps.index.inPeriod(request.tenant, request.from, request.to);
  const npsAnswers = period.answers.filter((answer) => answer.kind === 'nps');
  const csatAnswers = period.answers.filter((answer) => answer.kind === 'csat');
  const report = {
    tenant: request.tenant,
    from: request.from.toISOString(),
    to: request.to.toISOString(),
    overall: nps(npsAnswers),
    byTier: perTier(npsAnswers, nps),
    csat: csat(csatAnswers),
    csatByTier: perTier(csatAnswers, csat),
    partitions: period.partitions,
    requests: period.requests,
    durationMs: Math.round(performance.now() - started),
  };
  return { report, answers: period.answers };
}
