import { Duration } from 'aws-cdk-lib';
import { Metric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import { METRICS_NAMESPACE, SERVICE_NAME } from './service-function.js';

/** The custom metrics the functions emit (EMF, dimension `service`). */
export const CUSTOM_METRICS = [
  'WebhooksAccepted',
  'WebhooksRejected',
  'DecisionsMade',
  'WriteBacksApplied',
  'HelpdeskRateLimited',
  'UpliftApplied',
  'DecisionLatencyMs',
  'WriteBackLatencyMs',
] as const;

/** One of the custom metric names. */
export type CustomMetricName = (typeof CUSTOM_METRICS)[number];

/**
 * A custom metric in the service's namespace, with the `service` dimension Powertools adds
 * (and any extra dimension, such as `tier` for `UpliftApplied`).
 *
 * @example serviceMetric('DecisionsMade', { statistic: 'Sum' })
 */
export function serviceMetric(
  metricName: CustomMetricName,
  options: MetricOptions & { extraDimensions?: Record<string, string> } = {},
): Metric {
  const { extraDimensions, ...metricOptions } = options;
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    period: Duration.minutes(5),
    statistic: 'Sum',
    ...metricOptions,
    dimensionsMap: { service: SERVICE_NAME, ...extraDimensions },
  });
}
