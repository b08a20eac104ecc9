import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PipelineEnv } from '../pipeline.js';
import type { TestReport } from '../report/types.js';
import { GateError } from '../errors.js';
import { cacheFor } from '../build/phase.js';
import { BuildError, runBuild } from '../build/build.js';
import { buildPlan, secretEnv } from '../build/plan.js';
import { failedTestsFromLog, parseJUnit, totals, type TestCase } from './junit.js';

/** Every *.xml file under a folder, sorted, as paths relative to it. */
export function findXmlFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true, withFileTypes: false }) as string[])
    .filter((f) => f.toLowerCase().endsWith('.xml') && fs.statSync(path.join(root, f)).isFile())
    .sort();
}

/**
 * Map a test's file (as the runner inside the image saw it, e.g. /app/backend/test/app.test.js) to a path in
 * the repository: the longest trailing part of it that exists under the build context or the workspace.
 */
export function annotationFile(file: string | undefined, workspace: string, context: string): string | undefined {
  if (!file) return undefined;
  const parts = file
    .replace(/^file:\/\//, '')
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  for (let i = 0; i < parts.length; i++) {
    const relative = parts.slice(i).join('/');
    for (const candidate of [path.join(context, relative), relative]) {
      const absolute = path.resolve(workspace, candidate);
      if (absolute.startsWith(path.resolve(workspace)) && fs.existsSync(absolute) && fs.statSync(absolute).isFile()) {
        return path.relative(workspace, absolute);
      }
    }
  }
  return undefined;
}

/** The first stack frame of a failure that points into the project's own files: `(/srv/a.test.js:3:50)`. */
export function locationFromStack(details: string | undefined): { file: string; line: number } | undefined {
  for (const m of (details ?? '').matchAll(/\(?((?:file:\/\/)?\/[^\s():]+):(\d+):\d+\)?/g)) {
    if (!m[1].includes('node_modules') && !m[1].startsWith('node:')) return { file: m[1], line: Number(m[2]) };
  }
  return undefined;
}

const MAX_NAMED = 20;

/**
 * The exit code a test stage recorded with `RUN npm test; echo $? > test-results/exit-code` (the pattern that
 * keeps the reports exportable when tests fail). A file named `exit-code` at the top of the exported results.
 */
export function recordedExitCode(dir: string): number | undefined {
  const file = path.join(dir, 'exit-code');
  if (!fs.existsSync(file)) return undefined;
  const value = fs.readFileSync(file, 'utf8').trim();
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

function failureList(names: string[]): string {
  const shown = names.slice(0, MAX_NAMED).map((n) => `  - ${n}`);
  if (names.length > MAX_NAMED) shown.push(`  - ... and ${names.length - MAX_NAMED} more`);
  return shown.join('\n');
}

/**
 * Build the test stage with `--output type=local`, read the JUnit XML it exported and report. Fails (GateError
 * 'test') when a test failed, when no report was found, or when the stage itself failed to build.
 */
export async function testPhase(env: PipelineEnv): Promise<TestReport> {
  const { inputs, ctx, ui } = env;
  const target = inputs['test-target'];
  const exportDir = path.join(env.tempDir, 'test-results');
  fs.mkdirSync(exportDir, { recursive: true });
  const cache = cacheFor(env, target);
  const plan = buildPlan(inputs, ctx, {
    target,
    tags: [],
    labels: [],
    cache,
    output: { type: 'local', dest: exportDir },
    platforms: env.gatePlatforms,
    metadataFile: path.join(env.tempDir, `metadata-${target}.json`),
  });
  try {
    await runBuild(plan, { run: env.run, env: secretEnv(inputs), now: env.now });
  } catch (error: unknown) {
    if (!(error instanceof BuildError)) throw error;
    const names = failedTestsFromLog(error.log);
    const file = path.relative(ctx.workspace, plan.file);
    ui.error(error.message, {
      title: `multistage: test stage ${target} failed`,
      file,
      startLine: error.progress.failedLine,
    });
    for (const name of names)
      ui.error(`Test failed: ${name}`, { title: `Test failed: ${name}`, file, startLine: error.progress.failedLine });
    const list = names.length > 0 ? `; failed tests:\n${failureList(names)}` : '';
    throw new GateError(
      'test',
      `Test stage "${target}" failed to build${error.progress.failedStep ? ` at ${error.progress.failedStep}` : ''}${list}`,
    );
  }

  const resultsPath = inputs['test-results-path']
    ? path.resolve(ctx.workspace, inputs['test-results-path'])
    : exportDir;
  if (resultsPath !== exportDir) {
    fs.mkdirSync(resultsPath, { recursive: true });
    fs.cpSync(exportDir, resultsPath, { recursive: true });
  }
  const files = findXmlFiles(exportDir);
  if (files.length === 0) {
    throw new GateError(
      'test',
      `Test stage "${target}" exported no JUnit XML files (looked for *.xml in what the stage holds); make its last stage copy the reports, e.g. FROM scratch + COPY --from=testing /app/test-results /`,
    );
  }
  const cases: TestCase[] = [];
  for (const file of files) {
    cases.push(...parseJUnit(fs.readFileSync(path.join(exportDir, file), 'utf8'), file));
  }
  const report: TestReport = {
    totals: totals(cases),
    failed: cases
      .filter((c) => c.status === 'failed')
      .map((c) => ({ name: c.name, classname: c.classname, message: c.message })),
    resultsPath,
    files,
  };
  const { total, passed, failed, skipped } = report.totals;
  ui.info(
    `Tests: ${passed} passed, ${failed} failed, ${skipped} skipped (${total} in ${files.length} report${files.length === 1 ? '' : 's'})`,
  );
  for (const c of cases.filter((t) => t.status === 'failed')) {
    const title = `Test failed: ${c.classname && c.classname !== 'test' ? `${c.classname} › ` : ''}${c.name}`;
    const fromStack = c.file ? undefined : locationFromStack(c.details);
    const file = annotationFile(c.file ?? fromStack?.file, ctx.workspace, inputs.context);
    ui.error(c.details ? `${c.message ?? 'failed'}\n\n${c.details}` : (c.message ?? 'failed'), {
      title,
      file,
      startLine: file ? (c.line ?? fromStack?.line) : undefined,
    });
  }
  if (failed > 0) {
    throw new GateError(
      'test',
      `${failed} of ${total} tests failed:\n${failureList(report.failed.map((f) => f.name))}`,
      report,
    );
  }
  const exitCode = recordedExitCode(exportDir);
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
