import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Runner } from '../exec.js';
import type { Ui } from '../ui.js';
import type { Inputs } from '../inputs.js';
import type { ScanReport } from '../report/types.js';
import { CommandError, ToolError } from '../errors.js';
import { SharedOrAlone } from '../runtime.js';
import { readRegularText } from '../safe-fs.js';
import { trivyConvertArgs, trivySbomArgs, trivyScanArgs } from './trivy-args.js';
import { dbIsCurrent, dbSkips, type TrivySetup } from './setup.js';
import {
  countByKind,
  countBySeverity,
  describeCounts,
  describeFinding,
  gateFindings,
  parseTrivyReport,
  rankFindings,
  sarifSafeReport,
  TrivyReportError,
  type Finding,
} from './report.js';

/** Trivy's JSON report is read whole; an image that makes it larger than this is refused. */
export const MAX_TRIVY_REPORT_BYTES = 256 * 1024 * 1024;
/** Findings over fail-on annotated one by one; the rest are in the message and the summary. */
const MAX_FINDING_ANNOTATIONS = 5;

export type ScanSettings = Pick<
  Inputs,
  | 'scan'
  | 'scanners'
  | 'ignore-unfixed'
  | 'trivyignore'
  | 'severity'
  | 'fail-on'
  | 'trivy-db-repository'
  | 'trivy-java-db-repository'
>;

export interface ScanDeps {
  run: Runner;
  ui: Ui;
  /** Trivy and its DB, set up on first use and shared by every target. */
  trivy: () => Promise<TrivySetup>;
  /** The run's scans together (several targets at once); absent: this scan is the only one. */
  scanTurns?: TrivyTurns;
}

/**
 * Trivy scans of one run, as many at once as is safe. The scan cache is kept in memory (`--cache-backend memory`):
 * on disk it is a BoltDB that one process locks for a whole scan (a second fails after 5 s, "cache may be in use by
 * another process"), and nothing keeps it between jobs anyway. The vulnerability DB is opened read-only and may be
 * shared, but not written by two at once: a scan that may download or update it runs alone; once one has, or when
 * the DB on disk is one Trivy would not update (restored today from the Actions cache, or current by Trivy's own
 * rule: dbIsCurrent), the scans run together and skip the update.
 */
export class TrivyTurns {
  readonly lock = new SharedOrAlone();
  /** A scan of this run has updated the DB: later scans skip the update. */
  dbReady = false;
}

/** Trivy's own words when a scan met a JAR with --skip-java-db-update and no Java DB yet. */
const JAVA_DB_FIRST_RUN = "'--skip-java-db-update' cannot be specified on the first run";

export interface ScanRequest {
  target: string;
  /** The image to scan, by a tag the engine knows. */
  image: string;
  settings: ScanSettings;
  /** Trivy's JSON report goes here. */
  tempDir: string;
  /** The SARIF (and the SBOM) go here (the run's temp folder on GitHub, the working folder on the command line). */
  outputDir: string;
  /** Also write a CycloneDX SBOM from the same scan. */
  sbom?: boolean;
}

/** An SBOM is read whole to count its packages; Trivy's for a real image is a few MB. */
export const MAX_SBOM_BYTES = 256 * 1024 * 1024;

/** The packages a CycloneDX SBOM lists (components of type library, nested ones included). */
export function countSbomPackages(text: string): number {
  let bom: unknown;
  try {
    bom = JSON.parse(text);
  } catch {
    return -1;
  }
  const count = (components: unknown): number =>
    Array.isArray(components)
      ? components.reduce<number>((n, c) => {
          if (typeof c !== 'object' || c === null) return n;
          const { type, components: nested } = c as { type?: unknown; components?: unknown };
          return n + (type === 'library' ? 1 : 0) + count(nested);
        }, 0)
      : 0;
  const b = bom as { bomFormat?: unknown; components?: unknown };
  return b && b.bomFormat === 'CycloneDX' ? count(b.components) : -1;
}

