import * as fs from 'node:fs';
import * as path from 'node:path';
import * as core from '@actions/core';
import { readContext, type RunContext } from './context.js';
import { envInputReader, getInputs, type InputReader } from './inputs.js';
import { errorMessage } from './errors.js';
import { createProcessRunner, type Runner } from './exec.js';
import { ActionsUi, type Ui } from './ui.js';
import { StateCleanup, type CleanupRecorder } from './state.js';
import { removeOnSignal } from './cancel.js';
import { prepare, runPipeline } from './pipeline.js';
import { actionOutputs } from './report/outputs.js';
import { summaryMarkdown } from './report/summary.js';
import type { TargetReport } from './report/types.js';

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
}

/** The whole road for every target. Returns the reports; throws only for mistakes found before any work. */
export async function execute(options: ExecuteOptions): Promise<TargetReport[]> {
  const inputs = getInputs(options.read, options.ctx);
  const env = await prepare({
    inputs,
    ctx: options.ctx,
    run: options.run,
    ui: options.ui,
    cleanup: options.cleanup,
    outputDir: options.outputDir,
  });
  const reports = await runPipeline(env);
  for (const [name, value] of Object.entries(actionOutputs(reports))) options.setOutput(name, value);
  // What later steps may read (the outputs' SARIF files and test results) stays; the rest goes now.
  keepOnly(
    env.tempDir,
    reports.flatMap((r) => [r.scan?.sarifFile, r.tests?.resultsPath]).filter((p): p is string => Boolean(p)),
  );
  try {
    await options.writeSummary(summaryMarkdown(reports, env.dockerfile));
  } catch (error: unknown) {
    options.ui.warning(`Could not write the job summary: ${errorMessage(error)}`);
  }
  return reports;
}

/**
 * Remove everything in a run's temp folder but the paths given (and the folders holding them), best-effort: the
 * buildx metadata and Trivy's JSON report are not needed once the outputs are set.
 */
export function keepOnly(dir: string, keep: readonly string[]): void {
  const kept = keep.map((p) => path.resolve(p));
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry);
    if (kept.some((k) => k === full || k.startsWith(`${full}${path.sep}`))) continue;
    fs.rmSync(full, { recursive: true, force: true });
  }
}

/** One line that says which targets failed where; the details are in the annotations and the summary. */
export function failureMessage(reports: readonly TargetReport[]): string | undefined {
  const failed = reports.filter((r) => r.failure);
  if (failed.length === 0) return undefined;
  if (reports.length === 1) return (failed[0].failure as { message: string }).message;
  const list = failed.map((r) => `${r.target} (${r.failure?.phase})`).join(', ');
  return `${failed.length} of ${reports.length} targets failed: ${list}`;
}

/** The action's main step. */
export async function run(): Promise<void> {
  const cleanup = new StateCleanup();
  const ui = new ActionsUi();
  const runner = createProcessRunner((m) => core.debug(m), cleanup);
  const stopListening = removeOnSignal(runner, cleanup, (m) => core.warning(m));
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
    const failure = failureMessage(reports);
    if (failure) core.setFailed(failure);
  } catch (error: unknown) {
    core.setFailed(errorMessage(error));
  } finally {
    stopListening();
  }
}
