import { Logger, LogLevelThreshold, type LogItem } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';
import * as z from 'zod';
import { createLogger } from '../../shared/adapters/observability/logger.js';
import { SERVICE_NAME } from '../../shared/adapters/observability/metric-names.js';

/** How local mode prints its logs: one readable line per entry, or the functions' JSON lines. */
export const LogFormatSchema = z.enum(['line', 'json'], {
  error: "must be 'line' (one readable line per entry) or 'json' (the deployed functions' JSON lines)",
});
export type LogFormat = z.infer<typeof LogFormatSchema>;

/** Keys every entry carries that say nothing on a developer's terminal. */
const QUIET_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'function',
  'function_request_id',
  'xray_trace_id',
  'cold_start',
]);
const LEVEL_COLOURS: Readonly<Record<string, string>> = { WARN: '33', ERROR: '31', CRITICAL: '31', DEBUG: '90', TRACE: '90' };

/**
 * The logger a local process uses for one function, in the chosen format; `quietUnlessSet` makes
 * it print warnings and errors only unless POWERTOOLS_LOG_LEVEL says otherwise (for a command
 * whose own summary says what the INFO lines would).
 */
export function localLogger(functionName: string, format: LogFormat, quietUnlessSet = false): Logger {
  const logger =
    format === 'json'
      ? createLogger(functionName)
      : new TerminalLogger({ serviceName: SERVICE_NAME, persistentKeys: { function: functionName } });
  if (quietUnlessSet && !process.env.POWERTOOLS_LOG_LEVEL) logger.setLogLevel('WARN');
  return logger;
}

/**
 * Powertools' logger, printing each entry as one line a person reads: time, level, function,
 * message, then the entry's own keys as key=value. Child loggers print the same way.
 */
class TerminalLogger extends Logger {
  readonly #colour = process.stdout.isTTY && process.env.NO_COLOR === undefined;

  protected override createLogger(options?: ConstructorOptions): Logger {
    return new TerminalLogger(options);
  }

  protected override printLog(logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    const line = formatLogLine(log.getAttributes(), this.#colour);
    if (logLevel >= LogLevelThreshold.WARN) console.error(line);
    else console.log(line);
  }
}

/**
 * One log entry as one line: `10:13:19.967 INFO  process-events  event processed  tenant=demo …`.
 * Values with spaces or quotes are JSON-quoted; objects are compact JSON; an error shows its
 * name, message and where it was thrown.
 *
 * @example formatLogLine({ level: 'INFO', message: 'event processed', timestamp: '2026-12-02T10:13:19.967Z', tenant: 'demo' }, false)
 */
export function formatLogLine(attributes: Record<string, unknown>, colour: boolean): string {
  const level = String(attributes.level ?? 'INFO');
  const time = typeof attributes.timestamp === 'string' ? attributes.timestamp.slice(11, 23) : '';
  const shownLevel = colour && LEVEL_COLOURS[level] ? `\u001b[${LEVEL_COLOURS[level]}m${level.padEnd(5)}\u001b[0m` : level.padEnd(5);
  const fields = Object.entries(attributes)
    .filter(([key, value]) => !QUIET_KEYS.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${formatValue(value)}`);
  return [time, shownLevel, String(attributes.function ?? '-').padEnd(14), String(attributes.message ?? ''), ...fields].join(' ').trimEnd();
}

function formatValue(value: unknown): string {
  if (isLoggedError(value)) {
    const place = thrownAt(value);
    return JSON.stringify(`${value.name}: ${value.message}${place ? ` (at ${place})` : ''}`);
  }
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

interface LoggedError {
  name: string;
  message: string;
  location?: string;
  stack?: string;
}

/** Where an error was thrown: Powertools' location, else the stack's first frame, relative to here. */
function thrownAt(error: LoggedError): string | undefined {
  if (error.location) return error.location;
  const frame = /\n\s+at (?:.*?\()?(?:file:\/\/)?([^\s()]+:\d+):\d+\)?/.exec(error.stack ?? '')?.[1];
  return frame?.startsWith(`${process.cwd()}/`) ? frame.slice(process.cwd().length + 1) : frame;
}

/** Powertools logs an error as { name, location, message, stack }. */
function isLoggedError(value: unknown): value is LoggedError {
  return typeof value === 'object' && value !== null && 'name' in value && 'message' in value && 'stack' in value;
}
