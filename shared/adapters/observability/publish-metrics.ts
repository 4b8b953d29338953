import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';

/**
 * middy middleware: publishes the invocation's metrics when it recorded any, and writes nothing
 * otherwise. Powertools' `logMetrics` logs a warning for an invocation without metrics, which for
 * a function whose usual path records none (its metrics come from metric filters) would be a line
 * per batch.
 *
 * @example middy(handler).use(publishMetricsIfAny(metrics))
 */
export function publishMetricsIfAny(metrics: Metrics): MiddlewareObj {
  const publish = async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: publish, onError: publish };
}
