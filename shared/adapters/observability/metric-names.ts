/** The service name in logs and the metrics dimension. */
export const SERVICE_NAME = 'influence-router';
/** The CloudWatch namespace of the product's metrics. */
export const METRICS_NAMESPACE = 'InfluenceRouter';

/**
 * Metric names of the service, shared with the CDK dashboard and alarms. The processor's are
 * counted from its 'event processed' lines by metric filters; the others are EMF documents.
 */
export const METRIC = {
  decisionsMade: 'DecisionsMade',
  writeBacksApplied: 'WriteBacksApplied',
  helpdeskRateLimited: 'HelpdeskRateLimited',
  /** With a `tier` dimension. */
  upliftApplied: 'UpliftApplied',
  /** The whole processing of one event: customer, score, decision and write-back. */
  decisionLatencyMs: 'DecisionLatencyMs',
  /** The helpdesk writes of one event (usually one request). */
  writeBackLatencyMs: 'WriteBackLatencyMs',
} as const;

/** One of the product's metric names. */
export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/**
 * The message of the processor's one INFO line per event. Metric filters count the processor's
 * metrics from it and its `decisionId`, `status`, `uplift`, `tier`, `ms` and `writeBackMs` fields.
 */
export const EVENT_PROCESSED = 'event processed';
