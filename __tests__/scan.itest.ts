import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { annotations, runAction, NODE_IMAGE } from './helpers/action.js';
import { FakeCacheService, FakeGitHubApi, FakeReleaseServer, pathWithoutTrivy } from './helpers/servers.js';
import { sarifSchemaErrors } from './helpers/sarif-schema.js';

const SERVICES = '__tests__/fixtures/services';

let api: FakeGitHubApi;
beforeAll(async () => {
  api = await new FakeGitHubApi().start();
});
afterAll(() => api.stop());

function scan(
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
  options: { skipPost?: boolean } = {},
) {
  return runAction({
    ...options,
    inputs: {
      target: 'healthy',
      context: SERVICES,
      image: 'msa-test/scan',
      'build-args': `NODE_IMAGE=${NODE_IMAGE}`,
      smoke: 'false',
      token: 'ghs_test_token_value',
      ...inputs,
    },
    env: { GITHUB_API_URL: api.url, GITHUB_EVENT_NAME: 'push', ...env },
  });
}

function reset(): void {
  api.requests.length = 0;
  api.uploads = [{ status: 202, body: { id: 'sarif-1' } }];
  api.statuses = [
    { status: 200, body: { processing_status: 'pending' } },
    { status: 200, body: { processing_status: 'complete' } },
  ];
}

