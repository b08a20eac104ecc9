import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestReport } from '../report/types.js';
import type { Ui } from '../ui.js';
import { GateFailure } from '../errors.js';
import type { CacheDecision } from '../build/args.js';
import { BuildError } from '../build/build.js';
import { buildOnce, metadataFile, type BuildAnnotation, type BuildDeps } from '../build/phase.js';
import type { BuildSettings } from '../build/plan.js';
import {
  copyRegular,
  ExportLimitError,
  isInside,
  openRegular,
  readRegularText,
  removeTree,
  walkNoFollow,
  WALK_LIMITS,
  type WalkLimits,
  type WalkResult,
} from '../safe-fs.js';
import { failedTestsFromLog, JUnitError, JUnitReader, type FailedTest } from './junit.js';

/** Failed tests annotated one by one; the rest are counted in one line and listed in the summary. */
export const MAX_TEST_ANNOTATIONS = 5;
/** Bytes of exported test results copied in all; a larger export fails the test gate. */
export const MAX_RESULTS_BYTES = 4 * 1024 * 1024 * 1024;
const MAX_NAMED = 20;

/**
 * Map a test's file (as the runner inside the image saw it, e.g. /app/backend/test/app.test.js) to a path in
 * the repository: the longest trailing part of it that exists under the build context or the workspace.
 */
