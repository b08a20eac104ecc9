import { describe, expect, test } from '@jest/globals';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { closingLine } = require('./helpers/summary-reporter.cjs') as {
  closingLine: (results: Record<string, number>) => string;
};

describe("the closing line CI reads (jest's aggregated results)", () => {
  const green = { numPassedTests: 5, numFailedTests: 0, numPendingTests: 1, numTodoTests: 0 };
  test('a green run', () => {
    expect(closingLine({ ...green, numRuntimeErrorTestSuites: 0 })).toBe('tests: 5 passed, 0 failed, 1 skipped');
  });
  test('a suite that failed to run is never "0 failed"', () => {
    expect(closingLine({ ...green, numRuntimeErrorTestSuites: 1, numFailedTestSuites: 1 })).toBe(
      'tests: 5 passed, 1 failed, 1 skipped (1 suite failed to run)',
    );
  });
});