describe('scan and SARIF upload through the bundled action', () => {
  test('scans once, uploads the SARIF under multistage/<target>, and reports the counts', async () => {
    reset();
    const log = path.join(fs.mkdtempSync('/tmp/msa-trivy-'), 'argv.jsonl');
    const run = await scan({}, { TRIVY_DOUBLE_LOG: log }, { skipPost: true });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.outputs.vulnerabilities)).toEqual({ UNKNOWN: 0, LOW: 0, MEDIUM: 4, HIGH: 0, CRITICAL: 0 });
    expect(run.outputs['sarif-id']).toBe('sarif-1');

    // One scan, one conversion of that report.
    const calls = fs
      .readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);
    expect(calls.map((c) => c[0])).toEqual(['--version', 'image', 'convert']);
    expect(calls[1].at(-1)).toBe('msa-test/scan:healthy');

    const [upload] = api.uploadRequests();
    expect(upload.url).toBe('/repos/acme/Shop/code-scanning/sarifs');
    expect(upload.headers.authorization).toBe('token ghs_test_token_value');
    const { payload, sarif } = FakeGitHubApi.sarifOf(upload);
    expect(payload).toMatchObject({
      commit_sha: '0123456789abcdef0123456789abcdef01234567',
      ref: 'refs/heads/main',
      tool_name: 'Trivy',
    });
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0].automationDetails).toEqual({ id: 'multistage/healthy/' });
    expect(sarif.runs[0].results).toHaveLength(4);
    // The file output is what was uploaded, and it is valid SARIF 2.1.0.
    const file = JSON.parse(fs.readFileSync(run.outputs['sarif-file'], 'utf8'));
    expect(sarifSchemaErrors(file)).toBeNull();
    expect(file).toEqual(sarif);
    // Processing was polled until complete.
    expect(api.requests.filter((r) => r.method === 'GET')).toHaveLength(2);

    expect(run.summary).toContain('✅ 0C 0H 4M 0L 0U');
    expect(run.summary).toContain('✅ `multistage/healthy`');
    expect(run.summary).toContain('[`CVE-2019-1549`](https://avd.aquasec.com/nvd/cve-2019-1549)');
    // The token only ever appears in the add-mask command that hides it.
    expect(run.stdout.replace('::add-mask::ghs_test_token_value', '')).not.toContain('ghs_test_token_value');
    fs.rmSync(path.dirname(run.runnerTemp), { recursive: true, force: true });
  });

  test('fail-on CRITICAL: the findings are uploaded first, then the step fails naming the CVE, nothing pushed', async () => {
    reset();
    const run = await scan({}, { TRIVY_DOUBLE_REPORT: 'alpine-39-high-critical.json.golden' });
    expect(run.exitCode).toBe(1);
    expect(api.uploadRequests()).toHaveLength(1);
    expect(run.outputs['sarif-id']).toBe('sarif-1');
    expect(JSON.parse(run.outputs.vulnerabilities)).toMatchObject({ CRITICAL: 2 });
    const errors = annotations(run.stdout, 'error').join('\n');
    expect(errors).toContain('2 vulnerabilities at CRITICAL (fail-on) in healthy:');
    expect(errors).toMatch(/CVE-2019-14697 \(CRITICAL\) in musl\S* 1\.1\.20-r4, fixed in 1\.1\.20-r5/);
    expect(run.outputs.pushed).toBe('false');
    expect(run.summary).toContain('### healthy: ❌ scan did not pass');
    expect(run.summary).toContain('❌ 2C 0H 0M 0L 0U');
  });

  test('fail-on empty never fails; severity limits what is reported, not what is counted', async () => {
    reset();
    const run = await scan(
      { 'fail-on': '', severity: 'HIGH,CRITICAL' },
      { TRIVY_DOUBLE_REPORT: 'alpine-39-high-critical.json.golden' },
    );
    expect(run.exitCode).toBe(0);
    const { sarif } = FakeGitHubApi.sarifOf(api.uploadRequests()[0]);
    expect(sarif.runs[0].results).toHaveLength(2);
    reset();
    const medium = await scan({ severity: 'HIGH,CRITICAL' });
    expect(medium.exitCode).toBe(0);
    expect(JSON.parse(medium.outputs.vulnerabilities)).toMatchObject({ MEDIUM: 4 });
    expect(FakeGitHubApi.sarifOf(api.uploadRequests()[0]).sarif.runs[0].results).toHaveLength(0);
  });

  test('a category input keeps its own analysis', async () => {
    reset();
    const run = await scan({ category: 'containers/api' });
    expect(run.exitCode).toBe(0);
    expect(FakeGitHubApi.sarifOf(api.uploadRequests()[0]).sarif.runs[0].automationDetails).toEqual({
      id: 'containers/api/',
    });
  });

  test('403 (code scanning off) is a warning that says how to fix it; the step goes on', async () => {
    reset();
    api.uploads = [
      { status: 403, body: { message: 'Advanced Security must be enabled for this repository to use code scanning.' } },
    ];
    const run = await scan();
    expect(run.exitCode).toBe(0);
    expect(annotations(run.stdout, 'warning').join('\n')).toContain(
      'SARIF for healthy not uploaded (HTTP 403): code scanning is not enabled for this repository',
    );
    expect(run.summary).toContain('⚠️ refused (403)');
  });

  test('403 on a fork pull request names the read-only token', async () => {
    reset();
    api.uploads = [{ status: 403, body: { message: 'Resource not accessible by integration' } }];
    const event = path.join(fs.mkdtempSync('/tmp/msa-event-'), 'event.json');
    fs.writeFileSync(
      event,
      JSON.stringify({
        pull_request: {
          number: 7,
          head: { repo: { full_name: 'someone/shop' } },
          base: { repo: { full_name: 'acme/Shop' } },
        },
      }),
    );
    const run = await scan(
      {},
      { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_REF: 'refs/pull/7/merge' },
    );
    expect(run.exitCode).toBe(0);
    expect(annotations(run.stdout, 'warning').join('\n')).toContain(
      'pull request from a fork, whose token is read-only',
    );
    expect(FakeGitHubApi.sarifOf(api.uploadRequests()[0]).payload.ref).toBe('refs/pull/7/merge');
  });

  test("422 fails the target with GitHub's message", async () => {
    reset();
    api.uploads = [{ status: 422, body: { message: 'Invalid request.\n\nref must be a branch' } }];
    const run = await scan();
    expect(run.exitCode).toBe(1);
    expect(annotations(run.stdout, 'error').join('\n')).toContain(
      'Uploading the SARIF of healthy to code scanning failed (HTTP 422): Invalid request.',
    );
  });

  test.each([
    ['crash', 'A tool failed in the scan of healthy: trivy image failed with exit code 2'],
    ['garbage', "Trivy's scan of msa-test/scan:healthy gave no usable report: Trivy's report is not JSON"],
  ])('trivy %s: a clear message, nothing uploaded', async (mode, message) => {
    reset();
    const run = await scan({}, { TRIVY_DOUBLE_MODE: mode });
    expect(run.exitCode).toBe(1);
    expect(annotations(run.stdout, 'error').join('\n')).toContain(message);
    expect(api.uploadRequests()).toHaveLength(0);
    if (mode === 'crash') expect(run.stdout).toContain('panic: runtime error');
  });

  test('an image with a JAR and no Java DB yet: scanned again alone, which downloads the Java DB', async () => {
    reset();
    const home = fs.mkdtempSync('/tmp/msa-java-home-');
    const log = path.join(home, 'argv.jsonl');
    const run = await scan(
      { 'upload-sarif': 'false', 'fail-on': '' },
      {
        HOME: home,
        TRIVY_DOUBLE_LOG: log,
        TRIVY_DOUBLE_REPORT: path.resolve('__tests__/fixtures/trivy/reports/java-app.json'),
      },
      { skipPost: true },
    );
    expect(run.exitCode).toBe(0);
    const images = fs
      .readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[])
      .filter((a) => a[0] === 'image');
    // A DB of its own, empty: the first scan downloads it alone; the Java DB comes with the JAR.
    expect(images).toHaveLength(1);
    expect(images[0]).not.toContain('--skip-java-db-update');
    expect(fs.existsSync(path.join(home, '.cache', 'trivy', 'java-db', 'metadata.json'))).toBe(true);
    // Now the DB is current and shared: the scan skips the Java DB's update too, and the Java DB is there.
    const again = await scan(
      { 'upload-sarif': 'false', 'fail-on': '' },
      {
        HOME: home,
        TRIVY_DOUBLE_LOG: log,
        TRIVY_DOUBLE_REPORT: path.resolve('__tests__/fixtures/trivy/reports/java-app.json'),
      },
      { skipPost: true },
    );
    expect(again.exitCode).toBe(0);
    // Without one: Trivy refuses the skip at the JAR, and the scan runs again alone, downloading it.
    fs.rmSync(path.join(home, '.cache', 'trivy', 'java-db'), { recursive: true });
    const third = await scan(
      { 'upload-sarif': 'false', 'fail-on': '' },
      {
        HOME: home,
        TRIVY_DOUBLE_LOG: log,
        TRIVY_DOUBLE_REPORT: path.resolve('__tests__/fixtures/trivy/reports/java-app.json'),
      },
      { skipPost: true },
    );
    expect(third.exitCode).toBe(0);
    expect(third.stdout).toContain(
      'This image has JARs and there is no Java DB yet: scanning again alone, which downloads it',
    );
    const last = fs
      .readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[])
      .filter((a) => a[0] === 'image')
      .slice(-2);
    expect(last[0]).toContain('--skip-java-db-update');
    expect(last[1]).not.toContain('--skip-java-db-update');
    expect(fs.existsSync(path.join(home, '.cache', 'trivy', 'java-db', 'metadata.json'))).toBe(true);
    fs.rmSync(home, { recursive: true, force: true });
  });

  test('no trivy on PATH: installs the release from the download URL, checksum verified', async () => {
    reset();
    const release = await new FakeReleaseServer('0.74.0').start();
    try {
      const pathWithout = pathWithoutTrivy();
      const run = await scan({ 'trivy-download-url': release.url }, { PATH: pathWithout });
      expect(
        run.stdout
          .split('\n')
          .filter((l) => l.startsWith('::error'))
          .join('\n') + run.stderr,
      ).toBe('');
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(
        /Installed trivy 0\.74\.0 from http:\/\/127\.0\.0\.1:\d+\/v0\.74\.0\/trivy_0\.74\.0_Linux-64bit\.tar\.gz \(sha256 [0-9a-f]{64}\)/,
      );
      expect(JSON.parse(run.outputs.vulnerabilities)).toMatchObject({ MEDIUM: 4 });
    } finally {
      await release.stop();
    }
  });

  test('no trivy and no way to download it: says what was tried and how to fix it', async () => {
    reset();
    const release = await new FakeReleaseServer('0.74.0').start();
    try {
      const pathWithout = pathWithoutTrivy();
      const run = await scan({ 'trivy-download-url': `${release.url}/missing` }, { PATH: pathWithout });
      expect(run.exitCode).toBe(1);
      const errors = annotations(run.stdout, 'error').join('\n');
      expect(errors).toContain('Trivy 0.74.0 is not available. Tried:');
      expect(errors).toContain('no trivy on PATH');
      expect(errors).toContain('Unexpected HTTP response: 404');
      expect(errors).toContain('or set scan: false');
    } finally {
      await release.stop();
    }
  });
});

