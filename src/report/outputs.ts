import type { TargetReport } from './types.js';

interface OutputSpec {
  /** The output as one target gives it: a string ('' when unknown). */
  text: (report: TargetReport) => string | undefined;
  /** The same value as JSON, for several targets (objects stay objects, numbers numbers); default: the text. */
  json?: (report: TargetReport) => unknown;
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** The `analysis` output: what the tutorial's build-analysis script printed, as JSON. */
function analysisOutput(report: TargetReport): unknown {
  const a = report.analysis;
  if (!a) return undefined;
  return {
    stages: a.stages.map(({ name, seconds, steps, cached, status }) => ({ name, seconds, steps, cached, status })),
    layers: a.layers,
    imageSize: a.imageSize,
    wastedBytes: a.wastedBytes,
    recommendations: a.recommendations,
  };
}

/** Every output of action.yml, as text and as JSON. */
const OUTPUTS: Record<string, OutputSpec> = {
  'image-id': { text: (report) => report.build?.imageId },
  digest: { text: (report) => report.pushDigest ?? report.build?.digest },
  tags: { text: (report) => report.build?.tags.join('\n'), json: (report) => report.build?.tags },
  metadata: {
    text: (report) => (report.build ? JSON.stringify(report.build.metadata) : undefined),
    json: (report) => report.build?.metadata,
  },
  'image-size': {
    text: (report) => (report.build ? String(report.build.sizeBytes) : undefined),
    json: (report) => report.build?.sizeBytes,
  },
  'build-seconds': {
    text: (report) => report.build?.seconds.toFixed(1),
    json: (report) => (report.build ? round(report.build.seconds, 1) : undefined),
  },
  'cache-hit-ratio': {
    text: (report) => report.build?.cacheHitRatio.toFixed(2),
    json: (report) => (report.build ? round(report.build.cacheHitRatio, 2) : undefined),
  },
  tests: {
    text: (report) => (report.tests ? JSON.stringify(report.tests.totals) : undefined),
    json: (report) => report.tests?.totals,
  },
  'test-results-path': { text: (report) => report.tests?.resultsPath },
  smoke: { text: (report) => report.smoke?.status },
  'smoke-seconds': {
    text: (report) => (report.smoke?.status === 'passed' ? report.smoke.seconds?.toFixed(1) : undefined),
    json: (report) =>
      report.smoke?.status === 'passed' && report.smoke.seconds !== undefined
        ? round(report.smoke.seconds, 1)
        : undefined,
  },
  vulnerabilities: {
    text: (report) => (report.scan?.counts ? JSON.stringify(report.scan.counts) : undefined),
    json: (report) => report.scan?.counts,
  },
  findings: {
    text: (report) => (report.scan?.findings ? JSON.stringify(report.scan.findings) : undefined),
    json: (report) => report.scan?.findings,
  },
  'sarif-file': { text: (report) => report.scan?.sarifFile },
  'sarif-id': { text: (report) => report.upload?.sarifId },
  'sbom-file': { text: (report) => report.scan?.sbomFile },
  analysis: {
    text: (report) => (report.analysis ? JSON.stringify(analysisOutput(report)) : undefined),
    json: (report) => (report.analysis ? analysisOutput(report) : undefined),
  },
  pushed: { text: (report) => String(report.pushed), json: (report) => report.pushed },
  signature: {
    text: (report) => (report.push?.signatures.length ? report.push.signatures.join('\n') : undefined),
    json: (report) => (report.push?.signatures.length ? report.push.signatures : undefined),
  },
  version: { text: (report) => report.version },
};

export const OUTPUT_NAMES = Object.keys(OUTPUTS);

/**
 * The step's outputs. One target: plain values ('' when unknown). Several targets (`targets`): each output is one
 * JSON object keyed by target whose values are JSON themselves, so
 * `fromJSON(steps.x.outputs.tests)['production-backend'].failed` needs no second fromJSON; unknown values are
 * absent keys.
 */
export function actionOutputs(reports: readonly TargetReport[]): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(OUTPUTS)) {
    if (reports.length === 1) {
      outputs[name] = spec.text(reports[0]) ?? '';
      continue;
    }
    const values: Record<string, unknown> = {};
    for (const report of reports) {
      const value = (spec.json ?? spec.text)(report);
      if (value !== undefined) values[report.target] = value;
    }
    outputs[name] = JSON.stringify(values);
  }
  return outputs;
}
