import { describe, expect, test } from '@jest/globals';
import {
  annotations,
  docker,
  EXAMPLE,
  EXAMPLE_BUILD_ARGS,
  leftoverContainers,
  runAction,
  NODE_IMAGE,
  watchProcesses,
} from './helpers/action.js';

const SERVICES = '__tests__/fixtures/services';

function service(target: string, extra: Record<string, string> = {}, env: Record<string, string> = {}) {
  return runAction({
    inputs: {
      target,
      context: SERVICES,
      image: 'msa-test/smoke',
      'build-args': `NODE_IMAGE=${NODE_IMAGE}`,
      ...extra,
    },
    env,
  });
}

/** When the engine started this run's container (epoch ms), from its event log. */
function containerLife(runId: string, since: number): { start: number } {
  const events = docker(
    'events',
    '--since',
    String(Math.floor(since / 1000) - 1),
    '--until',
    String(Math.ceil(Date.now() / 1000) + 1),
    '--filter',
    `label=com.github.multistage-action=${runId}`,
    '--format',
    '{{.Action}} {{.TimeNano}}',
  )
    .trim()
    .split('\n')
    .map((line) => line.split(' '));
  const at = (action: string) => Number(BigInt(events.find(([a]) => a === action)?.[1] ?? '0') / 1_000_000n);
  return { start: at('start') };
}

function failure(stdout: string): string {
  return annotations(stdout, 'error').join('\n');
}

