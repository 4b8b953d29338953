import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { type Alarm, AlarmStatusWidget, Dashboard, GraphWidget, type IMetric, MathExpression } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { TIERS } from '../../../shared/domain/tiers.js';
import type { EventQueue } from './event-queue.js';
import type { ServiceFunction } from './service-function.js';
import { serviceMetric } from './service-metrics.js';

/** Props of the service dashboard. */
export interface ServiceDashboardProps {
  readonly api: HttpApi;
  readonly events: EventQueue;
  /** Functions by a short display name, e.g. `{ ingest, process, refresh }`. */
  readonly functions: Readonly<Record<string, ServiceFunction>>;
  readonly alarms: readonly Alarm[];
}

const PERIOD = Duration.minutes(5);
const WIDTH = 8;

function graph(title: string, left: IMetric[], right: IMetric[] = [], stacked = false): GraphWidget {
  return new GraphWidget({ title, left, right, stacked, width: WIDTH, height: 6, period: PERIOD });
}

/**
 * One CloudWatch dashboard for the whole service: events received, decisions made, write-backs,
 * uplifts by tier, latencies, the queues, the functions and the state of every alarm.
 *
 * @example new ServiceDashboard(this, 'Dashboard', { api, events, functions, alarms })
 */
export class ServiceDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    const sum = { period: PERIOD, statistic: 'Sum' } as const;
    const upliftTiers = TIERS.filter((tier) => tier !== 'none');
    const functions = Object.entries(props.functions);

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(24) });
    this.dashboard.addWidgets(
      graph(
        'Events received',
        [
          // Every answer but a 4xx or 5xx is a 202: the webhook was verified and queued. The API
          // counts them for nothing; an EMF line per webhook was a third of the log per event.
          new MathExpression({
            expression: 'requests - refused - failed',
            usingMetrics: {
              requests: props.api.metricCount(sum),
              refused: props.api.metricClientError(sum),
              failed: props.api.metricServerError(sum),
            },
            label: 'accepted',
            period: PERIOD,
          }),
          props.api.metricClientError({ ...sum, label: 'rejected (HTTP 4xx)' }),
        ],
        [props.api.metricServerError({ ...sum, label: 'HTTP 5xx' })],
      ),
      graph('Decisions and write-backs', [
        serviceMetric('DecisionsMade', { ...sum, label: 'decisions' }),
        serviceMetric('WriteBacksApplied', { ...sum, label: 'write-backs' }),
        serviceMetric('HelpdeskRateLimited', { ...sum, label: 'helpdesk 429' }),
      ]),
      graph(
        'Uplifts by tier',
        upliftTiers.map((tier) => serviceMetric('UpliftApplied', { ...sum, label: tier, extraDimensions: { tier } })),
        [],
        true,
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Decision and write-back latency (ms)',
        ['p50', 'p99'].flatMap((statistic) => [
          serviceMetric('DecisionLatencyMs', { period: PERIOD, statistic, label: `event processing ${statistic}` }),
          serviceMetric('WriteBackLatencyMs', { period: PERIOD, statistic, label: `write-back ${statistic}` }),
        ]),
      ),
      graph(
        'Webhook latency (ms)',
        [
          props.api.metricLatency({ period: PERIOD, statistic: 'p50', label: 'API p50' }),
          props.api.metricLatency({ period: PERIOD, statistic: 'p99', label: 'API p99' }),
        ],
        functions.map(([name, fn]) => fn.function.metricDuration({ period: PERIOD, statistic: 'p99', label: `${name} p99` })),
      ),
      graph(
        'Event queue',
        [
          props.events.queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label: 'waiting' }),
          props.events.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: 'Maximum',
            label: 'dead letters',
          }),
        ],
        [props.events.queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum', label: 'oldest (s)' })],
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Function errors and throttles',
        functions.flatMap(([name, fn]) => [
          fn.function.metricErrors({ ...sum, label: `${name} errors` }),
          fn.function.metricThrottles({ ...sum, label: `${name} throttles` }),
        ]),
      ),
      graph(
        'Function invocations',
        functions.map(([name, fn]) => fn.function.metricInvocations({ ...sum, label: name })),
      ),
      new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: WIDTH, height: 6 }),
    );
  }
}
