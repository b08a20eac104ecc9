import type { TestTotals } from '../test-results/junit.js';

export type Phase = 'build' | 'test' | 'smoke' | 'scan' | 'upload' | 'push';

export interface BuildReport {
  imageId: string;
  digest?: string;
  tags: string[];
  sizeBytes: number;
  seconds: number;
  steps: number;
  cached: number;
  cacheHitRatio: number;
  metadata: Record<string, unknown>;
  /** The platform the gates ran on, when several were asked for. */
  gatedPlatform?: string;
}

export interface TestReport {
  totals: TestTotals;
  failed: { name: string; classname?: string; message?: string }[];
  resultsPath: string;
  files: string[];
}

export interface SmokeReport {
  status: 'passed' | 'failed' | 'skipped';
  seconds?: number;
  reason?: string;
  hostPort?: number;
  containerPort?: number;
}

/** Everything known about one target after the pipeline, whatever happened. */
export interface TargetReport {
  target: string;
  image: string;
  /** Stage names the target needed, for the graph. */
  stages: string[];
  build?: BuildReport;
  tests?: TestReport;
  smoke?: SmokeReport;
  pushed: boolean;
  pushDigest?: string;
  /** The phase that stopped this target, and why. */
  failure?: { phase: Phase; message: string };
}