describe('smoke test on the real engine', () => {
  test('a healthy service passes at once and its extra paths are checked', async () => {
    const run = await service('healthy', { 'smoke-paths': '/ready' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.smoke).toBe('passed');
    // Healthy before the deadline (smoke-timeout 60), not at it.
    expect(Number(run.outputs['smoke-seconds'])).toBeLessThan(60);
    expect(run.stdout).toContain('/ready: HTTP 200');
    expect(run.summary).toMatch(/✅ healthy in \d+\.\d s/);
    expect(leftoverContainers(run.runId)).toEqual([]);
  });

  test('a service ready only after 3 s passes in about 3 s, not after a fixed sleep; the scan runs meanwhile', async () => {
    const since = Date.now();
    const marker = `msa-smoke-${process.pid}-${since}`;
    const trivy = watchProcesses(marker, 'trivy');
    const run = await service('slow', {}, { MSA_TEST_MARKER: marker });
    const scans = trivy.stop().filter((p) => p.argv[1] === 'image');
    expect(run.exitCode).toBe(0);
    // The real Trivy scanned the image while the container was up, and its group still follows the smoke test's.
    expect(scans).toHaveLength(1);
    const scannedAt = scans[0].first;
    const life = containerLife(run.runId, since);
    expect(life.start).toBeGreaterThan(0);
    // The service answers 3 s after its start: the scan began before it could be healthy, not after the smoke test.
    expect(scannedAt).toBeGreaterThan(life.start - 2000);
    expect(scannedAt).toBeLessThan(life.start + 3000);
    // (::debug lines go straight to the log, as @actions/core writes them: only shown with step debugging.)
    expect(run.stdout).toMatch(
      /::group::Smoke test slow[\s\S]*Healthy after[\s\S]*::group::Scan slow\n(?:::debug::.*\n)*Using trivy/,
    );
    expect(run.stdout).toMatch(/\nScan took \d+\.\d s, alongside the smoke test\n::endgroup::/);
    expect(run.outputs.smoke).toBe('passed');
    // Not before the service listens; the poller's latency itself is measured by the benchmark, not here.
    expect(Number(run.outputs['smoke-seconds'])).toBeGreaterThanOrEqual(3);
    expect(leftoverContainers(run.runId)).toEqual([]);
  });

  test('a health endpoint answering 500 fails at the deadline with the status it saw and the logs', async () => {
    const run = await service('error500', { 'smoke-timeout': '3' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.smoke).toBe('failed');
    expect(run.outputs['smoke-seconds']).toBe('');
    expect(failure(run.stdout)).toContain(
      'The smoke test of error500 did not pass: not healthy before the deadline: the endpoint answered HTTP 500, expected 200',
    );
    expect(run.stdout).toContain('service starting as uid 0 on port 8080');
    expect(run.stdout).toMatch(/::group::Smoke test error500[\s\S]*Last 50 log lines[\s\S]*::endgroup::/);
    expect(run.summary).toContain('### error500: ❌ smoke did not pass');
    expect(run.outputs.pushed).toBe('false');
    // The scan ran alongside: its findings are shown and counted, but a failed image's SARIF is not uploaded.
    expect(run.stdout).toMatch(/::endgroup::\n::group::Scan error500\n[\s\S]*Vulnerabilities: 0 CRITICAL/);
    expect(JSON.parse(run.outputs.vulnerabilities)).toEqual({ UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 });
    expect(run.stdout).not.toContain('::group::Upload SARIF of error500');
    expect(leftoverContainers(run.runId)).toEqual([]);
  });

  test('a container that exits at start fails at once with its exit code and last log lines', async () => {
    const run = await service('crash', { 'smoke-timeout': '60' });
    expect(run.exitCode).toBe(1);
    expect(failure(run.stdout)).toContain('the container exited with code 3 before it was healthy');
    expect(run.stdout).toContain('fatal: configuration missing, giving up');
    // At once, not at the deadline (smoke-timeout 60).
    expect(Number(/after ([\d.]+) s/.exec(failure(run.stdout))?.[1])).toBeLessThan(60);
    expect(leftoverContainers(run.runId)).toEqual([]);
  });

  test('an image Docker reports unhealthy stops the poll early with the HEALTHCHECK output', async () => {
    const run = await service('unhealthy', { 'smoke-timeout': '60' });
    expect(run.exitCode).toBe(1);
    const message = failure(run.stdout);
    expect(message).toContain('Docker reports the container unhealthy');
    expect(message).toContain('last HEALTHCHECK probe: exit code 1');
    expect(leftoverContainers(run.runId)).toEqual([]);
  });

  test('a hanging health endpoint is cut by the per-request timeout and fails at the deadline', async () => {
    const run = await service('hang', { 'smoke-timeout': '4' });
    expect(run.exitCode).toBe(1);
    expect(failure(run.stdout)).toMatch(/the endpoint did not answer within \d+ ms/);
    expect(leftoverContainers(run.runId)).toEqual([]);
  });

  test('an image without EXPOSE and no port input skips the smoke test with a notice', async () => {
    const run = await service('no-expose');
    expect(run.exitCode).toBe(0);
    expect(run.outputs.smoke).toBe('skipped');
    expect(annotations(run.stdout, 'notice').join('\n')).toContain(
      'Smoke test of no-expose skipped: the image EXPOSEs no port',
    );
  });

  test('the port input and smoke-env reach the container', async () => {
    const run = await service('no-expose', { port: '9090', 'smoke-env': 'PORT=9090' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.smoke).toBe('passed');
  });

  test('hardened mode runs a non-root image read-only with a tmpfs /tmp', async () => {
    const run = await service('nonroot', { 'smoke-hardened': 'true' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.smoke).toBe('passed');
    expect(run.stdout).toContain(
      'Hardened run: --read-only --tmpfs /tmp:rw,noexec,nosuid,size=64m --cap-drop ALL --security-opt no-new-privileges',
    );
    // What reached the engine, not what the log says: the argv of `docker run` (@actions/core's debug line of
    // every command) holds each option, in pairs.
    const runs = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('::debug::exec: ["docker","run"'))
      .map((l) => JSON.parse(l.slice('::debug::exec: '.length)) as string[]);
    expect(runs).toHaveLength(1);
    const argv = runs[0];
    const pairs = argv.slice(1).map((a, i) => `${argv[i]} ${a}`);
    expect(argv).toContain('--read-only');
    expect(pairs).toEqual(
      expect.arrayContaining([
        '--tmpfs /tmp:rw,noexec,nosuid,size=64m',
        '--cap-drop ALL',
        '--security-opt no-new-privileges',
      ]),
    );
    expect(leftoverContainers(run.runId)).toEqual([]);
  });

  test('the example frontend is served by a static web server and answers /health', async () => {
    const run = await runAction({
      inputs: {
        target: 'production-frontend',
        context: EXAMPLE,
        'build-args': EXAMPLE_BUILD_ARGS,
        'smoke-paths': '/index.html',
        'smoke-hardened': 'true',
      },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.smoke).toBe('passed');
    expect(run.stdout).toContain('/index.html: HTTP 200');
    expect(leftoverContainers(run.runId)).toEqual([]);
  });

  test('the example backend passes hardened', async () => {
    const run = await runAction({
      inputs: {
        target: 'production-backend',
        context: EXAMPLE,
        'build-args': EXAMPLE_BUILD_ARGS,
        'smoke-hardened': 'true',
        'smoke-paths': '/api/greeting',
      },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.smoke).toBe('passed');
  });
});
