import * as github from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck/light.js';
import type { CodeScanningApi, SarifStatus } from './upload.js';
import type { CommentsApi, IssueComment } from '../comment/comment.js';

// The real client for the code scanning API; loaded only when an upload happens.

/**
 * HTTP statuses the retry plugin leaves alone: a payload too large or invalid will not get better, and rate limits
 * (403/429 as GitHub documents them) belong to the throttling plugin, which waits for Retry-After or the reset.
 */
export const DO_NOT_RETRY = [400, 401, 403, 404, 410, 413, 422, 429, 451];

/**
 * Writes (an upload, the comment) as GitHub's secondary rate limits allow them: at most 80 content-creating requests
 * a minute. The throttling plugin's own rule spaces every write 1 s apart, so the second of two targets' uploads
 * waited a second for nothing (and its processing with it); here up to 10 go at once, then 10 every 10 s (never
 * more than 60 a minute). One group for the whole run: every client shares it.
 */
export function writeGroup(burst = 10, windowMs = 10_000): Bottleneck.Group {
  return new Bottleneck.Group({
    id: 'multistage-write',
    reservoir: burst,
    reservoirRefreshAmount: burst,
    reservoirRefreshInterval: windowMs,
  });
}

const WRITES = writeGroup();

function client(
  token: string,
  baseUrl: string,
  log: (m: string) => void,
  retries: number,
  writes: Bottleneck.Group = WRITES,
) {
  return github.getOctokit(
    token,
    {
      baseUrl,
      retry: { doNotRetry: DO_NOT_RETRY, retries },
      throttle: {
        write: writes,
        onRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _o: unknown,
          retryCount: number,
        ) => {
          log(
            `Rate limited on ${options.method} ${options.url}; retrying in ${retryAfter} s (attempt ${retryCount + 1})`,
          );
          return retryCount < retries;
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _o: unknown,
          retryCount: number,
        ) => {
          log(`Secondary rate limit on ${options.method} ${options.url}; retrying in ${retryAfter} s`);
          return retryCount < retries;
        },
      },
    },
    retry,
    throttling,
  );
}

export function octokitCodeScanning(
  token: string,
  baseUrl: string,
  log: (m: string) => void,
  retries = 3,
  writes: Bottleneck.Group = WRITES,
): CodeScanningApi {
  const octokit = client(token, baseUrl, log, retries, writes);
  return {
    uploadSarif: async (owner, repo, payload) => {
      const response = await octokit.request('POST /repos/{owner}/{repo}/code-scanning/sarifs', {
        owner,
        repo,
        ...payload,
      });
      const data = response.data as { id?: string; url?: string };
      if (!data.id) throw new Error(`code scanning accepted the upload but returned no id (HTTP ${response.status})`);
      return { id: data.id, url: data.url };
    },
    getSarif: async (owner, repo, id) => {
      const response = await octokit.request('GET /repos/{owner}/{repo}/code-scanning/sarifs/{sarif_id}', {
        owner,
        repo,
        sarif_id: id,
      });
      return response.data as SarifStatus;
    },
  };
}

/** The issue comments API (a pull request's conversation), for the action's one comment per job. */
export function octokitComments(token: string, baseUrl: string, log: (m: string) => void, retries = 3): CommentsApi {
  const octokit = client(token, baseUrl, log, retries);
  return {
    list: async (owner, repo, issue, page) =>
      (
        await octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          owner,
          repo,
          issue_number: issue,
          per_page: 100,
          page,
        })
      ).data as IssueComment[],
    create: async (owner, repo, issue, body) =>
      (
        await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          owner,
          repo,
          issue_number: issue,
          body,
        })
      ).data as IssueComment,
    update: async (owner, repo, id, body) =>
      (
        await octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
          owner,
          repo,
          comment_id: id,
          body,
        })
      ).data as IssueComment,
  };
}
