import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_RETENTION } from '../../infra/cdk/constructs/event-queue.js';
import { REPO_ROOT } from '../../infra/cdk/constructs/service-function.js';
import { PROCESSING } from '../../infra/cdk/stacks/service-stack.js';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');

describe("the README's deployment figures", () => {
  it('are the template\'s: visibility timeout, function timeout, attempts and retention', () => {
    const visibility = PROCESSING.timeout.toSeconds() * 6 + PROCESSING.maxBatchingWindow.toSeconds();

    expect(readme).toContain(`the visibility timeout (${visibility} s)`);
    expect(readme).toContain(`processor's timeout (${PROCESSING.timeout.toSeconds()} s)`);
    expect(readme).toContain(`tried ${PROCESSING.maxReceiveCount} times`);
    expect(readme).toContain(`event queue (messages kept ${PROCESSING.queueRetention.toDays()} days`);
    expect(readme).toContain(`dead-letter queue (kept ${DEAD_LETTER_RETENTION.toDays()} days`);
  });
});

describe('local mode', () => {
  it("gives the processor the deployed function's timeout", async () => {
    const { PROCESSOR_TIMEOUT_MS } = await import('../../infra/local/stack.js');

    expect(PROCESSOR_TIMEOUT_MS).toBe(PROCESSING.timeout.toMilliseconds());
  });

  it('keeps messages on the SQS emulator as long as the deployed queues do', async () => {
    const { EVENT_QUEUE_RETENTION_SECONDS, DEAD_LETTER_RETENTION_SECONDS } = await import('../../infra/local/sqs-queues.js');

    expect(EVENT_QUEUE_RETENTION_SECONDS).toBe(PROCESSING.queueRetention.toSeconds());
    expect(DEAD_LETTER_RETENTION_SECONDS).toBe(DEAD_LETTER_RETENTION.toSeconds());
  });
});