describe.each([
  { protocol: 'v2', runners: "github.com's runners" },
  { protocol: 'v1', runners: 'GHES' },
] as const)('across jobs, through the Actions cache service $protocol ($runners)', ({ protocol }) => {
  test('trivy and its DB are saved by the first job and restored by the next; the DB is not fetched again', async () => {
    const cache = await new FakeCacheService(protocol).start();
    const release = await new FakeReleaseServer('0.74.0').start();
    const dir = fs.mkdtempSync('/tmp/msa-jobs-');
    const shared = {
      HOME: path.join(dir, 'home'),
      RUNNER_TOOL_CACHE: path.join(dir, 'tool-cache'),
      TRIVY_DOUBLE_LOG: path.join(dir, 'argv.jsonl'),
    };
    const pathWithout = pathWithoutTrivy();
    const job = () =>
      scan(
        { 'trivy-download-url': release.url, 'upload-sarif': 'false' },
        { ...cache.env(), ...shared, PATH: pathWithout },
      );
    try {
      reset();
      const first = await job();
      expect(first.exitCode).toBe(0);
      expect(first.stdout).toMatch(/Installed trivy 0\.74\.0 from /);
      expect(first.stdout).toContain('No cached Trivy DB yet; Trivy downloads it');
      const today = new Date().toISOString().slice(0, 10);
      // @actions/cache spoke the protocol this runner offers.
      const route = protocol === 'v2' ? '/twirp/github.actions.results.api.v1.CacheService/' : '/_apis/artifactcache/';
      expect(cache.requests.filter((r) => r.includes(route)).length).toBeGreaterThanOrEqual(4);
      expect(
        cache
          .keys()
          .filter((k) => k.startsWith('multistage-'))
          .sort(),
      ).toEqual([`multistage-trivy-0.74.0-linux-x64`, `multistage-trivy-db-${today}`]);
      // buildx 0.29 speaks both protocols: BuildKit writes the build cache under the target's scope either way
      // (v2: Twirp calls and Azure blob uploads to the signed URL; v1: the artifactcache REST API).
      expect(annotations(first.stdout, 'warning').filter((w) => w.includes('cache'))).toEqual([]);
      expect(cache.keys().filter((k) => k.startsWith('index-'))).toEqual([expect.stringMatching(/^index-healthy-/)]);
      // The next job starts on a fresh runner: empty tool cache, no DB.
      fs.rmSync(shared.RUNNER_TOOL_CACHE, { recursive: true, force: true });
      fs.rmSync(path.join(shared.HOME, '.cache', 'trivy'), { recursive: true, force: true });
      const downloads = release.requests.length;
      const second = await job();
      expect(second.exitCode).toBe(0);
      expect(second.stdout).toContain('Using trivy 0.74.0 restored from the Actions cache');
      expect(second.stdout).toContain(`Restored the Trivy DB from the Actions cache (multistage-trivy-db-${today})`);
      expect(release.requests.length).toBe(downloads);
      const scans = fs
        .readFileSync(shared.TRIVY_DOUBLE_LOG, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as string[])
        .filter((a) => a[0] === 'image');
      expect(scans[0]).not.toContain('--skip-db-update');
      // Today's DB is on disk: its update is skipped and the scan shares it. No Java DB was cached (no JAR in the
      // image): its update is skipped too; an image with a JAR would be told so by Trivy and scanned again alone.
      expect(scans[1]).toContain('--skip-db-update');
      expect(scans[1]).toContain('--skip-java-db-update');
    } finally {
      await cache.stop();
      await release.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
