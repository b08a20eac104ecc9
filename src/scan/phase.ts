import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PipelineEnv } from '../pipeline.js';
import type { ScanReport, TargetReport } from '../report/types.js';
import { CommandError, GateError, errorMessage } from '../errors.js';
import { installTrivy, type ActionsCache, type ToolCache } from './install.js';
import { restoreDb, type DbCache } from './db-cache.js';
import { trivyConvertArgs, trivyScanArgs } from './trivy-args.js';
import {
  countByKind,
  countBySeverity,
  describeCounts,
  describeFinding,
  gateFindings,
  parseTrivyReport,
  rankFindings,
  TrivyReportError,
  type Finding,
} from './report.js';
import { readRegularText } from '../safe-fs.js';

/** Trivy's JSON report is read whole; an image that makes it larger than this is refused. */
export const MAX_TRIVY_REPORT_BYTES = 256 * 1024 * 1024;
/** Findings over fail-on annotated one by one; the rest are in the message and the summary. */
const MAX_FINDING_ANNOTATIONS = 5;

/** Trivy's JSON report file, within MAX_TRIVY_REPORT_BYTES (an image with millions of packages makes it huge). */
export function readTrivyReport(file: string, maxBytes = MAX_TRIVY_REPORT_BYTES): Finding[] {
  const size = fs.existsSync(file) ? fs.statSync(file).size : 0;
  if (size > maxBytes) {
    throw new TrivyReportError(`the report is ${size} bytes, over the limit of ${maxBytes} bytes`);
  }
  return parseTrivyReport(readRegularText(file, maxBytes) ?? '');
}

/**
 * Which DB updates Trivy may be told to skip: only a DB restored today and actually on disk. Real Trivy refuses
 * `--skip-db-update` without db/trivy.db and db/metadata.json, and `--skip-java-db-update` without
 * java-db/metadata.json ("cannot be specified on the first run"), the latter as soon as the image holds a JAR.
 */
export function dbSkips(cacheDir: string, fresh: boolean): { skipDbUpdate: boolean; skipJavaDbUpdate: boolean } {
  const has = (...parts: string[]): boolean => fs.existsSync(path.join(cacheDir, ...parts));
  return {
    skipDbUpdate: fresh && has('db', 'trivy.db') && has('db', 'metadata.json'),
    skipJavaDbUpdate: fresh && has('java-db', 'metadata.json'),
  };
}

