import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

/**
 * middy middleware: which Lambda context every log line carries. At DEBUG, all of it (Powertools'
 * `injectLambdaContext`: ARN, memory size, names, cold start). Above DEBUG, only the request id,
 * which ties a line to its invocation's REPORT line: the rest names the function and its
 * settings, which the log group already says, and was about 230 bytes of every line, a third of
 * the log bill.
 *
 * @example middy(handler).use(logContext(logger))
 */
export function logContext(logger: Logger): MiddlewareObj<unknown, unknown, Error, Context> {
  if (logger.getLevelName() === 'DEBUG') return injectLambdaContext(logger) as MiddlewareObj<unknown, unknown, Error, Context>;
  return {
    before: (request) => {
      logger.appendKeys({ function_request_id: request.context.awsRequestId });
    },
  };
}
