// Two projects: `unit` (pure code, no engine) and `integration` (*.itest.ts, a real Docker engine; never skipped:
// the global setup fails the run when no engine answers). ts-jest in ESM mode because @actions/* 3.x are ESM-only.
const common = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
};

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/__tests__/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/__tests__/**/*.itest.ts'],
      globalSetup: '<rootDir>/__tests__/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/__tests__/helpers/global-teardown.ts',
    },
  ],
  // Integration tests build images and wait for services; a unit test that needs this long is a bug anyway.
  testTimeout: 180000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/__tests__/helpers/summary-reporter.cjs'],
};
