import type { TargetReport } from './types.js';

/**
 * The step's outputs. One target: plain values. Several targets (`targets`): each output is a JSON object keyed
 * by target, e.g. image-id = {"production-backend":"sha256:...","production-frontend":"sha256:..."}.
 * Unknown values are '' (one target) or absent keys (several).
 */
export function actionOutputs(reports: readonly TargetReport[]): Record<string, string> {
  const perTarget: Record<string, (report: TargetReport) => string | undefined> = {
    'image-id': (report) => report.build?.imageId,
    digest: (report) => report.pushDigest ?? report.build?.digest,
    tags: (report) => report.build?.tags.join('\n'),
    metadata: (report) => (report.build ? JSON.stringify(report.build.metadata) : undefined),
    'image-size': (report) => (report.build ? String(report.build.sizeBytes) : undefined),
    'build-seconds': (report) => (report.build ? report.build.seconds.toFixed(1) : undefined),
    'cache-hit-ratio': (report) => (report.build ? report.build.cacheHitRatio.toFixed(2) : undefined),
    tests: (report) => (report.tests ? JSON.stringify(report.tests.totals) : undefined),
    'test-results-path': (report) => report.tests?.resultsPath,
    smoke: (report) => report.smoke?.status,
    'smoke-seconds': (report) =>
      report.smoke?.seconds !== undefined && report.smoke.status === 'passed'
        ? report.smoke.seconds.toFixed(1)
        : undefined,
    vulnerabilities: (report) => (report.scan?.counts ? JSON.stringify(report.scan.counts) : undefined),
    findings: (report) => (report.scan?.findings ? JSON.stringify(report.scan.findings) : undefined),
    'sarif-file': (report) => report.scan?.sarifFile,
    'sarif-id': (report) => report.upload?.sarifId,
    pushed: (report) => String(report.pushed),
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
