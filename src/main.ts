import * as core from '@actions/core';
import { readContext, type RunContext } from './context.js';
import { envInputReader, getInputs, type InputReader } from './inputs.js';
import { errorMessage } from './errors.js';
import { runCommand, type Runner } from './exec.js';
import { actionsUi, type Ui } from './ui.js';
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
  try {
    await options.writeSummary(summaryMarkdown(reports, env.dockerfile));
  } catch (error: unknown) {
    options.ui.warning(`Could not write the job summary: ${errorMessage(error)}`);
  }
  return reports;
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
  const stopListening = removeOnSignal(runCommand, cleanup, (m) => core.warning(m));
  try {
    const reports = await execute({
      read: envInputReader(),
      ctx: readContext(),
      run: runCommand,
      ui: actionsUi,
      cleanup,
      setOutput: (name, value) => core.setOutput(name, value),
      writeSummary: async (markdown) => {
        await core.summary.addRaw(markdown).write();
      },
    });
    const failure = failureMessage(reports);
    if (failure) core.setFailed(failure);
  } catch (error: unknown) {
    core.setFailed(errorMessage(error));
  } finally {
    stopListening();
  }
}
