import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Rule } from 'aws-cdk-lib/aws-events';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { EventQueue } from './event-queue.js';
import type { ServiceFunction } from './service-function.js';
import { serviceMetric } from './service-metrics.js';

/** Alarm thresholds; the defaults suit one shared queue and Zendesk's per-account limits. */
export interface AlarmThresholds {
  /** Oldest message on the main queue, in seconds, sustained over two 5-minute periods. */
  readonly oldestMessageAgeSeconds: number;
  /** Helpdesk 429 responses per 5 minutes, in 2 of 3 periods. */
  readonly helpdeskRateLimitedPerFiveMinutes: number;
}

/** The default thresholds. */
export const DEFAULT_ALARM_THRESHOLDS: AlarmThresholds = {
  // Retry-After delays (Zendesk example: 93 s) and backoff keep some messages waiting; 15 min is not that.
  oldestMessageAgeSeconds: 15 * 60,
  helpdeskRateLimitedPerFiveMinutes: 10,
};

/** Props of the service alarms. */
export interface ServiceAlarmsProps {
  readonly topic: ITopic;
  /** Functions by a short display name, e.g. `{ ingest, process, refresh }`. */
  readonly functions: Readonly<Record<string, ServiceFunction>>;
  readonly events: EventQueue;
  /** The schedule that starts the refresh function. */
  readonly schedule: Rule;
  /** The webhook API: its 5xx answers are ingest failures the function turns into responses. */
  readonly api: IHttpApi;
  readonly thresholds?: Partial<AlarmThresholds>;
}

/**
 * The alarms that page someone, all notifying one topic (and again when they clear): dead
 * letters, a stuck queue, function errors and throttles, helpdesk rate limiting and failed
 * scheduled invocations.
 *
 * @example new ServiceAlarms(this, 'Alarms', { topic, functions: { ingest, process, refresh }, events, schedule })
 */
export class ServiceAlarms extends Construct {
  readonly alarms: Alarm[] = [];
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    this.action = new SnsAction(props.topic);
    const thresholds = { ...DEFAULT_ALARM_THRESHOLDS, ...props.thresholds };
    const fiveMinutes = Duration.minutes(5);

    this.add('DeadLetters', {
      metric: props.events.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      description:
        'Events reached the dead-letter queue after every retry. Find the cause in the process-events logs, fix it, then redrive the DLQ (URL in the stack outputs) to the event queue.',
    });
    this.add('OldestEvent', {
      metric: props.events.queue.metricApproximateAgeOfOldestMessage({ period: fiveMinutes, statistic: 'Maximum' }),
      threshold: thresholds.oldestMessageAgeSeconds,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      description: `An event has waited more than ${thresholds.oldestMessageAgeSeconds} s on the event queue: processing is failing, throttled or rate limited.`,
    });
    for (const [name, fn] of Object.entries(props.functions)) {
      this.add(`${capitalise(name)}Errors`, {
        metric: fn.function.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        description: `The ${name} function failed (unhandled errors or timeouts). See its log group.`,
      });
      this.add(`${capitalise(name)}Throttles`, {
        metric: fn.function.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        description: `Invocations of the ${name} function were throttled: check account concurrency and the function's reservation.`,
      });
    }
    // Ingest answers its own errors (a 500 is a response, not a Lambda error), so its failures
    // show only as API 5xx: a missing signing secret would otherwise fail every delivery silently.
    this.add('WebhookServerErrors', {
      metric: props.api.metricServerError({ period: fiveMinutes, statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      description:
        'The webhook API answered 5xx: senders are retrying and will give up. Check the ingest logs (a secret that cannot be read, a queue that refuses messages).',
    });
    this.add('HelpdeskRateLimited', {
      metric: serviceMetric('HelpdeskRateLimited', { period: fiveMinutes, statistic: 'Sum' }),
      threshold: thresholds.helpdeskRateLimitedPerFiveMinutes,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      description:
        'A helpdesk keeps answering 429: write-backs are delayed by Retry-After. Lower the processor concurrency or ask the tenant about their API plan.',
    });
    this.add('ScheduleFailures', {
      metric: new Metric({
        namespace: 'AWS/Events',
        metricName: 'FailedInvocations',
        dimensionsMap: { RuleName: props.schedule.ruleName },
        period: fiveMinutes,
        statistic: 'Sum',
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      description: 'EventBridge could not invoke the refresh function on schedule (permissions or throttling).',
    });
  }

  private add(
    id: string,
    options: {
      metric: IMetric;
      threshold: number;
      comparisonOperator: ComparisonOperator;
      description: string;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
    },
  ): void {
    const alarm = new Alarm(this, id, {
      metric: options.metric,
      threshold: options.threshold,
      comparisonOperator: options.comparisonOperator,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      datapointsToAlarm: options.datapointsToAlarm,
      // No traffic is not a failure: quiet nights must not page anyone.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
  }
}

function capitalise(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
