import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { annotations, runAction, NODE_IMAGE, trivyScanCommands } from './helpers/action.js';
import {
  FakeCacheService,
  FakeGitHubApi,
  FakeReleaseServer,
  FIXTURE_DB,
  FIXTURE_JAVA_DB,
  pathWithoutTrivy,
} from './helpers/servers.js';
import { FlakyRegistry } from './helpers/registry.js';
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

/** A home of its own: an empty ~/.cache/trivy, so Trivy downloads its DBs (from the fixture registry). */
function freshHome(): string {
  return fs.mkdtempSync('/tmp/msa-trivy-home-');
}

const dbFiles = (home: string) =>
  ['db/trivy.db', 'db/metadata.json', 'java-db/trivy-java.db', 'java-db/metadata.json'].filter((f) =>
    fs.existsSync(path.join(home, '.cache', 'trivy', f)),
  );

function reset(): void {
  api.requests.length = 0;
  api.uploads = [{ status: 202, body: { id: 'sarif-1' } }];
  api.statuses = [
    { status: 200, body: { processing_status: 'pending' } },
    { status: 200, body: { processing_status: 'complete' } },
  ];
}

describe('the real Trivy through the bundled action: scan, SARIF, upload, gate', () => {
  test('scans once with the DB the inputs name, uploads the SARIF under multistage/<target>, and reports every finding', async () => {
    reset();
    const run = await scan({ target: 'vulnerable', 'fail-on': '' }, {}, { skipPost: true });
    expect(run.exitCode).toBe(0);
    // What the fixture DB says about what the image holds: Alpine packages, npm packages, a JAR known by its SHA-1.
    expect(JSON.parse(run.outputs.vulnerabilities)).toEqual({ UNKNOWN: 0, LOW: 0, MEDIUM: 2, HIGH: 2, CRITICAL: 3 });
    expect(run.outputs['sarif-id']).toBe('sarif-1');

    // One scan, with the repositories of the inputs, of the image that was built.
    const commands = trivyScanCommands(run.stdout);
    expect(commands).toHaveLength(1);
    const flag = (name: string) => commands[0][commands[0].indexOf(name) + 1];
    expect(flag('--db-repository')).toBe(FIXTURE_DB);
    expect(flag('--java-db-repository')).toBe(FIXTURE_JAVA_DB);
    expect(commands[0]).toContain('--skip-version-check');
    expect(commands[0]).toContain('--disable-telemetry');
    expect(commands[0].at(-1)).toBe('msa-test/scan:vulnerable');

    const [upload] = api.uploadRequests();
    expect(upload.url).toBe('/repos/acme/Shop/code-scanning/sarifs');
    expect(upload.headers.authorization).toBe('token ghs_test_token_value');
    const { payload, sarif } = FakeGitHubApi.sarifOf(upload);
    expect(payload).toMatchObject({
      commit_sha: '0123456789abcdef0123456789abcdef01234567',
      ref: 'refs/heads/main',
      tool_name: 'Trivy',
      // format: uri in GitHub's description: a file:// URL of the checkout, as codeql-action sends.
      checkout_uri: pathToFileURL(process.cwd()).href,
    });
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0].automationDetails).toEqual({ id: 'multistage/vulnerable/' });
    expect((sarif.runs[0] as { tool?: { driver?: { version?: string } } }).tool?.driver?.version).toBe('0.74.0');
    const rules = (sarif.runs[0].results as { ruleId: string }[]).map((r) => r.ruleId).sort();
    expect(rules).toEqual([
      'CVE-2021-23337',
      'CVE-2021-44228',
      'CVE-2021-44906',
      'CVE-2023-42363',
      'CVE-2023-42366',
      'CVE-2023-45853',
      'CVE-2025-26519',
    ]);
    // The file output is what was uploaded, and it is valid SARIF 2.1.0.
    const file = JSON.parse(fs.readFileSync(run.outputs['sarif-file'], 'utf8'));
    expect(sarifSchemaErrors(file)).toBeNull();
    expect(file).toEqual(sarif);
    // Processing was polled until complete.
    expect(api.requests.filter((r) => r.method === 'GET')).toHaveLength(2);

    expect(run.summary).toContain('3C 2H 2M 0L 0U');
    expect(run.summary).toContain('✅ `multistage/vulnerable`');
    expect(run.summary).toContain('[`CVE-2021-44228`](https://avd.aquasec.com/nvd/cve-2021-44228)');
    // The token only ever appears in the add-mask command that hides it.
    expect(run.stdout.replace('::add-mask::ghs_test_token_value', '')).not.toContain('ghs_test_token_value');
    fs.rmSync(path.dirname(run.runnerTemp), { recursive: true, force: true });
  });

  test('fail-on CRITICAL: the findings are uploaded first, then the step fails naming each CVE, nothing pushed', async () => {
    reset();
    const run = await scan({ target: 'vulnerable' });
    expect(run.exitCode).toBe(1);
    expect(api.uploadRequests()).toHaveLength(1);
    expect(run.outputs['sarif-id']).toBe('sarif-1');
    expect(JSON.parse(run.outputs.vulnerabilities)).toMatchObject({ CRITICAL: 3, HIGH: 2 });
    const errors = annotations(run.stdout, 'error').join('\n');
    expect(errors).toContain('3 vulnerabilities at CRITICAL (fail-on) in vulnerable:');
    expect(errors).toMatch(/CVE-2023-45853 \(CRITICAL\) in zlib 1\.3\.1-r0, fixed in 1\.3\.1-r1/);
    expect(errors).toMatch(/CVE-2021-44906 \(CRITICAL\) in minimist 1\.2\.5, fixed in 1\.2\.6/);
    expect(errors).toMatch(/CVE-2021-44228 \(CRITICAL\) in org\.apache\.logging\.log4j:log4j-core 2\.14\.1/);
    expect(run.outputs.pushed).toBe('false');
    expect(run.summary).toContain('### vulnerable: ❌ scan did not pass');
    expect(run.summary).toContain('❌ 3C 2H 2M 0L 0U');
  });

  test('fail-on empty never fails; severity limits what is reported, not what is counted; ignore-unfixed drops the unfixed', async () => {
    reset();
    const run = await scan({ target: 'vulnerable', 'fail-on': '', severity: 'HIGH,CRITICAL' });
    expect(run.exitCode).toBe(0);
    const { sarif } = FakeGitHubApi.sarifOf(api.uploadRequests()[0]);
    expect(sarif.runs[0].results).toHaveLength(5);
    expect(JSON.parse(run.outputs.vulnerabilities)).toMatchObject({ MEDIUM: 2 });
    reset();
    const fixedOnly = await scan({ target: 'vulnerable', 'fail-on': '', 'ignore-unfixed': 'true' });
    expect(fixedOnly.exitCode).toBe(0);
    // CVE-2023-42366 has no fix in Alpine: Trivy itself leaves it out.
    expect(JSON.parse(fixedOnly.outputs.vulnerabilities)).toMatchObject({ MEDIUM: 1 });
  });

  test('an image without known vulnerabilities passes; a category input keeps its own analysis', async () => {
    reset();
    const run = await scan({ category: 'containers/api' });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.outputs.vulnerabilities)).toEqual({ UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 });
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

  test('Trivy failing for real (no DB to be had): a tool failure with its own words, nothing uploaded, nothing left', async () => {
    reset();
    const home = freshHome();
    try {
      const run = await scan({ 'trivy-db-repository': 'localhost:1/nowhere/trivy-db:2' }, { HOME: home });
      expect(run.exitCode).toBe(1);
      const errors = annotations(run.stdout, 'error').join('\n');
      expect(errors).toContain('A tool failed in the scan of healthy: trivy image failed with exit code 1');
      expect(errors).toMatch(/failed to download vulnerability DB|DB error/);
      expect(api.uploadRequests()).toHaveLength(0);
      expect(dbFiles(home)).toEqual([]);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  test('first run on a fresh runner: Trivy downloads the DB and, for the JAR, the Java DB; then shares them; a lost Java DB is fetched again', async () => {
    reset();
    const home = freshHome();
    const registry = new FlakyRegistry({ matches: () => false, status: 500, times: 0 });
    const host = await registry.start();
    const inputs = {
      target: 'vulnerable',
      'upload-sarif': 'false',
      'fail-on': '',
      'trivy-db-repository': `${host}/trivy-fixtures/trivy-db:2`,
      'trivy-java-db-repository': `${host}/trivy-fixtures/trivy-java-db:1`,
    };
    const pulls = () => registry.seen.filter((r) => /^GET \/v2\/trivy-fixtures\/.*\/blobs\//.test(r));
    try {
      const run = await scan(inputs, { HOME: home }, { skipPost: true });
      expect(run.exitCode).toBe(0);
      expect(dbFiles(home)).toEqual([
        'db/trivy.db',
        'db/metadata.json',
        'java-db/trivy-java.db',
        'java-db/metadata.json',
      ]);
      // One download of each DB's layer through the registry, by the one scan that ran alone.
      expect(pulls().filter((r) => r.includes('/trivy-db/'))).toHaveLength(1);
      expect(pulls().filter((r) => r.includes('/trivy-java-db/'))).toHaveLength(1);
      const [first] = trivyScanCommands(run.stdout);
      expect(first).not.toContain('--skip-db-update');
      expect(first).not.toContain('--skip-java-db-update');
      expect(JSON.parse(run.outputs.vulnerabilities)).toMatchObject({ CRITICAL: 3 });

      // Now both are current: the scan shares them and skips both updates; nothing is fetched.
      const before = pulls().length;
      const again = await scan(inputs, { HOME: home }, { skipPost: true });
      expect(again.exitCode).toBe(0);
      expect(trivyScanCommands(again.stdout)[0]).toEqual(
        expect.arrayContaining(['--skip-db-update', '--skip-java-db-update']),
      );
      expect(pulls().length).toBe(before);
      expect(again.stdout).toContain("sharing Trivy's DB");

      // Without the Java DB: Trivy refuses the skip at the JAR, and the scan runs again alone, downloading it.
      fs.rmSync(path.join(home, '.cache', 'trivy', 'java-db'), { recursive: true });
      const third = await scan(inputs, { HOME: home }, { skipPost: true });
      expect(third.exitCode).toBe(0);
      expect(third.stdout).toContain(
        'This image has JARs and there is no Java DB yet: scanning again alone, which downloads it',
      );
      const [skipped, alone] = trivyScanCommands(third.stdout);
      expect(skipped).toContain('--skip-java-db-update');
      expect(alone).not.toContain('--skip-java-db-update');
      expect(pulls().filter((r) => r.includes('/trivy-java-db/'))).toHaveLength(2);
      expect(JSON.parse(third.outputs.vulnerabilities)).toMatchObject({ CRITICAL: 3 });
    } finally {
      await registry.stop();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  test.each([
    [429, 'too many requests'],
    [502, 'a proxy failing'],
  ])('the first DB repository answers %i (%s): Trivy falls back to the next in the list', async (status) => {
    reset();
    const home = freshHome();
    const registry = new FlakyRegistry({
      matches: (_method, url) => url.startsWith('/v2/trivy-fixtures/'),
      status,
      times: Infinity,
    });
    const host = await registry.start();
    try {
      const run = await scan(
        {
          'upload-sarif': 'false',
          'trivy-db-repository': `${host}/trivy-fixtures/trivy-db:2\n${FIXTURE_DB}`,
        },
        { HOME: home },
      );
      expect(run.exitCode).toBe(0);
      expect(registry.failed.length).toBeGreaterThan(0);
      expect(dbFiles(home)).toContain('db/trivy.db');
      expect(trivyScanCommands(run.stdout)[0]).toContain(`${host}/trivy-fixtures/trivy-db:2,${FIXTURE_DB}`);
    } finally {
      await registry.stop();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  test('no trivy on PATH: installs the release from the download URL, checksum verified, and scans with it', async () => {
    reset();
    const release = await new FakeReleaseServer('0.74.0').start();
    try {
      const pathWithout = pathWithoutTrivy();
      const run = await scan(
        { target: 'vulnerable', 'fail-on': '', 'trivy-download-url': release.url },
        { PATH: pathWithout },
      );
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
      expect(trivyScanCommands(run.stdout)[0][0]).toContain(path.join('tool-cache', 'trivy', '0.74.0'));
      expect(JSON.parse(run.outputs.vulnerabilities)).toMatchObject({ CRITICAL: 3 });
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
  test('trivy and its DBs are saved by the first job and restored by the next; the DBs are not fetched again', async () => {
    const cache = await new FakeCacheService(protocol).start();
    const release = await new FakeReleaseServer('0.74.0').start();
    const registry = new FlakyRegistry({ matches: () => false, status: 500, times: 0 });
    const host = await registry.start();
    const dir = fs.mkdtempSync('/tmp/msa-jobs-');
    const shared = {
      HOME: path.join(dir, 'home'),
      RUNNER_TOOL_CACHE: path.join(dir, 'tool-cache'),
    };
    const pathWithout = pathWithoutTrivy();
    const pulls = () => registry.seen.filter((r) => /^GET \/v2\/trivy-fixtures\/.*\/blobs\//.test(r));
    const job = () =>
      scan(
        {
          target: 'vulnerable',
          'fail-on': '',
          'trivy-download-url': release.url,
          'upload-sarif': 'false',
          'trivy-db-repository': `${host}/trivy-fixtures/trivy-db:2`,
          'trivy-java-db-repository': `${host}/trivy-fixtures/trivy-java-db:1`,
        },
        { ...cache.env(), ...shared, PATH: pathWithout },
      );
    try {
      reset();
      const first = await job();
      expect(first.exitCode).toBe(0);
      expect(first.stdout).toMatch(/Installed trivy 0\.74\.0 from /);
      expect(first.stdout).toContain('No cached Trivy DB yet; Trivy downloads it');
      expect(pulls()).toHaveLength(2);
      // @actions/cache spoke the protocol this runner offers.
      const route = protocol === 'v2' ? '/twirp/github.actions.results.api.v1.CacheService/' : '/_apis/artifactcache/';
      expect(cache.requests.filter((r) => r.includes(route)).length).toBeGreaterThanOrEqual(4);
      const keys = cache
        .keys()
        .filter((k) => k.startsWith('multistage-'))
        .sort();
      const today = new Date().toISOString().slice(0, 10);
      // The fixture DB is cached apart from Trivy's default one (its key names where it came from).
      expect(keys).toEqual([
        `multistage-trivy-0.74.0-linux-x64`,
        expect.stringMatching(new RegExp(`^multistage-trivy-db-[0-9a-f]{12}-${today}$`)),
      ]);
      // buildx 0.29 speaks both protocols: BuildKit writes the build cache under the target's scope either way
      // (v2: Twirp calls and Azure blob uploads to the signed URL; v1: the artifactcache REST API).
      expect(annotations(first.stdout, 'warning').filter((w) => w.includes('cache'))).toEqual([]);
      expect(cache.keys().filter((k) => k.startsWith('index-'))).toEqual([expect.stringMatching(/^index-vulnerable-/)]);
      // The next job starts on a fresh runner: empty tool cache, no DB.
      fs.rmSync(shared.RUNNER_TOOL_CACHE, { recursive: true, force: true });
      fs.rmSync(path.join(shared.HOME, '.cache', 'trivy'), { recursive: true, force: true });
      const downloads = release.requests.length;
      const second = await job();
      expect(second.exitCode).toBe(0);
      expect(second.stdout).toContain('Using trivy 0.74.0 restored from the Actions cache');
      expect(second.stdout).toContain(`Restored the Trivy DB from the Actions cache (${keys[1]})`);
      expect(release.requests.length).toBe(downloads);
      // Today's DBs are on disk: both updates are skipped, nothing is fetched from the registry, and the JAR is
      // still found through the restored Java DB.
      expect(trivyScanCommands(second.stdout)[0]).toEqual(
        expect.arrayContaining(['--skip-db-update', '--skip-java-db-update']),
      );
      expect(pulls()).toHaveLength(2);
      expect(JSON.parse(second.outputs.vulnerabilities)).toMatchObject({ CRITICAL: 3 });
    } finally {
      await cache.stop();
      await release.stop();
      await registry.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
