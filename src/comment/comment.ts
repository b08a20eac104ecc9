import * as fs from 'node:fs';
import type { Runner } from '../exec.js';
import type { TargetReport } from '../report/types.js';
import { outcomeLabel } from '../report/summary.js';
import { formatBytes } from '../units.js';
import { mdCode, mdText } from '../untrusted.js';

/**
 * The pull request comment: one per workflow job (and its targets), created once and updated in place on later runs,
 * found by a hidden marker. It says at a glance what the job's summary says in full.
 */

/** GitHub refuses an issue comment body over 65,536 characters. */
export const MAX_COMMENT_CHARS = 65_536;

export interface IssueComment {
  id: number;
  body?: string;
}

/** The issue comments API, as GitHub documents it (list, create, update). */
export interface CommentsApi {
  list(owner: string, repo: string, issue: number, page: number): Promise<IssueComment[]>;
  create(owner: string, repo: string, issue: number, body: string): Promise<IssueComment>;
  update(owner: string, repo: string, id: number, body: string): Promise<IssueComment>;
}

/** How many pages of 100 comments are searched for the marker. */
const MAX_PAGES = 30;

/** The pull request a run is about: the event's `pull_request.number` on pull_request(_target) events. */
export function pullRequestNumber(eventName: string | undefined, eventPath: string | undefined): number | undefined {
  if (!eventPath || (eventName !== 'pull_request' && eventName !== 'pull_request_target')) return undefined;
  try {
    const payload = JSON.parse(fs.readFileSync(eventPath, 'utf8')) as { pull_request?: { number?: unknown } };
    const n = payload.pull_request?.number;
    return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** The hidden marker that finds this job's comment again: workflow, job and targets. */
export function commentMarker(workflow: string, job: string, targets: readonly string[]): string {
  const clean = (text: string): string =>
    text
      .replace(/--+/g, '-')
      .replace(/[<>\r\n]/g, '')
      .slice(0, 200);
  return `<!-- multistage-action workflow=${clean(workflow)} job=${clean(job)} targets=${clean(targets.join(','))} -->`;
}

function testsCell(report: TargetReport): string {
  const t = report.tests?.totals;
  return t ? `${t.failed === 0 ? '✅' : '❌'} ${t.passed}/${t.total}` : '—';
}

function findingsCell(report: TargetReport): string {
  const c = report.scan?.counts;
  return c ? `${c.CRITICAL}C ${c.HIGH}H ${c.MEDIUM}M ${c.LOW}L` : '—';
}

/** The comment's body, within MAX_COMMENT_CHARS. */
export function commentBody(
  reports: readonly TargetReport[],
  marker: string,
  runUrl: string | undefined,
  sizeChanges: ReadonlyMap<string, string> = new Map(),
): string {
  const header = [
    marker,
    '### multistage-action',
    '',
    '| Target | Result | Size | Tests | Smoke | Findings | Recommendations |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  const footer = [
    '',
    runUrl ? `[The run](${runUrl}) has the full summary and log.` : 'The job summary has the details.',
  ];
  const rows: string[] = [];
  let used = [...header, ...footer].join('\n').length;
  for (const report of reports) {
    const size = report.build ? formatBytes(report.build.sizeBytes) : '—';
    const change = sizeChanges.get(report.target);
    const row = `| ${mdCode(report.target, { inTable: true, max: 100 })} | ${outcomeLabel(report.failure)} | ${size}${change ? ` (${change})` : ''} | ${testsCell(report)} | ${report.smoke?.status ?? '—'} | ${findingsCell(report)} | ${report.analysis?.recommendations.length ?? '—'} |`;
    if (used + row.length + 200 > MAX_COMMENT_CHARS) {
      rows.push(`| … and ${reports.length - rows.length} more targets | | | | | | |`);
      break;
    }
    rows.push(row);
    used += row.length + 1;
  }
  const failures = reports
    .filter((r) => r.failure)
    .map((r) => `- ${mdCode(r.target, { max: 100 })}: ${mdText(r.failure?.message ?? '', 300)}`);
  const failureText: string[] = [];
  for (const line of failures) {
    if (used + line.length + 50 > MAX_COMMENT_CHARS) break;
    failureText.push(line);
    used += line.length + 1;
  }
  return [...header, ...rows, ...(failureText.length ? ['', ...failureText] : []), ...footer].join('\n');
}

/** Find this job's comment by its marker and update it, or create it. Returns what was done. */
export async function upsertComment(
  api: CommentsApi,
  where: { owner: string; repo: string; issue: number },
  marker: string,
  body: string,
): Promise<{ action: 'created' | 'updated'; id: number }> {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const comments = await api.list(where.owner, where.repo, where.issue, page);
    const mine = comments.find((c) => typeof c.body === 'string' && c.body.startsWith(marker));
    if (mine) {
      await api.update(where.owner, where.repo, mine.id, body);
      return { action: 'updated', id: mine.id };
    }
    if (comments.length < 100) break;
  }
  const created = await api.create(where.owner, where.repo, where.issue, body);
  return { action: 'created', id: created.id };
}

interface RawManifest {
  mediaType?: string;
  manifests?: { digest: string; platform?: { os?: string; architecture?: string; variant?: string } }[];
  layers?: { size?: number }[];
}

/**
 * The compressed size of an image in a registry (its layers as stored), for the engine's platform: what
 * `docker buildx imagetools inspect --raw` reads, with the credentials docker has. undefined when it cannot be read
 * (no such image yet, no access).
 */
export async function registryImageSize(run: Runner, reference: string, platform: string): Promise<number | undefined> {
  const raw = async (ref: string): Promise<RawManifest | undefined> => {
    const result = await run('docker', ['buildx', 'imagetools', 'inspect', '--raw', ref], { allowFailure: true });
    if (result.exitCode !== 0) return undefined;
    try {
      return JSON.parse(result.stdout) as RawManifest;
    } catch {
      return undefined;
    }
  };
  let manifest = await raw(reference);
  if (manifest?.manifests) {
    const [os, architecture, variant] = platform.split('/');
    const chosen =
      manifest.manifests.find(
        (m) =>
          m.platform?.os === os &&
          m.platform.architecture === architecture &&
          (variant === undefined || m.platform.variant === variant),
      ) ?? manifest.manifests.find((m) => m.platform && m.platform.os !== 'unknown');
    if (!chosen || !/^sha256:[0-9a-f]{64}$/.test(chosen.digest)) return undefined;
    const name = reference.replace(/(@sha256:[0-9a-f]{64}|:[\w][\w.-]{0,127})$/, '');
    manifest = await raw(`${name}@${chosen.digest}`);
  }
  if (!manifest?.layers) return undefined;
  return manifest.layers.reduce((n, l) => n + (typeof l.size === 'number' ? l.size : 0), 0);
}

/** `+1.2 MB vs main`, `−300.0 kB vs main`, `same size as main`. */
export function describeSizeChange(now: number, before: number, branch: string): string {
  const delta = now - before;
  if (Math.abs(delta) < 1000) return `same size as ${branch}`;
  return `${delta > 0 ? '+' : '−'}${formatBytes(Math.abs(delta))} vs ${branch}`;
}
