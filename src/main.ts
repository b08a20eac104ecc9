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
import { prepare, type RunPlan } from './pipeline/setup.js';
import { runPipeline } from './pipeline/pipeline.js';
import { actionOutputs } from './report/outputs.js';
import { summaryMarkdown } from './report/summary.js';
import type { TargetReport } from './report/types.js';
import type { CodeScanningApi } from './sarif/upload.js';
import type { TrivySetup } from './scan/setup.js';
import {
  commentBody,
  commentMarker,
  describeSizeChange,
  pullRequestNumber,
  registryImageSize,
  upsertComment,
  type CommentsApi,
} from './comment/comment.js';

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
  comments?: (token: string) => Promise<CommentsApi>;
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
  await commentOnPullRequest(options, plan, reports);
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
 * The pull request comment (`comment`): on a pull request's run, this job's one comment, created or updated in
 * place. Best-effort: a token that may not write to pull requests (403) is a notice, anything else a warning;
 * neither fails the step.
 */
async function commentOnPullRequest(
  options: ExecuteOptions,
  plan: RunPlan,
  reports: readonly TargetReport[],
): Promise<void> {
  const { ctx, ui } = options;
  const { inputs } = plan;
  if (inputs.comment === 'false' || !ctx.onGitHub) return;
  const issue = pullRequestNumber(ctx.eventName, ctx.eventPath);
  const [owner, repo] = (ctx.repository ?? '').split('/');
  if (!issue || !owner || !repo || !inputs.token) {
    if (inputs.comment === 'true') {
      ui.notice(
        `comment: true, but ${!issue ? `this run is not about a pull request (event ${ctx.eventName ?? 'none'})` : 'there is no token'}: no comment`,
      );
    }
    return;
  }
  const marker = commentMarker(ctx.workflow ?? '', ctx.job ?? '', inputs.targets);
  const runUrl = ctx.repository ? `${ctx.serverUrl}/${ctx.repository}/actions/runs/${ctx.runId}` : undefined;
  try {
    const api = options.comments
      ? await options.comments(inputs.token)
      : (await import('./sarif/octokit.js')).octokitComments(inputs.token, ctx.apiUrl, (m) => ui.info(m));
    // The size change against the base branch's image, where the registry has one (compressed against compressed).
    const changes = new Map<string, string>();
    for (const report of reports) {
      const base = plan.baseImages?.get(report.target);
      const now = report.analysis?.compressedSize;
      if (!base || now === undefined) continue;
      const before = await registryImageSize(options.run, base.reference, plan.caps.enginePlatform);
      if (before !== undefined) changes.set(report.target, describeSizeChange(now, before, base.branch));
    }
    const done = await upsertComment(
      api,
      { owner, repo, issue },
      marker,
      commentBody(reports, marker, runUrl, changes),
    );
    ui.info(`${done.action === 'created' ? 'Commented on' : 'Updated the comment on'} pull request #${issue}`);
  } catch (error: unknown) {
    const status = (error as { status?: unknown }).status;
    if (status === 403) {
      ui.notice(
        `Could not comment on pull request #${issue}: the token may not write to it (give the job "permissions: pull-requests: write"; a fork's pull request gets a read-only token). The job summary has everything.`,
      );
    } else {
      ui.warning(`Could not comment on pull request #${issue}: ${errorMessage(error)}`);
    }
  }
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
