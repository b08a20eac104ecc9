import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { leftoverContainers, runAction, NODE_IMAGE } from './helpers/action.js';
import { FakeGitHubApi } from './helpers/servers.js';
import { runnerCommands, unintendedCommands } from './helpers/workflow-commands.js';

/**
 * Several targets at once on the real engine, with the Trivy double as strict as Trivy about its cache (a second
 * `trivy image` on an on-disk scan cache fails after 5 s; a DB written by one while another reads or writes it is
 * refused): both targets pass, their logs never interleave, the scans share the DB once it is current, and nothing
 * is left.
 */
const SERVICES = '__tests__/fixtures/services';

let api: FakeGitHubApi;
beforeAll(async () => {
  api = await new FakeGitHubApi().start();
});
afterAll(() => api.stop());

/** The groups in the order the log opened them, and the lines each one held. */
function groupsOf(stdout: string): { name: string; lines: string[] }[] {
  const groups: { name: string; lines: string[] }[] = [];
  let open: { name: string; lines: string[] } | undefined;
  for (const line of stdout.split('\n')) {
    const [command] = runnerCommands(line);
    if (command?.command === 'group') {
      expect(open).toBeUndefined(); // never a group inside a group
      open = { name: command.data, lines: [] };
      groups.push(open);
    } else if (command?.command === 'endgroup') {
      open = undefined;
    } else if (open) {
      open.lines.push(line);
    }
  }
  return groups;
}

/** When each `trivy image` started (the double's TRIVY_DOUBLE_TIMES), in order. */
function scanStarts(times: string): number[] {
  return fs
    .readFileSync(times, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { argv: string[]; at: number })
    .filter((c) => c.argv[0] === 'image')
    .map((c) => c.at)
    .sort((a, b) => a - b);
}

describe('two targets in one step, at once', () => {
  test("both pass; each target's groups are told together, in the road's order; the scans share Trivy's DB once it is current", async () => {
    const times = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'msa-par-')), 'times.jsonl');
    api.uploads = [
      { status: 202, body: { id: 'sarif-1' } },
      { status: 202, body: { id: 'sarif-2' } },
    ];
    api.statuses = [{ status: 200, body: { processing_status: 'complete' } }];
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-par-home-'));
    const options = {
      inputs: {
        targets: 'healthy,slow',
        context: SERVICES,
        image: 'msa-test/parallel',
        'build-args': `NODE_IMAGE=${NODE_IMAGE}`,
        token: 'ghs_test',
        'upload-sarif': 'true',
      },
      // Each scan holds the cache for 5.5 s: a second Trivy on the same cache at the same time would fail.
      env: {
        GITHUB_API_URL: api.url,
        GITHUB_EVENT_NAME: 'push',
        HOME: home,
        TRIVY_DOUBLE_SCAN_MS: '5500',
        TRIVY_DOUBLE_TIMES: times,
      },
    };
    const run = await runAction(options);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.outputs.smoke)).toEqual({ healthy: 'passed', slow: 'passed' });
    expect(JSON.parse(run.outputs['sarif-id'])).toEqual(expect.objectContaining({ healthy: expect.any(String) }));
    expect(unintendedCommands(run.stdout, run.stderr)).toEqual([]);
    expect(run.stdout).toContain('Taking 2 targets down the road at once: healthy, slow.');

    const groups = groupsOf(run.stdout);
    const owner = (name: string) => /(healthy|slow)$/.exec(name)?.[1];
    const order = groups.map((g) => owner(g.name)).filter(Boolean);
    const switchAt = order.findIndex((t) => t !== order[0]);
    expect(switchAt).toBeGreaterThan(0);
    expect(order.slice(switchAt).every((t) => t !== order[0])).toBe(true);
    for (const target of ['healthy', 'slow']) {
      expect(groups.filter((g) => owner(g.name) === target).map((g) => g.name)).toEqual([
        `Build ${target}`,
        `Smoke test ${target}`,
        `Scan ${target}`,
        `Analysis of ${target}`,
        `Upload SARIF of ${target}`,
        `Code scanning processing of ${target}`,
      ]);
      const other = target === 'healthy' ? 'slow' : 'healthy';
      for (const g of groups.filter((x) => owner(x.name) === target)) {
        expect(g.lines.filter((line) => line.includes(`msa-test/parallel:${other}`))).toEqual([]);
      }
    }

    // A Trivy cache of its own, empty: the first scan downloads the DB alone, the second then shares it.
    const starts = scanStarts(times);
    expect(starts).toHaveLength(2);
    expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(5500);
    expect(run.stdout).toMatch(/Scanning msa-test\/parallel:(healthy|slow) \(vuln\), sharing Trivy's DB/);

    // Again with that DB now current: both scans at once (each holding the double's cache for 5.5 s).
    fs.rmSync(times, { force: true });
    const again = await runAction({ ...options, env: { ...options.env } });
    expect(again.exitCode).toBe(0);
    const together = scanStarts(times);
    expect(together).toHaveLength(2);
    expect(together[1] - together[0]).toBeLessThan(3000);
    expect(leftoverContainers(again.runId)).toEqual([]);
    expect(leftoverContainers(run.runId)).toEqual([]);
    fs.rmSync(path.dirname(times), { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  }, 180_000);
});
