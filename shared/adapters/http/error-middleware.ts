import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorResponse } from './api-gateway.js';

/** The logging this middleware needs (Powertools' Logger fits). */
export interface RequestLogger {
  error(message: string, details: Record<string, unknown>): void;
  info(message: string, details: Record<string, unknown>): void;
}

/**
 * middy middleware: turns any error into the HTTP answer from `errorResponse`. Client errors
 * are logged at info with their message (never the body or headers); server errors at error
 * with their cause, and the sender sees only a generic 500.
 *
 * @example middy(handler).use(httpErrors(logger, (status) => metrics.addMetric(...)))
 */
export function httpErrors(
  logger: RequestLogger,
  onRejected: (statusCode: number) => void = () => {},
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const response = errorResponse(request.error);
      const status = response.statusCode ?? 500;
      if (status >= 500) {
        // Name and message only: a cause chain can quote configuration or secret material.
        const error = request.error instanceof Error ? { name: request.error.name, message: request.error.message } : 'unknown';
        logger.error('request failed', { error });
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
