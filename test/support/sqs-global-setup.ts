import type { TestProject } from 'vitest/node';
import { startSqsEmulator } from '../../infra/local/sqs-emulator.js';

declare module 'vitest' {
  export interface ProvidedContext {
    sqsEndpoint: string;
  }
}

/** Starts one SQS emulator (fauxqs, on loopback) for the whole integration run; each test file creates its own queues. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const emulator = await startSqsEmulator();
  project.provide('sqsEndpoint', emulator.endpoint);
  return () => emulator.stop();
}
