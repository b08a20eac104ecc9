import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { leftoverContainers, runAction, NODE_IMAGE, watchProcesses } from './helpers/action.js';
import { FakeGitHubApi } from './helpers/servers.js';
import { FlakyRegistry } from './helpers/registry.js';
import { runnerCommands, unintendedCommands } from './helpers/workflow-commands.js';

/**
 * Several targets at once on the real engine and the real Trivy (two Trivy processes must never download one DB
 * into one folder at once): both targets pass, their logs never interleave, the first scan downloads the DB alone
 * and the other then shares it, both share it at once when it is current, and nothing is left.
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

describe('two targets in one step, at once', () => {
  test("both pass; each target's groups are told together, in the road's order; the scans share Trivy's DB once it is current", async () => {
    const marker = `msa-par-${process.pid}-${Date.now()}`;
    // The fixture DB through a proxy that records what Trivy fetches.
    const registry = new FlakyRegistry({ matches: () => false, status: 500, times: 0 });
    const host = await registry.start();
    const dbPulls = () => registry.seen.filter((r) => /^GET \/v2\/trivy-fixtures\/trivy-db\/blobs\//.test(r));
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
        'trivy-db-repository': `${host}/trivy-fixtures/trivy-db:2`,
      },
      // A home of its own: no DB yet.
      env: {
        GITHUB_API_URL: api.url,
        GITHUB_EVENT_NAME: 'push',
        HOME: home,
        MSA_TEST_MARKER: marker,
      },
    };
    let trivy = watchProcesses(marker, 'trivy');
    const run = await runAction(options);
    const scans = trivy.stop().filter((p) => p.argv[1] === 'image');
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.outputs.smoke)).toEqual({ healthy: 'passed', slow: 'passed' });
    // One upload per target, each with its own id.
    const ids = JSON.parse(run.outputs['sarif-id']) as Record<string, string>;
    expect(Object.keys(ids).sort()).toEqual(['healthy', 'slow']);
    expect(new Set(Object.values(ids)).size).toBe(2);
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

    // A Trivy cache of its own, empty: the first scan downloads the DB alone (one fetch of its layer), the second
    // starts only after it ended and shares it.
    expect(scans).toHaveLength(2);
    expect(scans[1].first).toBeGreaterThanOrEqual(scans[0].last);
    expect(scans[0].argv).not.toContain('--skip-db-update');
    expect(scans[1].argv).toContain('--skip-db-update');
    expect(dbPulls()).toHaveLength(1);
    expect(run.stdout).toMatch(/Scanning msa-test\/parallel:(healthy|slow) \(vuln\), sharing Trivy's DB/);

    // Again with that DB now current: both scans share it at once, nothing is fetched.
    trivy = watchProcesses(marker, 'trivy');
    const again = await runAction({ ...options, env: { ...options.env } });
    const together = trivy.stop().filter((p) => p.argv[1] === 'image');
    expect(again.exitCode).toBe(0);
    expect(together).toHaveLength(2);
    expect(together.every((p) => p.argv.includes('--skip-db-update'))).toBe(true);
    expect(together[1].first - together[0].first).toBeLessThan(3000);
    expect(dbPulls()).toHaveLength(1);
    expect(leftoverContainers(again.runId)).toEqual([]);
    expect(leftoverContainers(run.runId)).toEqual([]);
    await registry.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }, 180_000);
});
