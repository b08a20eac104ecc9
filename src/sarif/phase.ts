import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Ui } from '../ui.js';
import type { Clock } from '../runtime.js';
import type { Inputs } from '../inputs.js';
import type { RunContext } from '../context.js';
import type { UploadReport } from '../report/types.js';
import { ConfigurationError, ToolError, errorMessage } from '../errors.js';
import { prepareSarif, type SarifLog } from './prepare.js';
import {
  explainForbidden,
  readEvent,
  uploadRef,
  waitForProcessing,
  type CodeScanningApi,
  type SarifPayload,
} from './upload.js';

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

export type UploadSettings = Pick<Inputs, 'upload-sarif' | 'token' | 'category' | 'wait-for-processing'>;

export interface UploadDeps {
  ui: Ui;
  clock: Clock;
  /** The code scanning API client for a token (loaded on first use). */
  api: (token: string) => Promise<CodeScanningApi>;
}

export interface UploadRequest {
  target: string;
  sarifFile: string;
  settings: UploadSettings;
  ctx: Pick<RunContext, 'repository' | 'sha' | 'ref' | 'eventPath' | 'actor' | 'workspace' | 'onGitHub' | 'apiUrl'>;
  /** When the run started (the analysis's started_at). */
  startedAt: number;
}

/**
 * Send the target's SARIF to code scanning under its own category, within GitHub's limits, and wait for it to be
 * processed. A 403 (code scanning off, a fork's or Dependabot's read-only token) is a warning that says which and
 * how to fix it; other refusals, a network that does not answer and a failed processing are tool failures.
 */
export async function uploadSarif(deps: UploadDeps, request: UploadRequest): Promise<UploadReport> {
  const sent = await sendSarif(deps, request);
  return sent.processed ? sent.processed(deps.ui) : sent.report;
}

/** A SARIF sent; `processed` (when wait-for-processing is on) waits for code scanning to process it. */
export interface SentSarif {
  report: UploadReport;
  processed?: (ui: Ui) => Promise<UploadReport>;
}

/**
 * The upload without the wait: what `uploadSarif` does up to code scanning's answer, and the wait for processing
 * as a function of its own, so the road can push (and other targets go on) while code scanning processes.
 */
export async function sendSarif(deps: UploadDeps, request: UploadRequest): Promise<SentSarif> {
  const { ui } = deps;
  const { settings, ctx, target, sarifFile } = request;
  const category = settings.category || defaultCategory(target);
  const prepared = prepareSarif(JSON.parse(fs.readFileSync(sarifFile, 'utf8')) as SarifLog, { category });
  for (const warning of prepared.warnings) ui.warning(`SARIF for ${target}: ${warning}`);
  fs.writeFileSync(sarifFile, JSON.stringify(prepared.sarif, null, 2));

  if (!settings['upload-sarif']) {
    const reason = ctx.onGitHub ? 'upload-sarif is false' : 'not running on GitHub Actions';
    ui.notice(`SARIF for ${target} written to ${sarifFile}; upload skipped (${reason})`);
    return { report: { status: 'skipped', category, reason } };
  }
  if (!settings.token) {
    const reason = 'no token (set the token input, e.g. ${{ github.token }})';
    ui.warning(`SARIF for ${target} not uploaded: ${reason}`);
    return { report: { status: 'skipped', category, reason } };
  }
  if (!ctx.repository) {
    throw new ConfigurationError(
      'GITHUB_REPOSITORY',
      'is not set: cannot tell which repository to upload to',
      'environment',
    );
  }
  const [owner, repo] = ctx.repository.split('/');
  const event = readEvent(ctx, (message) => ui.warning(message));
  const { ref, commitSha } = uploadRef(ctx, event);
  const payload: SarifPayload = {
    commit_sha: commitSha,
    ref,
    sarif: prepared.gzipped.toString('base64'),
    // GitHub's description says `format: uri`: the checkout as a file:// URL, as codeql-action sends it.
    checkout_uri: pathToFileURL(ctx.workspace).href,
    tool_name: 'Trivy',
    started_at: new Date(request.startedAt).toISOString(),
  };
  const api = await deps.api(settings.token);
  let id: string;
  try {
    ({ id } = await api.uploadSarif(owner, repo, payload));
  } catch (error: unknown) {
    const status = httpStatus(error);
    if (status === 403) {
      const reason = explainForbidden(apiMessage(error), event);
      ui.warning(`SARIF for ${target} not uploaded (HTTP 403): ${reason}`);
      return { report: { status: 'forbidden', category, reason } };
    }
    throw apiFailure(error, `Uploading the SARIF of ${target} to code scanning`, ctx.apiUrl);
  }
  ui.info(`Uploaded ${prepared.resultCount} results for ${target} as category ${category} (sarif id ${id}, ${ref})`);
  if (!settings['wait-for-processing']) {
    return { report: { status: 'uploaded', category, sarifId: id, processing: 'not waited' } };
  }
  const processed = async (ui: Ui): Promise<UploadReport> => {
    let outcome;
    try {
      outcome = await waitForProcessing(api, owner, repo, id, {
        timeoutMs: PROCESSING_TIMEOUT_MS,
        now: deps.clock.now,
        sleep: deps.clock.sleep,
      });
    } catch (error: unknown) {
      throw apiFailure(error, `Asking code scanning whether the SARIF of ${target} was processed`, ctx.apiUrl);
    }
    if (outcome.status === 'failed') {
      throw new ToolError(
        'code scanning',
        `Code scanning could not process the SARIF of ${target}: ${outcome.errors.join('; ') || 'no reason given'}`,
      );
    }
    if (outcome.status === 'timeout') {
      ui.warning(
        `Code scanning had not finished processing the SARIF of ${target} after ${PROCESSING_TIMEOUT_MS / 1000} s; it will appear when it has`,
      );
      return { status: 'uploaded', category, sarifId: id, processing: 'timeout' };
    }
    ui.info(`Code scanning processed the SARIF of ${target} (sarif id ${id})`);
    return { status: 'uploaded', category, sarifId: id, processing: 'complete' };
  };
  return { report: { status: 'uploaded', category, sarifId: id }, processed };
}

/**
 * An API call that failed: an HTTP answer or a network that did not answer (named as such, not as Octokit's
 * "HTTP 500") is the API's failure; anything else thrown on the way is not the API's and goes on as it is.
 */
function apiFailure(error: unknown, what: string, apiUrl: string): unknown {
  const network = networkErrorCode(error);
  if (network) {
    return new ToolError(
      'the GitHub API',
      `${what} failed: could not reach ${apiUrl}: ${NETWORK_WORDS[network] ?? network} (${network}), after Octokit's retries`,
      { cause: error },
    );
  }
  const status = httpStatus(error);
  if (typeof status !== 'number') return error;
  return new ToolError('the GitHub API', `${what} failed (HTTP ${status}): ${apiMessage(error)}`, { cause: error });
}