/** Trivy's JSON report file, within MAX_TRIVY_REPORT_BYTES (an image with millions of packages makes it huge). */
export function readTrivyReport(file: string, maxBytes = MAX_TRIVY_REPORT_BYTES): Finding[] {
  return readTrivyReportText(file, maxBytes).findings;
}

function readTrivyReportText(file: string, maxBytes = MAX_TRIVY_REPORT_BYTES): { text: string; findings: Finding[] } {
  const size = fs.existsSync(file) ? fs.statSync(file).size : 0;
  if (size > maxBytes) {
    throw new TrivyReportError(`the report is ${size} bytes, over the limit of ${maxBytes} bytes`);
  }
  const text = readRegularText(file, maxBytes) ?? '';
  return { text, findings: parseTrivyReport(text) };
}

/**
 * Scan the built image once (JSON, every severity, every scanner asked for), convert that report to SARIF with
 * Trivy's own `convert`, and count the findings. Trivy failing, or giving no usable report, is a tool failure. The
 * gate itself (`fail-on`) is `findingsVerdict`, checked after the upload.
 */
export async function scan(deps: ScanDeps, request: ScanRequest): Promise<ScanReport> {
  const { ui, run } = deps;
  const { settings, image } = request;
  if (!settings.scan) return { status: 'skipped' };
  const setup = await deps.trivy();
  for (const note of setup.notes.splice(0)) ui.info(note);
  const reportFile = path.join(request.tempDir, `trivy-${request.target}.json`);
  const sarifFile = path.join(request.outputDir, `trivy-${request.target}.sarif`);
  const turns = deps.scanTurns ?? new TrivyTurns();
  const scanOnce = (alone: boolean) =>
    turns.lock.run(
      () =>
        alone ||
        !(
          turns.dbReady ||
          dbSkips(setup.cacheDir, setup.db.fresh).skipDbUpdate ||
          dbIsCurrent(setup.cacheDir, Date.now())
        ),
      async (runsAlone) => {
        const restored = dbSkips(setup.cacheDir, setup.db.fresh);
        // Sharing the DB: no update of it; the Java DB too (a JAR with none yet fails the scan, which then runs alone).
        const skips = runsAlone
          ? { skipDbUpdate: restored.skipDbUpdate || turns.dbReady, skipJavaDbUpdate: restored.skipJavaDbUpdate }
          : { skipDbUpdate: true, skipJavaDbUpdate: true };
        try {
          ui.info(`Scanning ${image} (${settings.scanners.join(', ')})${runsAlone ? '' : ", sharing Trivy's DB"}`);
          const args = trivyScanArgs({
            image,
            output: reportFile,
            cacheDir: setup.cacheDir,
            scanners: settings.scanners,
            ignoreUnfixed: settings['ignore-unfixed'],
            ignoreFile: settings.trivyignore,
            listAllPkgs: request.sbom === true,
            dbRepositories: settings['trivy-db-repository'],
            javaDbRepositories: settings['trivy-java-db-repository'],
            ...skips,
          });
          // The command as run, so a user can repeat it by hand (every argument is the action's or an input's).
          ui.info(`[command]${[setup.trivy, ...args].join(' ')}`);
          await run(setup.trivy, args);
          if (runsAlone) turns.dbReady = true;
        } finally {
          await setup.db.save();
          for (const note of setup.notes.splice(0)) ui.info(note);
        }
      },
    );
  try {
    await scanOnce(false);
  } catch (error: unknown) {
    if (!(error instanceof CommandError && error.stderr.includes(JAVA_DB_FIRST_RUN))) throw error;
    ui.info('This image has JARs and there is no Java DB yet: scanning again alone, which downloads it');
    await scanOnce(true);
  }
  let report: { text: string; findings: Finding[] };
  try {
    report = readTrivyReportText(reportFile);
  } catch (error: unknown) {
    if (!(error instanceof TrivyReportError)) throw error;
    throw new ToolError('trivy', `Trivy's scan of ${image} gave no usable report: ${error.message}`, { cause: error });
  }
  const { findings } = report;
  // Paths with control characters (the image's own file names) percent-encoded for Trivy's SARIF writer, which
  // panics on them; everything else reads the report as Trivy wrote it.
  const safe = sarifSafeReport(report.text);
  const sarifInput =
    safe === undefined ? reportFile : path.join(request.tempDir, `trivy-${request.target}.sarif-input.json`);
  if (safe !== undefined) {
    fs.writeFileSync(sarifInput, safe);
    ui.info('Paths with control characters in the findings (file names the image chose): percent-encoded in the SARIF');
  }
  try {
    await run(setup.trivy, trivyConvertArgs(sarifInput, sarifFile, settings.severity));
  } finally {
    if (sarifInput !== reportFile) fs.rmSync(sarifInput, { force: true });
  }
  let sbom: { sbomFile: string; packages: number } | undefined;
  if (request.sbom) {
    const sbomFile = path.join(request.outputDir, `sbom-${request.target}.cdx.json`);
    await run(setup.trivy, trivySbomArgs(reportFile, sbomFile));
    const packages = countSbomPackages(readRegularText(sbomFile, MAX_SBOM_BYTES) ?? '');
    if (packages < 0) throw new ToolError('trivy', `Trivy's CycloneDX conversion for ${image} is not a CycloneDX SBOM`);
    ui.info(`SBOM: ${sbomFile} (CycloneDX, ${packages} packages)`);
    sbom = { sbomFile, packages };
  }
  fs.rmSync(reportFile, { force: true });
  const byKind = countByKind(findings, settings.scanners);
  for (const [kind, counts] of Object.entries(byKind)) {
    const label = kind === 'vulnerability' ? 'Vulnerabilities' : `${kind[0].toUpperCase()}${kind.slice(1)}s`;
    ui.info(
      `${label}: ${Object.entries(counts)
        .reverse()
        .map(([severity, n]) => `${n} ${severity}`)
        .join(', ')}`,
    );
  }
  ui.info(`SARIF: ${sarifFile}`);
  return {
    status: 'scanned',
    counts: countBySeverity(findings),
    findings: byKind,
    reported: rankFindings(findings.filter((f) => settings.severity.includes(f.severity))),
    gated: gateFindings(findings, settings['fail-on']),
    sarifFile,
    ...(sbom ?? {}),
  };
}

