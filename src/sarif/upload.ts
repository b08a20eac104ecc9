import * as fs from 'node:fs';
import type { RunContext } from '../context.js';
import { ConfigurationError, errorMessage } from '../errors.js';

/** What POST /repos/{owner}/{repo}/code-scanning/sarifs takes. */
export interface SarifPayload {
  commit_sha: string;
  ref: string;
  /** gzip, then base64. */
  sarif: string;
  checkout_uri: string;
  tool_name: string;
  started_at?: string;
}

export interface SarifStatus {
  processing_status: 'pending' | 'complete' | 'failed' | string;
  analyses_url?: string | null;
  errors?: string[] | null;
}

/** The code scanning API as the action uses it; tests hand in a local server through the real client. */
export interface CodeScanningApi {
  uploadSarif(owner: string, repo: string, payload: SarifPayload): Promise<{ id: string; url?: string }>;
  getSarif(owner: string, repo: string, id: string): Promise<SarifStatus>;
}

export interface EventInfo {
  /** The workflow runs on a pull request from a fork (its token is read-only). */
  fromFork: boolean;
  /** Dependabot triggered it (its token is read-only on pull requests). */
  dependabot: boolean;
  pullNumber?: number;
}

/**
 * What the event file says about who may upload. An event file that cannot be read is said through `warn` (fork and
 * Dependabot detection then rely on the API's answer alone), never silently ignored.
 */
export function readEvent(
  ctx: Pick<RunContext, 'eventPath' | 'actor'>,
  warn: (message: string) => void = () => undefined,
): EventInfo {
  let payload: {
    pull_request?: {
      number?: number;
      head?: { repo?: { full_name?: string } };
      base?: { repo?: { full_name?: string } };
    };
  } = {};
  try {
    if (ctx.eventPath) payload = JSON.parse(fs.readFileSync(ctx.eventPath, 'utf8')) as typeof payload;
  } catch (error: unknown) {
    warn(
      `Could not read the event file GITHUB_EVENT_PATH (${errorMessage(error)}); a pull request from a fork is not recognised as one`,
    );
    payload = {};
  }
  const pr = payload.pull_request;
  const head = pr?.head?.repo?.full_name;
  const base = pr?.base?.repo?.full_name;
  return {
    fromFork: Boolean(pr && head && base && head !== base),
    dependabot: ctx.actor === 'dependabot[bot]',
    pullNumber: pr?.number,
  };
}

/**
 * The ref and commit the analysis belongs to. push and workflow_dispatch: the branch or tag that ran, at its
 * commit. pull_request: the merge ref (refs/pull/N/merge) at the merge commit that was checked out and built,
 * as code scanning expects for pull request checks.
 */
export function uploadRef(ctx: Pick<RunContext, 'sha' | 'ref'>, event: EventInfo): { ref: string; commitSha: string } {
  if (!ctx.sha) {
    throw new ConfigurationError(
      'GITHUB_SHA',
      'is not set: code scanning needs the commit that was analysed',
      'environment',
    );
  }
  let ref = ctx.ref;
  if (!ref && event.pullNumber !== undefined) ref = `refs/pull/${event.pullNumber}/merge`;
  if (!ref) {
    throw new ConfigurationError(
      'GITHUB_REF',
      'is not set: code scanning needs the ref that was analysed',
      'environment',
    );
  }
  return { ref, commitSha: ctx.sha };
}

/** Why a 403 happened and what to do, from the API's message and the event. */
export function explainForbidden(message: string, event: EventInfo): string {
  if (event.fromFork) {
    return "the workflow runs on a pull request from a fork, whose token is read-only; code scanning results are uploaded on the base repository's own runs (push, or pull_request_target with care)";
  }
  if (event.dependabot) {
    return 'Dependabot pull requests get a read-only token; results are uploaded when the change reaches a branch of this repository';
  }
  if (/advanced security|code scanning is not enabled|not enabled for this repository/i.test(message)) {
    return 'code scanning is not enabled for this repository; enable it under Settings → Code security (private repositories need GitHub Advanced Security)';
  }
  if (/resource not accessible by integration/i.test(message)) {
    return 'the token lacks permission; give the job `permissions: security-events: write`';
  }
  return `the API refused the upload (${message}); check that the token has security-events: write`;
}

export interface WaitOptions {
  timeoutMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export type WaitOutcome = { status: 'complete' } | { status: 'failed'; errors: string[] } | { status: 'timeout' };

/**
 * Poll the upload's status until it is processed, failed, or the time is up: after 1 s, 2 s, then every 3 s. Code
 * scanning takes 10-60 s, so a longer backoff would keep the step waiting for nothing (up to 10 s at a 10 s cap); at
 * most 20 questions a minute per upload stays far inside GITHUB_TOKEN's 1,000 requests an hour.
 */
export async function waitForProcessing(
  api: CodeScanningApi,
  owner: string,
  repo: string,
  id: string,
  options: WaitOptions,
): Promise<WaitOutcome> {
  const deadline = options.now() + options.timeoutMs;
  let delay = options.initialDelayMs ?? 1000;
  for (;;) {
    const status = await api.getSarif(owner, repo, id);
    if (status.processing_status === 'complete') return { status: 'complete' };
    if (status.processing_status === 'failed') return { status: 'failed', errors: status.errors ?? [] };
    if (options.now() + delay > deadline) return { status: 'timeout' };
    await options.sleep(delay);
    delay = Math.min(delay * 2, options.maxDelayMs ?? 3000);
  }
}
