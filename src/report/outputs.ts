import type { TargetReport } from './types.js';

/**
 * The step's outputs. One target: plain values. Several targets (`targets`): each output is a JSON object keyed
 * by target, e.g. image-id = {"production-backend":"sha256:...","production-frontend":"sha256:..."}.
 * Unknown values are '' (one target) or absent keys (several).
 */
export function actionOutputs(reports: readonly TargetReport[]): Record<string, string> {
  const perTarget: Record<string, (r: TargetReport) => string | undefined> = {
    'image-id': (r) => r.build?.imageId,
    digest: (r) => r.pushDigest ?? r.build?.digest,
    tags: (r) => r.build?.tags.join('\n'),
    metadata: (r) => (r.build ? JSON.stringify(r.build.metadata) : undefined),
    'image-size': (r) => (r.build ? String(r.build.sizeBytes) : undefined),
    'build-seconds': (r) => (r.build ? r.build.seconds.toFixed(1) : undefined),
    'cache-hit-ratio': (r) => (r.build ? r.build.cacheHitRatio.toFixed(2) : undefined),
    tests: (r) => (r.tests ? JSON.stringify(r.tests.totals) : undefined),
    'test-results-path': (r) => r.tests?.resultsPath,
    smoke: (r) => r.smoke?.status,
    'smoke-seconds': (r) =>
      r.smoke?.seconds !== undefined && r.smoke.status === 'passed' ? r.smoke.seconds.toFixed(1) : undefined,
    vulnerabilities: (r) => (r.scan?.counts ? JSON.stringify(r.scan.counts) : undefined),
    findings: (r) => (r.scan?.findings ? JSON.stringify(r.scan.findings) : undefined),
    'sarif-file': (r) => r.scan?.sarifFile,
    'sarif-id': (r) => r.upload?.sarifId,
    pushed: (r) => String(r.pushed),
  };
  const outputs: Record<string, string> = {};
  for (const [name, read] of Object.entries(perTarget)) {
    if (reports.length === 1) {
      outputs[name] = read(reports[0]) ?? '';
    } else {
      const values: Record<string, string> = {};
      for (const report of reports) {
        const value = read(report);
        if (value !== undefined) values[report.target] = value;
      }
      outputs[name] = JSON.stringify(values);
    }
  }
  return outputs;
}
