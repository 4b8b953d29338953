import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { createLogger } from './logger.js';
import { EVENT_PROCESSED, METRIC, METRICS_NAMESPACE, SERVICE_NAME } from './metric-names.js';

export { EVENT_PROCESSED, METRIC, METRICS_NAMESPACE, SERVICE_NAME };

/** One logger and one metrics object per process, as Powertools recommends. */
export interface Telemetry {
  logger: Logger;
  metrics: Metrics;
}

/**
 * Creates the process's logger and metrics, for the functions that emit metrics (the ingest
 * function logs only: see its chain). A local process may bring its own logger.
 *
 * @example const { logger, metrics } = createTelemetry('process-events')
 */
export function createTelemetry(functionName: string, logger: Logger = createLogger(functionName)): Telemetry {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
  return { logger, metrics };
}

export { MetricUnit };
