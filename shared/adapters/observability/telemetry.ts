import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

import { METRIC, METRICS_NAMESPACE, SERVICE_NAME } from './metric-names.js';

export { METRIC, METRICS_NAMESPACE, SERVICE_NAME };

/** One logger and one metrics object per process, as Powertools recommends. */
export interface Telemetry {
  logger: Logger;
  metrics: Metrics;
}

/**
 * Creates the process's logger and metrics. Log lines never carry secrets, signatures, raw
 * bodies or raw emails: callers log ids and outcomes only.
 *
 * @example const { logger, metrics } = createTelemetry('ingest-webhook')
 */
export function createTelemetry(functionName: string): Telemetry {
  const logger = new Logger({
    serviceName: SERVICE_NAME,
    persistentKeys: { function: functionName },
  });
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
  return { logger, metrics };
}

export { MetricUnit };
