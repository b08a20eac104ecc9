/**
 * The road, in order: the test stage (once for all targets), then per target build, smoke test (with the scan
 * alongside), scan, SARIF upload, push. The one list the report, the summary and the errors derive from.
 */
export const PHASES = ['test', 'build', 'smoke', 'scan', 'upload', 'push'] as const;
export type Phase = (typeof PHASES)[number];

/** What a person reads for each phase, e.g. "the smoke test of web". */
export const PHASE_NAMES: Record<Phase, string> = {
  test: 'test stage',
  build: 'build',
  smoke: 'smoke test',
  scan: 'scan',
  upload: 'SARIF upload',
  push: 'push',
};
