/** The service name in logs and the metrics dimension. */
export const SERVICE_NAME = 'influence-router';
/** The CloudWatch namespace of the product's metrics. */
export const METRICS_NAMESPACE = 'InfluenceRouter';

/** Metric names the functions emit, shared with the CDK dashboard and alarms. */
export const METRIC = {
  webhooksAccepted: 'WebhooksAccepted',
  webhooksRejected: 'WebhooksRejected',
  decisionsMade: 'DecisionsMade',
  writeBacksApplied: 'WriteBacksApplied',
  helpdeskRateLimited: 'HelpdeskRateLimited',
  upliftApplied: 'UpliftApplied',
  /** The whole processing of one event: customer, score, decision and write-back. */
  decisionLatencyMs: 'DecisionLatencyMs',
  /** One write-back request to the helpdesk. */
  writeBackLatencyMs: 'WriteBackLatencyMs',
} as const;

/** One of the product's metric names. */
export type MetricName = (typeof METRIC)[keyof typeof METRIC];
