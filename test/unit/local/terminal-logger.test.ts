import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatLogLine, localLogger } from '../../../infra/local/terminal-logger.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function printed(spy: { mock: { calls: unknown[][] } }): string[] {
  return spy.mock.calls.map((call) => String(call[0]));
}

describe('local logs in line form', () => {
  it('print one line per entry: time, level, function, message, then the entry keys', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const logger = localLogger('process-events', 'line');

    logger.info('event processed', { tenant: 'demo', status: 'applied', uplift: 1, note: 'two words' });

    const lines = printed(log);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d{2}:\d{2}:\d{2}\.\d{3} INFO {2}process-events event processed tenant=demo status=applied uplift=1 note="two words"$/,
    );
  });

  it('print warnings and errors to stderr, the error as its name, message and place on the same line', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const logger = localLogger('ingest-webhook', 'line');

    logger.warn('helpdesk failing', { tenant: 'demo' });
    logger.error('event failed', new TypeError('bad value'));

    const lines = printed(error);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('WARN  ingest-webhook helpdesk failing tenant=demo');
    expect(lines[1]).toMatch(/ERROR ingest-webhook event failed error="TypeError: bad value \(at .+terminal-logger\.test\.ts:\d+\)"$/);
    expect(lines[1]).not.toContain('\n');
  });

  it('keep their form in child loggers and honour the log level', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const logger = localLogger('process-events', 'line');
    logger.setLogLevel('WARN');
    logger.info('hidden');
    logger.setLogLevel('INFO');

    logger.createChild({ persistentKeys: { batch: 'b1' } }).info('from a child');

    expect(printed(log)).toEqual([expect.stringMatching(/INFO {2}process-events from a child batch=b1$/)]);
  });

  it('is one setting away from the deployed JSON lines', () => {
    const log = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const logger = localLogger('process-events', 'json');

    logger.info('event processed', { tenant: 'demo' });

    const written = [...printed(log), ...stdout.mock.calls.map((call) => String(call[0]))].join('');
    stdout.mockRestore();
    expect(JSON.parse(written)).toMatchObject({ level: 'INFO', message: 'event processed', function: 'process-events', tenant: 'demo' });
  });
});

describe('formatLogLine', () => {
  it('quotes values with spaces or quotes, prints objects as compact JSON and leaves out the keys every entry carries', () => {
    const line = formatLogLine(
      {
        level: 'INFO',
        message: 'm',
        timestamp: '2026-12-02T10:13:19.967Z',
        service: 'influence-router',
        sampling_rate: 0,
        function: 'f',
        a: 'x"y',
        b: { c: 1 },
      },
      false,
    );

    expect(line).toBe('10:13:19.967 INFO  f              m a="x\\"y" b={"c":1}');
  });
});
