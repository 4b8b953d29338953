import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, type ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The one route: helpdesks and survey tools post here, each tenant and source with its own path. */
export const WEBHOOK_ROUTE_PATH = '/webhooks/{tenant}/{source}';

/**
 * Access log fields, as JSON. Headers, query strings and bodies are left out on purpose: they
 * carry signatures, tokens and personal data.
 */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTimeEpoch',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integration.error',
  errorMessage: '$context.error.message',
};

/** Props of the webhook API. */
export interface WebhookApiProps {
  /** The verify-and-enqueue function behind the route. */
  readonly handler: IFunction;
  /** Stage-wide throttling: a flood of requests is turned away before it reaches the function. */
  readonly throttle: Required<ThrottleSettings>;
  /** @default three months */
  readonly accessLogRetention?: RetentionDays;
}

/**
 * An HTTP API with one route, `POST /webhooks/{tenant}/{source}`, on a `$default` stage with
 * throttling and JSON access logs.
 *
 * @example new WebhookApi(this, 'Webhooks', { handler: ingest.function, throttle: { rateLimit: 100, burstLimit: 200 } })
 */
export class WebhookApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  /** `https://{api}.execute-api.{region}.amazonaws.com/webhooks/`: append `{tenant}/{source}`. */
  readonly webhookBaseUrl: string;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // The default stage is created by hand: HttpApi's own default stage takes no throttling or logs.
    this.api = new HttpApi(this, 'Api', {
      description: 'Influence Router: inbound helpdesk and survey webhooks',
      createDefaultStage: false,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    this.api.addRoutes({
      path: WEBHOOK_ROUTE_PATH,
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('Ingest', props.handler),
    });
    this.webhookBaseUrl = `${this.stage.url}webhooks/`;
  }
}
