import { Duration } from 'aws-cdk-lib';
import { Metric, type MetricOptions, Unit } from 'aws-cdk-lib/aws-cloudwatch';
import { FilterPattern, type ILogGroup, type JsonPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  EVENT_PROCESSED,
  METRIC,
  METRICS_NAMESPACE,
  type MetricName,
  SERVICE_NAME,
} from '../../../shared/adapters/observability/metric-names.js';

/** The custom metrics of the service (EMF, or metric filters on the processor's lines; dimension `service`). */
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

/** One metric counted from the processor's 'event processed' lines. */
interface LineMetric {
  readonly metricName: MetricName;
  /** Conditions on the line's fields, beyond its message. */
  readonly where: readonly JsonPattern[];
  /** A literal, or the `$.field` whose value is the data point. */
  readonly value: string;
  readonly unit: Unit;
  readonly extraDimensions?: Record<string, string>;
}

/**
 * The processor's metrics, each counted from its one INFO line per event rather than emitted:
 * on the usual path an EMF document was a second line per event, larger than the line itself.
 * Metric filters cost nothing of their own; the metrics are custom metrics as before, with the
 * same names and dimensions, so the dashboard and alarms read them unchanged.
 */
const PROCESSOR_LINE_METRICS: readonly LineMetric[] = [
  {
    metricName: METRIC.decisionsMade,
    // A decision was recorded (the line names it) and it is not an earlier one seen again.
    where: [FilterPattern.exists('$.decisionId'), FilterPattern.stringValue('$.status', '!=', 'duplicate')],
    value: '1',
    unit: Unit.COUNT,
  },
  { metricName: METRIC.writeBacksApplied, where: [FilterPattern.stringValue('$.status', '=', 'applied')], value: '1', unit: Unit.COUNT },
  {
    metricName: METRIC.upliftApplied,
    where: [FilterPattern.stringValue('$.status', '=', 'applied'), FilterPattern.numberValue('$.uplift', '>', 0)],
    value: '1',
    unit: Unit.COUNT,
    extraDimensions: { tier: '$.tier' },
  },
  { metricName: METRIC.decisionLatencyMs, where: [FilterPattern.numberValue('$.ms', '>=', 0)], value: '$.ms', unit: Unit.MILLISECONDS },
  {
    metricName: METRIC.writeBackLatencyMs,
    where: [FilterPattern.numberValue('$.writeBackMs', '>=', 0)],
    value: '$.writeBackMs',
    unit: Unit.MILLISECONDS,
  },
];

/** The processor's metrics that come from its log lines, by name. */
export const LINE_METRIC_NAMES: readonly MetricName[] = PROCESSOR_LINE_METRICS.map((metric) => metric.metricName);

/**
 * Adds the metric filters that count the processor's metrics from its 'event processed' lines,
 * with the `service` dimension Powertools would have set (and `tier` for uplifts).
 *
 * @example processorMetricFilters(this, processor.logGroup)
 */
export function processorMetricFilters(scope: Construct, logGroup: ILogGroup): MetricFilter[] {
  return PROCESSOR_LINE_METRICS.map(
    (metric) =>
      new MetricFilter(scope, `${metric.metricName}Filter`, {
        logGroup,
        filterPattern: FilterPattern.all(FilterPattern.stringValue('$.message', '=', EVENT_PROCESSED), ...metric.where),
        metricNamespace: METRICS_NAMESPACE,
        metricName: metric.metricName,
        metricValue: metric.value,
        dimensions: { service: '$.service', ...metric.extraDimensions },
        unit: metric.unit,
      }),
  );
}