export function annotationFile(file: string | undefined, workspace: string, context: string): string | undefined {
  if (!file) return undefined;
  const parts = file
    .replace(/^file:\/\//, '')
    .split('/')
    .filter((p) => p !== '' && p !== '.' && p !== '..');
  for (let i = 0; i < parts.length; i++) {
    const relative = parts.slice(i).join('/');
    for (const candidate of [path.join(context, relative), relative]) {
      const absolute = path.resolve(workspace, candidate);
      if (!isInside(workspace, absolute)) continue;
      try {
        if (fs.lstatSync(absolute).isFile()) return path.relative(workspace, absolute);
      } catch {
        // not there
      }
    }
  }
  return undefined;
}

/** The first stack frame of a failure that points into the project's own files: `(/srv/a.test.js:3:50)`. */
export function locationFromStack(details: string | undefined): { file: string; line: number } | undefined {
  for (const m of (details ?? '').slice(0, 8000).matchAll(/\(?((?:file:\/\/)?\/[^\s():]{1,500}):(\d{1,9}):\d+\)?/g)) {
    if (!m[1].includes('node_modules') && !m[1].startsWith('node:')) return { file: m[1], line: Number(m[2]) };
  }
  return undefined;
}

/**
 * The exit code a test stage recorded with `RUN npm test; echo $? > test-results/exit-code` (the pattern that
 * keeps the reports exportable when tests fail). A regular file named `exit-code` at the top of the results.
 */
export function recordedExitCode(dir: string): number | undefined {
  const value = readRegularText(path.join(dir, 'exit-code'), 64)?.trim();
  return value !== undefined && /^\d{1,3}$/.test(value) ? Number(value) : undefined;
}

function failureList(names: string[], total = names.length): string {
  const shown = names.slice(0, MAX_NAMED).map((n) => `  - ${n}`);
  if (total > shown.length) shown.push(`  - ... and ${total - shown.length} more`);
  return shown.join('\n');
}

export function testTitle(test: Pick<FailedTest, 'name' | 'classname'>): string {
  return `${test.classname && test.classname !== 'test' ? `${test.classname} › ` : ''}${test.name}`;
}

/** One notice for everything in the export that is not a regular file or a folder: none of it was read. */
function skippedNotice(target: string, skipped: WalkResult['skipped']): string {
  const shown = skipped.slice(0, 10).map((s) => `${s.path} (${s.kind})`);
  const more = skipped.length > shown.length ? ` and ${skipped.length - shown.length} more` : '';
  return `The test stage "${target}" exported ${skipped.length} entr${skipped.length === 1 ? 'y' : 'ies'} that are not regular files, left unread and not copied: ${shown.join(', ')}${more}`;
}

export interface ExportLimits extends WalkLimits {
  /** Bytes of regular files in all. */
  maxBytes: number;
}

export const EXPORT_LIMITS: ExportLimits = { ...WALK_LIMITS, maxBytes: MAX_RESULTS_BYTES };

/**
 * Copy the regular files of the raw export into the results folder (never a link, FIFO or device), then remove
 * the raw export. Returns what was found.
 */
export function takeExport(
  rawDir: string,
  resultsPath: string,
  target: string,
  limits: ExportLimits = EXPORT_LIMITS,
): WalkResult {
  try {
    const found = walkNoFollow(rawDir, limits);
    const bytes = found.files.reduce((sum, f) => sum + f.size, 0);
    if (bytes > limits.maxBytes) {
      throw new ExportLimitError(`its files hold ${bytes} bytes, over the limit of ${limits.maxBytes} bytes`);
    }
    fs.mkdirSync(resultsPath, { recursive: true });
    for (const file of found.files) copyRegular(path.join(rawDir, file.path), path.join(resultsPath, file.path));
    return found;
  } catch (error: unknown) {
    if (error instanceof ExportLimitError) {
      throw new GateFailure('test', `The export of test stage "${target}" was not read: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    removeTree(rawDir);
  }
}

export interface TestStageRequest {
  /** The test stage (the `test-target` input). */
  target: string;
  /** Where the regular files it exported go: the `test-results-path` input, or a folder in the run's temp folder. */
  resultsPath: string;
  tempDir: string;
  workspace: string;
  /** The build context as the user gave it (test files are mapped into the repository through it). */
  context: string;
  cache: CacheDecision;
  platforms: string[];
  annotation: BuildAnnotation;
}

/**
 * Build the test stage with `--output type=local`, take the regular files it exported, read the JUnit XML among
 * them and report. The report says `failed` (with the reason) when a test failed, when the runner's recorded exit
 * code says so, or when no test ran; a stage that failed to build, exported no report or a report that cannot be
 * read is the test gate's failure (thrown).
 */
export async function testStage(
  deps: BuildDeps,
  settings: BuildSettings,
  request: TestStageRequest,
): Promise<TestReport> {
  const { ui } = deps;
  const { target } = request;
  const rawDir = path.join(request.tempDir, 'test-export');
  try {
    await buildOnce(deps, settings, {
      target,
      tags: [],
      labels: [],
      cache: request.cache,
      output: { type: 'local', dest: rawDir },
      platforms: request.platforms,
      metadataFile: metadataFile(request.tempDir, target),
    });
  } catch (error: unknown) {
    removeTree(rawDir);
    if (!(error instanceof BuildError)) throw error;
    throw testStageBuildFailure(ui, target, error, request.annotation);
  }

  const found = takeExport(rawDir, request.resultsPath, target);
  if (found.skipped.length > 0) ui.notice(skippedNotice(target, found.skipped));
  const files = found.files.filter((f) => f.path.toLowerCase().endsWith('.xml')).map((f) => f.path);
  if (files.length === 0) {
    throw new GateFailure(
      'test',
      `Test stage "${target}" exported no JUnit XML files (looked for regular *.xml files in what the stage holds); make its last stage copy the reports, e.g. FROM scratch + COPY --from=testing /app/test-results /`,
    );
  }
  const reader = new JUnitReader();
  try {
    for (const file of files) await reader.readFile(openRegular(path.join(request.resultsPath, file)), file);
  } catch (error: unknown) {
    if (error instanceof JUnitError) {
      throw new GateFailure('test', `Test results of "${target}": ${error.message}`, { cause: error });
    }
    throw error;
  }
  const { total, passed, failed, skipped } = reader.totals;
  ui.info(
    `Tests: ${passed} passed, ${failed} failed, ${skipped} skipped (${total} in ${files.length} report${files.length === 1 ? '' : 's'})`,
  );
  annotateFailures(ui, reader.failures, failed, request);
  const report: TestReport = {
    status: 'passed',
    totals: reader.totals,
    failed: reader.failures.map((f) => ({ name: f.name, classname: f.classname, message: f.message })),
    failedLeftOut: reader.failuresLeftOut,
    resultsPath: request.resultsPath,
    files,
  };
  const exitCode = recordedExitCode(request.resultsPath);
  if (failed > 0) {
    report.status = 'failed';
    report.reason = `${failed} of ${total} tests failed:\n${failureList(
      report.failed.map((f) => f.name),
      failed,
    )}`;
  } else if (exitCode !== undefined && exitCode !== 0) {
    report.status = 'failed';
    report.reason = `The test runner in "${target}" exited with code ${exitCode} (recorded in its exit-code file) although its reports show no failed test`;
  } else if (total === 0) {
    report.status = 'failed';
    report.reason = `Test stage "${target}" exported JUnit reports with no test cases`;
  }
  return report;
}

/** A test stage that failed to build: annotated once, with the failing test names read from its log. */
function testStageBuildFailure(ui: Ui, target: string, error: BuildError, annotation: BuildAnnotation): GateFailure {
  const names = failedTestsFromLog(error.log);
  ui.error(error.message, {
    title: `multistage: test stage ${target} failed`,
    file: annotation.file,
    startLine: error.progress.failedLine,
  });
  for (const name of names.slice(0, MAX_TEST_ANNOTATIONS)) {
    ui.error(`Test failed: ${name}`, {
      title: `Test failed: ${name}`,
      file: annotation.file,
      startLine: error.progress.failedLine,
    });
  }
  if (names.length > MAX_TEST_ANNOTATIONS) {
    ui.info(`... and ${names.length - MAX_TEST_ANNOTATIONS} more failed tests, named in the build log above`);
  }
  const list = names.length > 0 ? `; failed tests:\n${failureList(names)}` : '';
  return new GateFailure(
    'test',
    `Test stage "${target}" failed to build${error.progress.failedStep ? ` at ${error.progress.failedStep}` : ''}${list}`,
    { cause: error },
  );
}

/** One annotation for each of the first failed tests, at its file and line when the report or the stack has them. */
function annotateFailures(ui: Ui, failures: readonly FailedTest[], failed: number, request: TestStageRequest): void {
  for (const test of failures.slice(0, MAX_TEST_ANNOTATIONS)) {
    const fromStack = test.file ? undefined : locationFromStack(test.details);
    const file = annotationFile(test.file ?? fromStack?.file, request.workspace, request.context);
    ui.error(test.details ? `${test.message}\n\n${test.details}` : test.message, {
      title: `Test failed: ${testTitle(test)}`,
      file,
      startLine: file ? (test.line ?? fromStack?.line) : undefined,
    });
  }
  if (failed > MAX_TEST_ANNOTATIONS) {
    ui.info(
      `... and ${failed - MAX_TEST_ANNOTATIONS} more failed tests, not annotated (GitHub shows 10 annotations per step): every one is in the reports under ${request.resultsPath} and, as far as it fits, in the job summary`,
    );
  }
}
