import { Logger } from '@aws-lambda-powertools/logger';
import { SERVICE_NAME } from './metric-names.js';

export { Logger };

/**
 * Creates the process's logger: one JSON line per entry, the service and function named on each.
 * Log lines never carry secrets, signatures, raw bodies or raw emails: callers log ids and
 * outcomes only.
 *
 * @example const logger = createLogger('ingest-webhook')
 */
export function createLogger(functionName: string): Logger {
  return new Logger({ serviceName: SERVICE_NAME, persistentKeys: { function: functionName } });
}
