import { Logger } from '@aws-lambda-powertools/logger';
import { search } from '@aws-lambda-powertools/logger/correlationId';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The service name in logs and the metrics dimension. */
export const SERVICE_NAME = 'influence-router';
/** The CloudWatch namespace of the product's metrics. */
export const METRICS_NAMESPACE = 'InfluenceRouter';

/** Metric names, shared with the CDK dashboard and alarms. */
export const METRIC = {
  webhooksAccepted: 'WebhooksAccepted',
  webhooksRejected: 'WebhooksRejected',
  decisionsMade: 'DecisionsMade',
  writeBacksApplied: 'WriteBacksApplied',
  helpdeskRateLimited: 'HelpdeskRateLimited',
  upliftApplied: 'UpliftApplied',
  decisionLatencyMs: 'DecisionLatencyMs',
} as const;

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
    correlationIdSearchFn: search,
  });
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
  return { logger, metrics };
}

export { MetricUnit };