/**
 * The `fail-on` gate over every scanner's findings, checked after the upload so the findings are visible whatever
 * happens: the first findings are annotated, and the reason is returned; undefined when it passes.
 */
export function findingsVerdict(
  ui: Ui,
  report: ScanReport,
  target: string,
  failOn: readonly string[],
): string | undefined {
  const gated = report.gated ?? [];
  if (gated.length === 0) return undefined;
  for (const f of gated.slice(0, MAX_FINDING_ANNOTATIONS)) {
    ui.error(`${describeFinding(f)}${f.kind === 'vulnerability' && f.title ? `: ${f.title}` : ''}`, {
      title: `${f.kind[0].toUpperCase()}${f.kind.slice(1)} ${f.id} in ${target}`,
    });
  }
  if (gated.length > MAX_FINDING_ANNOTATIONS) {
    ui.info(
      `... and ${gated.length - MAX_FINDING_ANNOTATIONS} more findings at fail-on, not annotated: the job summary, the SARIF and code scanning list them`,
    );
  }
  const shown = gated.slice(0, 10).map((f) => `  - ${describeFinding(f)}`);
  if (gated.length > 10) shown.push(`  - ... and ${gated.length - 10} more`);
  return `${describeCounts(gated)} at ${failOn.join('/')} (fail-on) in ${target}:\n${shown.join('\n')}`;
}
