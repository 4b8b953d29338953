import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { logContext } from '../../shared/adapters/observability/log-context.js';
import { MetricUnit, type Telemetry } from '../../shared/adapters/observability/telemetry.js';
import {
  refreshDueScores,
  type RefreshDueScoresDeps,
  type RefreshDueScoresResult,
} from '../../shared/use-cases/scoring/refresh-due-scores.js';

/** Everything the refresh-scores function needs, wired once per process. */
export interface RefreshScoresDeps extends RefreshDueScoresDeps {
  telemetry: Telemetry;
  /** Time kept back from the function's timeout: no refresh starts after it (default 15 s). */
  safetyMarginMs?: number;
}

/** Metric names of the scheduled refresh, one count per outcome. */
export const REFRESH_METRIC = {
  examined: 'ScoreRefreshExamined',
  refreshed: 'ScoresRefreshed',
  unchanged: 'ScoreRefreshNoScore',
  failed: 'ScoreRefreshFailures',
  skipped: 'ScoreRefreshSkipped',
} as const;

/**
 * Builds the scheduled handler: one bounded refresh run per invocation, stopping new refreshes
 * in time to finish before the function's timeout, with its counts as metrics and in the result.
 *
 * @example export const handler = createRefreshScoresHandler(deps)
 */
export function createRefreshScoresHandler(deps: RefreshScoresDeps) {
  const { logger, metrics } = deps.telemetry;
  const margin = deps.safetyMarginMs ?? 15_000;
  return middy(async (_event: ScheduledEvent, context: Context): Promise<RefreshDueScoresResult> => {
    const deadline = new Date(deps.clock.now().getTime() + Math.max(0, context.getRemainingTimeInMillis() - margin));
    const result = await refreshDueScores({ deadline }, deps);
    for (const [count, name] of Object.entries(REFRESH_METRIC) as [keyof typeof REFRESH_METRIC, string][]) {
      metrics.addMetric(name, MetricUnit.Count, result[count]);
    }
    logger.info('refresh finished', {
      examined: result.examined,
      refreshed: result.refreshed,
      unchanged: result.unchanged,
      failed: result.failed,
      skipped: result.skipped,
    });
    return result;
  })
    .use(logContext(logger))
    .use(logMetrics(metrics));
}
