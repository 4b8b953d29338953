import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          exclude: ['test/e2e/simulation.test.ts'],
          environment: 'node',
          globalSetup: ['./test/support/dynamodb-global-setup.ts', './test/support/sqs-global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The simulation measures throughput and a helpdesk's limit across eight consumers: it runs
        // after the other projects, alone, so that their load does not become its result.
        test: {
          name: 'simulation',
          include: ['test/e2e/simulation.test.ts'],
          environment: 'node',
          globalSetup: ['./test/support/dynamodb-global-setup.ts'],
          sequence: { groupOrder: 1 },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'cdk',
          include: ['test/cdk/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