/** Trivy and its DB, set up once per run however many targets are scanned. */
export interface ScanSession {
  trivy: string;
  cacheDir: string;
  db: DbCache;
  /** What setting up said, printed in the first scan's group (the setup may run while a build prints). */
  notes: string[];
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

/**
 * The real @actions/tool-cache and @actions/cache, each loaded on its first use: a run with trivy on PATH and no
 * cache service never loads them (they are most of the bundle).
 */
export function actionsToolCaches(cacheService: boolean): { toolCache: ToolCache; actionsCache: ActionsCache } {
  const tc = once(() => import('@actions/tool-cache'));
  const cache = once(() => import('@actions/cache'));
  return {
    toolCache: {
      find: async (tool, version, arch) => (await tc()).find(tool, version, arch),
      downloadTool: async (url, dest) => (await tc()).downloadTool(url, dest),
      extractTar: async (file, dest) => (await tc()).extractTar(file, dest),
      cacheDir: async (dir, tool, version, arch) => (await tc()).cacheDir(dir, tool, version, arch),
    },
    actionsCache: {
      // The same environment @actions/cache looks at (ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL and the token).
      isFeatureAvailable: () => cacheService,
      restoreCache: async (paths, key, restoreKeys) => (await cache()).restoreCache(paths, key, restoreKeys),
      saveCache: async (paths, key) => (await cache()).saveCache(paths, key),
    },
  };
}

export async function startScanSession(env: PipelineEnv): Promise<ScanSession> {
  const { toolCache, actionsCache } = env.caches;
  const notes: string[] = [];
  const log = (m: string): void => void notes.push(m);
  const installed = await installTrivy({
    run: env.run,
    version: env.inputs['trivy-version'],
    downloadUrl: env.inputs['trivy-download-url'],
    toolCache,
    actionsCache,
    toolCacheRoot: env.ctx.toolCache,
    log,
  });
  const cacheDir = path.join(env.ctx.home, '.cache', 'trivy');
  const db = await restoreDb(actionsCache, cacheDir, new Date(env.now()), log);
  return { trivy: installed.command, cacheDir, db, notes };
}

/**
 * Scan the built image once (JSON, every severity), convert that report to SARIF with Trivy's own `convert`, and
 * derive the counts and the gate from it. The gate itself (`fail-on`) is checked by `scanGate` after the upload.
 */
export async function scanPhase(env: PipelineEnv, report: TargetReport): Promise<ScanReport> {
  const { inputs, ui } = env;
  if (!inputs.scan) return { status: 'skipped' };
  const build = report.build;
  if (!build) throw new Error('the scan needs a built image');
  const session = await env.scanSession();
  for (const note of session.notes.splice(0)) ui.info(note);
  const reportFile = path.join(env.tempDir, `trivy-${report.target}.json`);
  const sarifFile = path.join(env.outputDir, `trivy-${report.target}.sarif`);
  try {
    ui.info(`Scanning ${build.tags[0]} (${inputs.scanners.join(', ')})`);
    await env.run(
      session.trivy,
      trivyScanArgs({
        image: build.tags[0],
        output: reportFile,
        cacheDir: session.cacheDir,
        scanners: inputs.scanners,
        ignoreUnfixed: inputs['ignore-unfixed'],
        ignoreFile: inputs.trivyignore,
        ...dbSkips(session.cacheDir, session.db.fresh),
      }),
    );
  } catch (error: unknown) {
    if (error instanceof CommandError)
      throw new GateError('scan', `Trivy could not scan ${build.tags[0]}: ${error.message}`);
    throw error;
  } finally {
    await session.db.save();
    for (const note of session.notes.splice(0)) ui.info(note);
  }
  let findings;
  try {
    findings = readTrivyReport(reportFile);
  } catch (error: unknown) {
    if (error instanceof TrivyReportError)
      throw new GateError('scan', `Trivy's scan of ${build.tags[0]} gave no usable report: ${error.message}`);
    throw error;
  }
  try {
    await env.run(session.trivy, trivyConvertArgs(reportFile, sarifFile, inputs.severity));
  } catch (error: unknown) {
    throw new GateError('scan', `Trivy could not convert its report to SARIF: ${errorMessage(error)}`);
  }
  const counts = countBySeverity(findings);
  const byKind = countByKind(findings, inputs.scanners);
  const reported = rankFindings(findings.filter((f) => inputs.severity.includes(f.severity)));
  for (const [kind, kindCounts] of Object.entries(byKind)) {
    ui.info(
      `${kind === 'vulnerability' ? 'Vulnerabilities' : `${kind[0].toUpperCase()}${kind.slice(1)}s`}: ${Object.entries(
        kindCounts,
      )
        .reverse()
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')}`,
    );
  }
  ui.info(`SARIF: ${sarifFile}`);
  return {
    status: 'scanned',
    counts,
    findings: byKind,
    reported,
    gated: gateFindings(findings, inputs['fail-on']),
    sarifFile,
    reportFile,
  };
}

/** The `fail-on` gate, checked after the upload so the findings are visible whatever happens. */
export function scanGate(env: PipelineEnv, report: TargetReport): void {
  const gated = report.scan?.gated ?? [];
  if (gated.length === 0) return;
  const shown = gated.slice(0, 10).map((f) => `  - ${describeFinding(f)}`);
  if (gated.length > 10) shown.push(`  - ... and ${gated.length - 10} more`);
  for (const f of gated.slice(0, MAX_FINDING_ANNOTATIONS)) {
    env.ui.error(`${describeFinding(f)}${f.kind === 'vulnerability' && f.title ? `: ${f.title}` : ''}`, {
      title: `${f.kind[0].toUpperCase()}${f.kind.slice(1)} ${f.id} in ${report.target}`,
    });
  }
  if (gated.length > MAX_FINDING_ANNOTATIONS) {
    env.ui.info(
      `... and ${gated.length - MAX_FINDING_ANNOTATIONS} more findings at fail-on, not annotated: the job summary, the SARIF and code scanning list them`,
    );
  }
  throw new GateError(
    'scan',
    `${describeCounts(gated)} at ${env.inputs['fail-on'].join('/')} (fail-on) in ${report.target}:\n${shown.join('\n')}`,
  );
}
