import { describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ACTION_NODE, ROOT, EXAMPLE, NODE_IMAGE, BUSYBOX_IMAGE, docker } from './helpers/action.js';
import { FIXTURE_DB, FIXTURE_JAVA_DB, trivyBin } from './helpers/servers.js';

function cli(args: string[], cwd: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string; pid: number }>((resolve) => {
    const dbFlags = ['--trivy-db-repository', FIXTURE_DB, '--trivy-java-db-repository', FIXTURE_JAVA_DB];
    const child = spawn(ACTION_NODE, [path.join(ROOT, 'dist', 'cli', 'index.js'), ...args, ...dbFlags], {
      cwd,
      env: {
        // The real Trivy, and the test run's home whose Trivy cache holds the fixture DBs (global setup); the DB
        // repositories come as flags, as a user of the command line names a mirror.
        PATH: `${trivyBin()}:${process.env.PATH}`,
        HOME: process.env.MSA_TRIVY_HOME ?? process.env.HOME,
        DOCKER_CONFIG: process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker'),
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, pid: child.pid ?? 0 }));
  });
}

describe('the command line, with no GitHub', () => {
  test('runs the whole road on the example project, writes the SARIF, skips the upload, leaves nothing', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-cli-'));
    const run = await cli(
      [
        '--target',
        'production-backend',
        '--port',
        '3001',
        '--context',
        path.join(ROOT, EXAMPLE),
        '--test-target',
        'test-results',
        '--build-args',
        `NODE_IMAGE=${NODE_IMAGE}`,
        '--build-args',
        `STATIC_IMAGE=${BUSYBOX_IMAGE}`,
        '--image',
        'msa-cli/example',
      ],
      cwd,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('==> Build production-backend');
    expect(run.stdout).toContain('Tests: 7 passed, 0 failed, 0 skipped');
    expect(run.stdout).toMatch(/target\s+result\s+size\s+build\s+cache\s+tests\s+smoke\s+vulns C\/H\/M\/L\/U\s+pushed/);
    expect(run.stdout).toMatch(
      /production-backend\s+passed\s+[\d.]+ MB\s+[\d.]+s\s+\d+%\s+7\/7 passed\s+passed [\d.]+s\s+0\/0\/0\/0\/0\s+no/,
    );
    expect(run.stdout).toContain(
      `notice: SARIF for production-backend written to ${path.join(cwd, 'trivy-production-backend.sarif')}; upload skipped (not running on GitHub Actions)`,
    );
    expect(fs.existsSync(path.join(cwd, 'trivy-production-backend.sarif'))).toBe(true);
    expect(run.stdout).not.toContain('::');
    const left = docker(
      'ps',
      '-a',
      '--filter',
      `label=com.github.multistage-action=local-${run.pid}`,
      '--format',
      '{{.Names}}',
    );
    expect(left).toBe('');
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  test('a bad flag or value is refused with the list of flags', async () => {
    const bad = await cli(['--targett', 'x'], ROOT);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'unknown argument "--targett"; the flags are the action\'s inputs: --target, --targets',
    );
    const value = await cli(['--target', 'production-backend', '--context', EXAMPLE, '--smoke-timeout', 'soon'], ROOT);
    expect(value.code).toBe(1);
    expect(value.stderr).toContain('error: Input "smoke-timeout": "soon" is not a whole number; use 1-3600');
  });
});
