import { Duration } from 'aws-cdk-lib';
import { Metric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC, METRICS_NAMESPACE, type MetricName, SERVICE_NAME } from '../../shared/adapters/observability/metric-names.js';

/** The custom metrics the functions emit (EMF, dimension `service`): the functions' own list. */
export const CUSTOM_METRICS: readonly MetricName[] = Object.values(METRIC);

/** One of the custom metric names. */
export type CustomMetricName = MetricName;

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
