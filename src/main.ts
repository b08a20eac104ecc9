import * as fs from 'node:fs';
import * as path from 'node:path';
import * as core from '@actions/core';
import { readContext, type RunContext } from './context.js';
import { envInputReader, getInputs, type InputReader } from './inputs.js';
import { BUG_REPORT_HINT, errorMessage, failureKind } from './errors.js';
import { createProcessRunner, type Runner } from './exec.js';
import { ActionsUi, type Ui } from './ui.js';
import type { Clock } from './runtime.js';
import { StateCleanup, type CleanupRecorder } from './state.js';
import { removeOnSignal } from './cancel.js';
import { prepare } from './pipeline/setup.js';
import { runPipeline } from './pipeline/pipeline.js';
import { actionOutputs } from './report/outputs.js';
import { summaryMarkdown } from './report/summary.js';
import type { TargetReport } from './report/types.js';
import type { CodeScanningApi } from './sarif/upload.js';
import type { TrivySetup } from './scan/setup.js';

export interface ExecuteOptions {
  read: InputReader;
  ctx: RunContext;
  run: Runner;
  ui: Ui;
  cleanup: CleanupRecorder;
  setOutput: (name: string, value: string) => void;
  writeSummary: (markdown: string) => Promise<void>;
  /** Where SARIF files go; default: the run's temp dir. */
  outputDir?: string;
  clock?: Clock;
  /** Stand-ins for the services the real run loads itself (tests). */
  codeScanning?: (token: string) => Promise<CodeScanningApi>;
  trivy?: () => Promise<TrivySetup>;
}

/**
 * The whole road for every target. Returns the reports; throws only for what stops everything before the road
 * starts (a user's mistake, an engine that cannot be reached, a bug).
 */
export async function execute(options: ExecuteOptions): Promise<TargetReport[]> {
  const inputs = getInputs(options.read, options.ctx);
  const { plan, services } = await prepare({ ...options, inputs });
  const reports = await runPipeline(plan, services);
  for (const [name, value] of Object.entries(actionOutputs(reports))) options.setOutput(name, value);
  // Best-effort from here: the outputs are set, and neither the summary nor the tidying may fail a green run.
  try {
    await options.writeSummary(summaryMarkdown(reports, plan.dockerfile));
  } catch (error: unknown) {
    options.ui.warning(`Could not write the job summary: ${errorMessage(error)}`);
  }
  // What later steps may read (the outputs' SARIF, SBOM and signature files, test results) stays; the rest goes now.
  const kept = reports.flatMap((report) => [
    report.scan?.sarifFile,
    report.scan?.sbomFile,
    report.tests?.resultsPath,
    ...(report.push?.signatures ?? []),
  ]);
  const notRemoved = keepOnly(
    plan.tempDir,
    kept.filter((file): file is string => Boolean(file)),
  );
  for (const entry of notRemoved) options.ui.warning(`Could not remove ${entry} from the run's temp folder`);
  return reports;
}

/**
 * Remove everything in a run's temp folder but the paths given (and the folders holding them), best-effort: the
 * buildx metadata is not needed once the outputs are set. Returns what could not be removed.
 */
export function keepOnly(dir: string, keep: readonly string[]): string[] {
  const kept = keep.map((file) => path.resolve(file));
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const failed: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry);
    if (kept.some((k) => k === full || k.startsWith(`${full}${path.sep}`))) continue;
    try {
      fs.rmSync(full, { recursive: true, force: true });
    } catch (error: unknown) {
      failed.push(`${full} (${errorMessage(error)})`);
    }
  }
  return failed;
}

const KIND_WORDS = { configuration: 'input', gate: 'gate', tool: 'tool failed', bug: 'bug' } as const;

/** One message that says which targets failed, where and how; the details are in the annotations and the summary. */
export function overallFailure(reports: readonly TargetReport[]): string | undefined {
  const failed = reports.filter((report) => report.failure);
  if (failed.length === 0) return undefined;
  if (reports.length === 1) return failed[0].failure?.message;
  const list = failed
    .map((report) => `${report.target} (${report.failure?.phase}: ${KIND_WORDS[report.failure?.kind ?? 'bug']})`)
    .join(', ');
  return `${failed.length} of ${reports.length} targets failed: ${list}`;
}

/**
 * What stopped the run before the road (execute threw): a user's mistake reads as itself, a tool as a tool, and
 * anything else is a bug, with its stack in the log.
 */
export function reportStop(error: unknown, ui: Ui): string {
  switch (failureKind(error)) {
    case 'configuration':
      return errorMessage(error);
    case 'tool':
      return `A tool failed before any build: ${errorMessage(error)}`;
    case 'gate':
      return errorMessage(error);
    case 'bug':
      ui.info(`Stack of the bug:\n${error instanceof Error ? error.stack : String(error)}`);
      return `Bug in multistage-action: ${error instanceof Error ? `${error.name}: ${error.message}` : errorMessage(error)} (${BUG_REPORT_HINT})`;
  }
}

/** The action's main step. */
export async function run(): Promise<void> {
  const cleanup = new StateCleanup((name, value) => core.saveState(name, value));
  const ui = new ActionsUi();
  const runner = createProcessRunner((message) => core.debug(message), cleanup);
  const stopListening = removeOnSignal(runner, cleanup, (message) => core.warning(message));
  try {
    const reports = await execute({
      read: envInputReader(),
      ctx: readContext(),
      run: runner.run,
      ui,
      cleanup,
      setOutput: (name, value) => core.setOutput(name, value),
      writeSummary: async (markdown) => {
        await core.summary.addRaw(markdown).write();
      },
    });
    const leftOut = ui.leftOutNote();
    if (leftOut) ui.info(leftOut);
    const failure = overallFailure(reports);
    if (failure) core.setFailed(failure);
  } catch (error: unknown) {
    core.setFailed(reportStop(error, ui));
  } finally {
    stopListening();
  }
}
