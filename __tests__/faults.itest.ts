import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { annotations, docker, leftoverContainers, runAction, NODE_IMAGE, ROOT } from './helpers/action.js';
import { FakeGitHubApi, LARGE_DB } from './helpers/servers.js';

// What happens when things break: a clear message, the right exit code, and nothing left behind.
const SERVICES = '__tests__/fixtures/services';
const base = {
  context: SERVICES,
  image: 'msa-test/faults',
  'build-args': `NODE_IMAGE=${NODE_IMAGE}`,
  'upload-sarif': 'false',
};

function tempDirsLeft(runnerTemp: string): string[] {
  return fs.existsSync(runnerTemp) ? fs.readdirSync(runnerTemp).filter((d) => d.startsWith('multistage-')) : [];
}

describe('faults', () => {
  test('Docker daemon unreachable: one error that names it (asked alongside the first build), nothing left', async () => {
    const run = await runAction({
      inputs: { ...base, target: 'healthy' },
      env: { DOCKER_HOST: 'unix:///tmp/msa-no-docker.sock' },
    });
    expect(run.exitCode).toBe(1);
    const errors = annotations(run.stdout, 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('The Docker engine is not reachable at DOCKER_HOST=unix:///tmp/msa-no-docker.sock');
    expect(errors[0]).toContain('nothing was built');
    expect(tempDirsLeft(run.runnerTemp)).toEqual([]);
  });

  test('another listener on a host port does not matter: the engine picks a free port for the smoke test', async () => {
    const busy = http.createServer((_req, res) => res.end('not the service'));
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const run = await runAction({ inputs: { ...base, target: 'healthy' } });
      expect(run.exitCode).toBe(0);
      const polled = Number(/polling http:\/\/127\.0\.0\.1:(\d+)\/health/.exec(run.stdout)?.[1]);
      expect(polled).not.toBe((busy.address() as AddressInfo).port);
      expect(run.outputs.smoke).toBe('passed');
    } finally {
      busy.close();
    }
  });

  test('cancelled (SIGTERM) during the smoke test: main removes its container, post finds nothing left', async () => {
    const run = await runAction({
      inputs: { ...base, target: 'hang', 'smoke-timeout': '120' },
      signalWhen: { pattern: /Started multistage-hang-[0-9a-f]+/, signal: 'SIGTERM' },
    });
    expect(run.exitCode).toBe(143);
    expect(annotations(run.stdout, 'warning').join('\n')).toContain(
      'SIGTERM: cancelled; ending the processes and removing what this run started',
    );
    const name = /Started (multistage-hang-[0-9a-f]+)/.exec(run.stdout)?.[1];
    expect(name).toBeDefined();
    expect(run.post.ran).toBe(true);
    expect(run.post.exitCode).toBe(0);
    expect(leftoverContainers(run.runId)).toEqual([]);
    expect(tempDirsLeft(run.runnerTemp)).toEqual([]);
    // Main had recorded the container before it existed, so post could have acted on it too.
    expect(JSON.parse(run.state.containers)).toEqual([name]);
  });

  test('killed outright (SIGKILL) during the smoke test: the post step removes the container from the state', async () => {
    const run = await runAction({
      inputs: { ...base, target: 'hang', 'smoke-timeout': '120' },
      signalWhen: { pattern: /Started multistage-hang-[0-9a-f]+/, signal: 'SIGKILL' },
    });
    const name = /Started (multistage-hang-[0-9a-f]+)/.exec(run.stdout)?.[1];
    expect(JSON.parse(run.state.containers)).toEqual([name]);
    expect(run.post.ran).toBe(true);
    expect(run.post.stdout).toContain(`Removed container ${name}`);
    expect(leftoverContainers(run.runId)).toEqual([]);
    expect(tempDirsLeft(run.runnerTemp)).toEqual([]);
  });

  test('$(...), backticks, semicolons, newlines-as-entries and unicode in every list input reach their target literally', async () => {
    const marker = path.join(os.tmpdir(), `msa-pwned-${process.pid}`);
    const nasty = `$(touch ${marker}); \`touch ${marker}\` & ünï©ødé ✓ "q" 'a'`;
    const run = await runAction({
      inputs: {
        ...base,
        target: 'healthy',
        labels: `org.example.note=${nasty}`,
        'smoke-env': `GREETING=${nasty}`,
        'health-status': '201', // fails on purpose, so the container's log (with the greeting) is printed
        'smoke-timeout': '2',
        'smoke-paths': '/$(id)',
        'cache-from': `type=local,src=/tmp/msa-no-cache-$(id)`,
      },
    });
    expect(fs.existsSync(marker)).toBe(false);
    expect(run.stdout).toContain(`greeting=[${nasty}]`);
    const labels = JSON.parse(
      docker('image', 'inspect', '--format', '{{json .Config.Labels}}', 'msa-test/faults:healthy'),
    );
    expect(labels['org.example.note']).toBe(nasty);
    expect(run.exitCode).toBe(1);
    expect(leftoverContainers(run.runId)).toEqual([]);
  });

  test('a Dockerfile path and context with spaces', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa spaced '));
    fs.cpSync(path.join(ROOT, SERVICES), path.join(dir, 'my app'), { recursive: true });
    fs.renameSync(path.join(dir, 'my app', 'Dockerfile'), path.join(dir, 'my app', 'Docker file'));
    try {
      const run = await runAction({
        inputs: {
          ...base,
          target: 'healthy',
          context: path.join(dir, 'my app'),
          file: path.join(dir, 'my app', 'Docker file'),
        },
      });
      expect(run.exitCode).toBe(0);
      expect(run.outputs.smoke).toBe('passed');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('with the API', () => {
    let api: FakeGitHubApi;
    beforeAll(async () => {
      api = await new FakeGitHubApi().start();
    });
    afterAll(() => api.stop());

    test("a SARIF over GitHub's limits is trimmed with a warning, never rejected", async () => {
      // The real Trivy with a DB of 26,000 advisories for the zlib `vulnerable` holds (and the fixture DB's own),
      // in a home of its own (another DB than the suite's).
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-trivy-home-'));
      const run = await runAction({
        inputs: {
          ...base,
          target: 'vulnerable',
          smoke: 'false',
          'fail-on': '',
          'upload-sarif': 'true',
          token: 't',
          'trivy-db-repository': LARGE_DB,
        },
        env: { GITHUB_API_URL: api.url, HOME: home },
      });
      fs.rmSync(home, { recursive: true, force: true });
      expect(run.exitCode).toBe(0);
      expect(annotations(run.stdout, 'warning').join('\n')).toMatch(
        /SARIF for vulnerable: kept the 25000 most severe of 260\d\d results/,
      );
      expect(FakeGitHubApi.sarifOf(api.uploadRequests().at(-1)!).sarif.runs[0].results).toHaveLength(25000);
    });

    test('secrets never appear in the log, the summary, the outputs or the state', async () => {
      const secret = 'pa55-w0rd-$(id)-ü';
      const fileSecret = 'file-secret-9f8e7d';
      const secretFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'msa-secret-')), 'npmrc');
      fs.writeFileSync(secretFile, fileSecret);
      const run = await runAction({
        inputs: {
          ...base,
          target: 'echo',
          file: `${SERVICES}/build-arg.Dockerfile`,
          secrets: `token=${secret}`,
          'secret-files': `npmrc=${secretFile}`,
          'build-args': `NODE_IMAGE=${NODE_IMAGE}\nMESSAGE=hello`,
          'upload-sarif': 'true',
          token: 'ghs_api_token_123',
          smoke: 'false',
        },
        env: { GITHUB_API_URL: api.url },
      });
      expect(run.exitCode).toBe(0);
      const everything = [
        run.stdout,
        run.stderr,
        run.summary,
        JSON.stringify(run.outputs),
        JSON.stringify(run.state),
        run.post.stdout,
      ]
        .join('\n')
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n');
      for (const value of [secret, fileSecret, 'ghs_api_token_123']) expect(everything).not.toContain(value);
      fs.rmSync(path.dirname(secretFile), { recursive: true, force: true });
    });
  });
});
