import * as fs from 'node:fs';
import type { PipelineEnv } from '../pipeline.js';
import type { TargetReport, UploadReport } from '../report/types.js';
import { GateError, errorMessage } from '../errors.js';
import { prepareSarif, type SarifLog } from './prepare.js';
import { explainForbidden, readEvent, uploadRef, waitForProcessing, type SarifPayload } from './upload.js';

export const PROCESSING_TIMEOUT_MS = 120_000;

interface HttpError {
  status?: number;
  message?: string;
  response?: { data?: { message?: string } };
}

function httpStatus(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null ? (error as HttpError).status : undefined;
}

/** A network failure under Octokit's HTTP 500 wrapper: the code of the first cause that has one (ECONNREFUSED...). */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ENOTFOUND: 'the host name did not resolve',
  EAI_AGAIN: 'the host name did not resolve (DNS failed)',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
};

function apiMessage(error: unknown): string {
  const e = error as HttpError;
  return e?.response?.data?.message ?? errorMessage(error);
}

export function defaultCategory(target: string): string {
  return `multistage/${target}`;
}

/**
 * Send the target's SARIF to code scanning under its own category, within GitHub's limits, and wait for it to be
 * processed. A 403 (code scanning off, a fork's or Dependabot's read-only token) is a warning that says which and
 * how to fix it; other refusals fail the target.
 */
export async function uploadPhase(env: PipelineEnv, report: TargetReport): Promise<UploadReport> {
  const { inputs, ctx, ui } = env;
  const sarifFile = report.scan?.sarifFile;
  if (!sarifFile) return { status: 'skipped', reason: 'no scan' };
  const category = inputs.category || defaultCategory(report.target);
  const prepared = prepareSarif(JSON.parse(fs.readFileSync(sarifFile, 'utf8')) as SarifLog, { category });
  for (const warning of prepared.warnings) ui.warning(`SARIF for ${report.target}: ${warning}`);
  fs.writeFileSync(sarifFile, JSON.stringify(prepared.sarif, null, 2));

  if (!inputs['upload-sarif']) {
    const reason = ctx.onGitHub ? 'upload-sarif is false' : 'not running on GitHub Actions';
    ui.notice(`SARIF for ${report.target} written to ${sarifFile}; upload skipped (${reason})`);
    return { status: 'skipped', category, reason };
  }
  if (!inputs.token) {
    const reason = 'no token (set the token input, e.g. ${{ github.token }})';
    ui.warning(`SARIF for ${report.target} not uploaded: ${reason}`);
    return { status: 'skipped', category, reason };
  }
  if (!ctx.repository)
    throw new GateError('upload', 'GITHUB_REPOSITORY is not set: cannot tell which repository to upload to');
  const [owner, repo] = ctx.repository.split('/');
  const event = readEvent(ctx);
  const { ref, commitSha } = uploadRef(ctx, event);
  const payload: SarifPayload = {
    commit_sha: commitSha,
    ref,
    sarif: prepared.gzipped.toString('base64'),
    checkout_uri: ctx.workspace,
    tool_name: 'Trivy',
    started_at: new Date(env.startedAt).toISOString(),
  };
  const api = await env.codeScanning(inputs.token);
  let id: string;
  try {
    ({ id } = await api.uploadSarif(owner, repo, payload));
  } catch (error: unknown) {
    const status = httpStatus(error);
    if (status === 403) {
      const reason = explainForbidden(apiMessage(error), event);
      ui.warning(`SARIF for ${report.target} not uploaded (HTTP 403): ${reason}`);
      return { status: 'forbidden', category, reason };
    }
    const network = networkErrorCode(error);
    if (network) {
      throw new GateError(
        'upload',
        `Uploading the SARIF of ${report.target} to code scanning failed: could not reach ${ctx.apiUrl}: ${NETWORK_WORDS[network] ?? network} (${network}), after Octokit's retries`,
      );
    }
    throw new GateError(
      'upload',
      `Uploading the SARIF of ${report.target} to code scanning failed${status ? ` (HTTP ${status})` : ''}: ${apiMessage(error)}`,
    );
  }
  ui.info(
    `Uploaded ${prepared.resultCount} results for ${report.target} as category ${category} (sarif id ${id}, ${ref})`,
  );
  if (!inputs['wait-for-processing']) return { status: 'uploaded', category, sarifId: id, processing: 'not waited' };
  const outcome = await waitForProcessing(api, owner, repo, id, {
    timeoutMs: PROCESSING_TIMEOUT_MS,
    now: env.now,
    sleep: env.sleep,
  });
  if (outcome.status === 'failed') {
    throw new GateError(
      'upload',
      `Code scanning could not process the SARIF of ${report.target}: ${outcome.errors.join('; ') || 'no reason given'}`,
    );
  }
  if (outcome.status === 'timeout') {
    ui.warning(
      `Code scanning had not finished processing the SARIF of ${report.target} after ${PROCESSING_TIMEOUT_MS / 1000} s; it will appear when it has`,
    );
    return { status: 'uploaded', category, sarifId: id, processing: 'timeout' };
  }
  return { status: 'uploaded', category, sarifId: id, processing: 'complete' };
}
