import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PipelineEnv } from '../pipeline.js';
import type { TestReport } from '../report/types.js';
import { GateError } from '../errors.js';
import { cacheFor } from '../build/phase.js';
import { BuildError, runBuild } from '../build/build.js';
import { buildPlan, secretEnv } from '../build/plan.js';
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
      throw new GateError('test', `The export of test stage "${target}" was not read: ${error.message}`);
    }
    throw error;
  } finally {
    removeTree(rawDir);
  }
}

/**
 * Build the test stage with `--output type=local`, take the regular files it exported, read the JUnit XML among
 * them and report. Fails (GateError 'test') when a test failed, when no report was found, or when the stage itself
 * failed to build.
 */
export async function testPhase(env: PipelineEnv): Promise<TestReport> {
  const { inputs, ctx, ui } = env;
  const target = inputs['test-target'];
  const rawDir = path.join(env.tempDir, 'test-export');
  const cache = cacheFor(env, target);
  const plan = buildPlan(inputs, ctx, {
    target,
    tags: [],
    labels: [],
    cache,
    output: { type: 'local', dest: rawDir },
    platforms: env.gatePlatforms,
    metadataFile: path.join(env.tempDir, `metadata-${target}.json`),
  });
  try {
    await runBuild(plan, { run: env.run, env: secretEnv(inputs), now: env.now, log: (line) => ui.info(line) });
  } catch (error: unknown) {
    removeTree(rawDir);
    if (!(error instanceof BuildError)) throw error;
    const names = failedTestsFromLog(error.log);
    const file = path.relative(ctx.workspace, plan.file);
    ui.error(error.message, {
      title: `multistage: test stage ${target} failed`,
      file,
      startLine: error.progress.failedLine,
    });
    for (const name of names.slice(0, MAX_TEST_ANNOTATIONS))
      ui.error(`Test failed: ${name}`, { title: `Test failed: ${name}`, file, startLine: error.progress.failedLine });
    if (names.length > MAX_TEST_ANNOTATIONS)
      ui.info(`... and ${names.length - MAX_TEST_ANNOTATIONS} more failed tests, named in the build log above`);
    const list = names.length > 0 ? `; failed tests:\n${failureList(names)}` : '';
    throw new GateError(
      'test',
      `Test stage "${target}" failed to build${error.progress.failedStep ? ` at ${error.progress.failedStep}` : ''}${list}`,
    );
  }

  const resultsPath = inputs['test-results-path']
    ? path.resolve(ctx.workspace, inputs['test-results-path'])
    : path.join(env.tempDir, 'test-results');
  const found = takeExport(rawDir, resultsPath, target);
  if (found.skipped.length > 0) ui.notice(skippedNotice(target, found.skipped));
  const files = found.files.filter((f) => f.path.toLowerCase().endsWith('.xml')).map((f) => f.path);
  if (files.length === 0) {
    throw new GateError(
      'test',
      `Test stage "${target}" exported no JUnit XML files (looked for regular *.xml files in what the stage holds); make its last stage copy the reports, e.g. FROM scratch + COPY --from=testing /app/test-results /`,
    );
  }
  const reader = new JUnitReader();
  try {
    for (const file of files) await reader.readFile(openRegular(path.join(resultsPath, file)), file);
  } catch (error: unknown) {
    if (error instanceof JUnitError) throw new GateError('test', `Test results of "${target}": ${error.message}`);
    throw error;
  }
  const report: TestReport = {
    totals: reader.totals,
    failed: reader.failures.map((f) => ({ name: f.name, classname: f.classname, message: f.message })),
    failedLeftOut: reader.failuresLeftOut,
    resultsPath,
    files,
  };
  const { total, passed, failed, skipped } = report.totals;
  ui.info(
    `Tests: ${passed} passed, ${failed} failed, ${skipped} skipped (${total} in ${files.length} report${files.length === 1 ? '' : 's'})`,
  );
  for (const c of reader.failures.slice(0, MAX_TEST_ANNOTATIONS)) {
    const fromStack = c.file ? undefined : locationFromStack(c.details);
    const file = annotationFile(c.file ?? fromStack?.file, ctx.workspace, inputs.context);
    ui.error(c.details ? `${c.message}\n\n${c.details}` : c.message, {
      title: `Test failed: ${testTitle(c)}`,
      file,
      startLine: file ? (c.line ?? fromStack?.line) : undefined,
    });
  }
  if (failed > MAX_TEST_ANNOTATIONS) {
    ui.info(
      `... and ${failed - MAX_TEST_ANNOTATIONS} more failed tests, not annotated (GitHub shows 10 annotations per step): every one is in the reports under ${resultsPath} and, as far as it fits, in the job summary`,
    );
  }
  if (failed > 0) {
    throw new GateError(
      'test',
      `${failed} of ${total} tests failed:\n${failureList(
        report.failed.map((f) => f.name),
        failed,
      )}`,
      report,
    );
  }
  const exitCode = recordedExitCode(resultsPath);
  if (exitCode !== undefined && exitCode !== 0) {
    throw new GateError(
      'test',
      `The test runner in "${target}" exited with code ${exitCode} (recorded in its exit-code file) although its reports show no failed test`,
      report,
    );
  }
  if (total === 0)
    throw new GateError('test', `Test stage "${target}" exported JUnit reports with no test cases`, report);
  return report;
}
