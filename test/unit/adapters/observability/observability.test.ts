import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { localContext } from '../../../../infra/local/lambda-shapes.js';
import { recordWriteBack, timeEvent } from '../../../../shared/adapters/observability/event-timing.js';
import { publishMetricsIfAny } from '../../../../shared/adapters/observability/publish-metrics.js';

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.POWERTOOLS_METRICS_DISABLED;
});

/** Everything written to stdout and stderr while `work` runs. */
async function output(work: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter((line) => line.length > 0),
    );
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  await work();
  return lines;
}

describe('publishMetricsIfAny', () => {
  const handlerRecording = (count: number) => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
    return middy(async () => {
      for (let i = 0; i < count; i += 1) metrics.addMetric('Thing', MetricUnit.Count, 1);
    }).use(publishMetricsIfAny(metrics));
  };

  it('writes one EMF document for an invocation that recorded metrics', async () => {
    const handler = handlerRecording(2);
    const lines = await output(() => handler({}, localContext('test')));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ Thing: [1, 1] });
  });

  it('writes nothing, not even a warning, for an invocation that recorded none', async () => {
    const handler = handlerRecording(0);
    const lines = await output(() => handler({}, localContext('test')));
    expect(lines).toEqual([]);
  });
});

describe('timeEvent', () => {
  const write = (ms: number) => new Promise<void>((resolve) => setTimeout(() => (recordWriteBack(ms), resolve()), 1));

  it('adds up the writes made for the event, and reports none when there were none', async () => {
    expect(await timeEvent(async () => (await write(5), await write(7), 'done'))).toEqual({ result: 'done', writeBackMs: 12 });
    expect(await timeEvent(async () => 'nothing written')).toEqual({ result: 'nothing written' });
  });

  it('keeps events processed side by side apart', async () => {
    const [a, b] = await Promise.all([timeEvent(() => write(3)), timeEvent(async () => (await write(10), await write(10)))]);
    expect(a.writeBackMs).toBe(3);
    expect(b.writeBackMs).toBe(20);
  });

  it('ignores a write made outside any event', () => {
    expect(() => recordWriteBack(4)).not.toThrow();
  });
});
