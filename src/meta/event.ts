import * as fs from 'node:fs';
import { ConfigurationError, errorMessage } from '../errors.js';
import type { RunContext } from '../context.js';

/** What tag rules and the default OCI labels read from the run: its event, ref, commit and repository. */
export interface RefContext {
  eventName: string;
  /** `refs/heads/<branch>`, `refs/tags/<tag>` or `refs/pull/<n>/merge` (pull_request_target: the PR's merge ref). */
  ref: string;
  /** The commit tags name: on a pull request, its head commit (the one a person knows), not GitHub's merge commit. */
  sha: string;
  defaultBranch?: string;
  /** The pull request's base branch, or the push payload's base_ref for a tag. */
  baseRef?: string;
  /** The commit's date from the event (push: the commit's timestamp), else the run's start. */
  commitDate: Date;
  /** When the run started, for `{{date}}` and the `created` label. */
  date: Date;
  /** Length of a short sha: 7, or DOCKER_METADATA_SHORT_SHA_LENGTH as metadata-action reads it. */
  shortShaLength: number;
  repository: { name?: string; description?: string; url?: string; license?: string; private?: boolean };
}

interface Payload {
  number?: number;
  base_ref?: string | null;
  pull_request?: { number?: number; head?: { sha?: string }; base?: { ref?: string } };
  repository?: {
    name?: string;
    default_branch?: string;
    description?: string | null;
    html_url?: string;
    license?: { spdx_id?: string | null } | null;
    private?: boolean;
  };
  head_commit?: { id?: string; timestamp?: string } | null;
  commits?: { id?: string; timestamp?: string }[];
}

function readPayload(eventPath: string | undefined, warn: (message: string) => void): Payload {
  if (!eventPath) return {};
  try {
    const payload: unknown = JSON.parse(fs.readFileSync(eventPath, 'utf8'));
    return payload && typeof payload === 'object' ? (payload as Payload) : {};
  } catch (error: unknown) {
    warn(`Could not read the event file GITHUB_EVENT_PATH (${errorMessage(error)}); tags from its data are left out`);
    return {};
  }
}

function validDate(text: string | undefined): Date | undefined {
  if (!text) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The run's ref context, from the runner's environment and the event file. */
export function readRefContext(
  ctx: Pick<RunContext, 'eventName' | 'eventPath' | 'ref' | 'sha' | 'repository' | 'serverUrl'>,
  now: Date,
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = () => undefined,
): RefContext {
  const payload = readPayload(ctx.eventPath, warn);
  const eventName = ctx.eventName ?? '';
  const pullRequest = /^pull_request/.test(eventName) ? payload.pull_request : undefined;
  let ref = ctx.ref ?? '';
  // pull_request_target runs on the base branch's ref; its tags belong to the pull request.
  if (eventName === 'pull_request_target' && (payload.number ?? pullRequest?.number) !== undefined) {
    ref = `refs/pull/${payload.number ?? pullRequest?.number}/merge`;
  }
  const sha = pullRequest?.head?.sha ?? ctx.sha ?? '';
  const commit = [...(payload.commits ?? []), ...(payload.head_commit ? [payload.head_commit] : [])].find(
    (c) => c.id === sha,
  );
  const lengthText = env.DOCKER_METADATA_SHORT_SHA_LENGTH;
  const length = lengthText ? Number(lengthText) : 7;
  if (!Number.isInteger(length) || length < 4 || length > 40) {
    throw new ConfigurationError(
      'DOCKER_METADATA_SHORT_SHA_LENGTH',
      `"${lengthText}" is not a length of a short sha; use 4-40`,
      'environment',
    );
  }
  const repo = payload.repository;
  return {
    eventName,
    ref,
    sha,
    defaultBranch: repo?.default_branch,
    baseRef: ref.startsWith('refs/tags/')
      ? (payload.base_ref ?? undefined)?.replace(/^refs\/heads\//, '')
      : pullRequest?.base?.ref,
    commitDate: validDate(commit?.timestamp) ?? now,
    date: now,
    shortShaLength: length,
    repository: {
      name: repo?.name ?? ctx.repository?.split('/')[1],
      description: repo?.description ?? undefined,
      url: repo?.html_url ?? (ctx.repository ? `${ctx.serverUrl}/${ctx.repository}` : undefined),
      license: repo?.license?.spdx_id ?? undefined,
      private: repo?.private,
    },
  };
}
