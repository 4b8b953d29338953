import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorResponse } from './api-gateway.js';

/**
 * middy middleware: turns any error into the HTTP answer from `errorResponse`. Client errors
 * are logged at info with their message (never the body or headers); server errors at error
 * with their cause, and the sender sees only a generic 500.
 *
 * @example middy(handler).use(httpErrors(logger, (status) => metrics.addMetric(...)))
 */
export function httpErrors(
  logger: Logger,
  onRejected: (statusCode: number) => void = () => {},
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const response = errorResponse(request.error);
      const status = response.statusCode ?? 500;
      if (status >= 500) {
        logger.error('request failed', { error: request.error });
      } else {
        logger.info('request rejected', {
          status,
          reason: request.error instanceof Error ? request.error.message : 'unknown',
          path: request.event.rawPath,
        });
      }
      onRejected(status);
      request.response = response;
    },
  };
}
