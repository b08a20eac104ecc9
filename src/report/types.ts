import type { StepProgress } from '../build/progress.js';
import type { Analysis } from '../analysis/analyze.js';
import type { Failure } from '../errors.js';
import type { Descriptor } from '../release/layout.js';
import type { Finding, FindingCounts, SeverityCounts } from '../scan/report.js';

/** What each phase found. A phase returns its report; the pipeline reads the verdict from it. */

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
  /** The builder's driver, as the build's log said it. */
  driver?: string;
  /** TCP ports the image EXPOSEs, ascending. */
  exposedPorts: number[];
  /** Labels the image got (the push of a multi-platform image reuses them). */
  labels: string[];
  /** The platform the gates ran on, when several were asked for. */
  gatedPlatform?: string;
  /** The layout path: the build result on disk, and the platform image of it the gates ran on. */
  layout?: { dir: string; tested: Descriptor };
  /** BuildKit's steps as its progress told them, for the analysis. */
  stepDetails?: StepProgress[];
}

export interface TestTotals {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
}

export interface TestReport {
  status: 'passed' | 'failed';
  /** Why the tests did not pass, when they did not. */
  reason?: string;
  totals: TestTotals;
  /** Failed tests kept (the first ones, within the reader's limit). */
  failed: { name: string; classname?: string; message?: string }[];
  /** Failed tests counted but not kept. */
  failedLeftOut?: number;
  resultsPath: string;
  files: string[];
}

export interface SmokeReport {
  status: 'passed' | 'failed' | 'skipped';
  seconds?: number;
  /** Why it failed, or why it was skipped. */
  reason?: string;
  hostPort?: number;
  containerPort?: number;
}

export interface ScanReport {
  status: 'scanned' | 'skipped';
  /** Vulnerabilities by severity. */
  counts?: SeverityCounts;
  /** Every scanner's findings by kind and severity. */
  findings?: FindingCounts;
  /** Findings within `severity`, most severe first. */
  reported?: Finding[];
  /** Findings that trip `fail-on`. */
  gated?: Finding[];
  sarifFile?: string;
  /** The CycloneDX SBOM written from the same scan. */
  sbomFile?: string;
  /** Packages the SBOM lists. */
  packages?: number;
}

export interface UploadReport {
  status: 'uploaded' | 'skipped' | 'forbidden';
  category?: string;
  sarifId?: string;
  /** Why it was skipped or refused. */
  reason?: string;
  processing?: 'complete' | 'timeout' | 'not waited';
}

export interface PushReport {
  /** What the tags name: the index (several platforms, attestations) or the manifest. */
  digest: string;
  /** The platform manifest the gates ran on, inside that index. */
  manifestDigest?: string;
  /** Sigstore bundles of the signatures, one per repository. */
  signatures: string[];
  /** How it was signed (key, keyless), when it was. */
  signedWith?: 'key' | 'keyless';
  sbomAttached: boolean;
  /** The provenance mode attached (min, max), when one is. */
  provenance?: string;
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
  scan?: ScanReport;
  upload?: UploadReport;
  /** metadata-action's `version` for this target (from its tag rules), when there are rules. */
  version?: string;
  pushed: boolean;
  pushDigest?: string;
  /** What the push did: digest, signatures, attestations. */
  push?: PushReport;
  /** The build analysis: stages, layers, waste, recommendations. */
  analysis?: Analysis;
  /** What stopped this target: which kind of failure, in which phase, and the message the user reads. */
  failure?: Failure;
}
