import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { execute, overallFailure, reportStop } from '../src/main.js';
import { readContext, type RunContext } from '../src/context.js';
import { StateCleanup } from '../src/state.js';
import type { AnnotationProps, Ui } from '../src/ui.js';
import type { Clock } from '../src/runtime.js';
import type { CodeScanningApi } from '../src/sarif/upload.js';
import type { TargetReport } from '../src/report/types.js';
import {
  buildFails,
  buildSucceeds,
  containerState,
  flag,
  imageInspect,
  isDocker,
  StubRunner,
  type Call,
} from './helpers/stub-runner.js';
import { ROOT, SHARED_FIXTURES } from './helpers/servers.js';

/**
 * The pipeline's composition, without Docker: a stub runner answers exactly the calls each case plans (any other
 * call throws), a stub code scanning API and Trivy setup; the health endpoint is a real local server. Which phase is
 * blamed, what runs alongside what, one target's failure isolated from the others, and cleanup after each kind of
 * failure.
 */

const DOCKERFILE = `FROM busybox AS base
FROM base AS web
EXPOSE 8080
FROM base AS api
EXPOSE 8080
FROM scratch AS tests
`;
const SHA = '0123456789abcdef0123456789abcdef01234567';
const GOLDEN = path.join(SHARED_FIXTURES, 'trivy', 'alpine-310.json.golden');
const CRITICAL = path.join(SHARED_FIXTURES, 'trivy', 'alpine-39-high-critical.json.golden');

let health: http.Server;
let healthPort = 0;
beforeAll(async () => {
  health = http.createServer((req, res) => {
    res.writeHead(req.url === '/health' ? 200 : 404);
    res.end();
  });
  await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
  healthPort = (health.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => health.close(() => resolve())));

interface Said {
  kind: 'info' | 'debug' | 'notice' | 'warning' | 'error' | 'group';
  text: string;
  props?: AnnotationProps;
}

function recordingUi(said: Said[]): Ui {
  return {
    info: (m) => void said.push({ kind: 'info', text: m }),
    debug: (m) => void said.push({ kind: 'debug', text: m }),
    notice: (m, props) => void said.push({ kind: 'notice', text: m, props }),
    warning: (m, props) => void said.push({ kind: 'warning', text: m, props }),
    error: (m, props) => void said.push({ kind: 'error', text: m, props }),
    group: async (name, fn) => {
      said.push({ kind: 'group', text: name });
      return fn();
    },
    secret: () => undefined,
  };
}

/** Time that moves only when the road sleeps: the stability window and poll intervals cost nothing. */
function fakeClock(): Clock {
  let now = 1_750_000_000_000;
  return { now: () => now, sleep: async (ms) => void (now += ms) };
}

interface World {
  stub: StubRunner;
  ctx: RunContext;
  uploads: string[];
  api: CodeScanningApi;
  /** Resolved when `trivy image` is called. */
  scanStarted: Promise<void>;
}

/** A runner, workspace and API that let every phase pass; each case changes what it attacks. */
function world(): World {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-pipeline-'));
  fs.writeFileSync(path.join(workspace, 'Dockerfile'), DOCKERFILE);
  const runnerTemp = path.join(workspace, '.runner-temp');
  let markScan: () => void = () => undefined;
  const scanStarted = new Promise<void>((resolve) => (markScan = resolve));
  const uploads: string[] = [];
  let containers = 0;
  const stub = new StubRunner()
    .on('engine', isDocker('version'), () => ({ stdout: 'linux/amd64\n' }))
    .on('buildx', isDocker('buildx', 'version'), () => ({ stdout: 'github.com/docker/buildx v0.29.1 abc\n' }))
    // Asked when pushing: the engine's own builder on the classic image store (docker push, no attestations).
    .on('builder', isDocker('buildx', 'inspect'), () => ({ stdout: 'Name: default\nDriver: docker\n' }))
    .on('store', isDocker('info'), () => ({ stdout: '[["Backing Filesystem","extfs"]]\n' }))
    .on('build', isDocker('buildx', 'build'), buildSucceeds())
    .on('inspect image', isDocker('image', 'inspect'), imageInspect('sha256:aaa'))
    // The analysis reads the image's layers as a stream; an empty archive is an image without layers.
    .on('save', isDocker('image', 'save'), (c) => (c.options.output?.end(), {}))
    .on('run', isDocker('run'), () => ({ stdout: `container-${++containers}\n` }))
    .on('port', isDocker('port'), () => ({ stdout: `127.0.0.1:${healthPort}\n` }))
    .on('state', isDocker('container', 'inspect'), containerState({}))
    .on('rm', isDocker('rm'), () => ({}))
    .on(
      'trivy image',
      (c) => c.command === 'trivy' && c.args[0] === 'image',
      (c) => {
        markScan();
        fs.copyFileSync(GOLDEN, flag(c.args, '--output') as string);
        return {};
      },
    )
    .on(
      'trivy convert',
      (c) => c.command === 'trivy' && c.args[0] === 'convert',
      (c) => {
        const cyclonedx = flag(c.args, '--format') === 'cyclonedx';
        fs.copyFileSync(
          path.join(SHARED_FIXTURES, 'trivy', cyclonedx ? 'npm-cyclonedx.json.golden' : 'alpine-310.sarif.golden'),
          flag(c.args, '--output') as string,
        );
        return {};
      },
    )
    .on('push', isDocker('push'), (c) => ({ stdout: `${c.args[1]}: digest: sha256:${'e'.repeat(64)} size: 528\n` }));
  const ctx: RunContext = {
    ...readContext({}),
    workspace,
    runnerTemp,
    onGitHub: true,
    repository: 'acme/shop',
    sha: SHA,
    ref: 'refs/heads/main',
    runId: 'run-1',
  };
  const api: CodeScanningApi = {
    uploadSarif: async (_owner, _repo, payload) => {
      uploads.push(payload.ref);
      return { id: `sarif-${uploads.length}` };
    },
    getSarif: async () => ({ processing_status: 'complete' }),
  };
  return { stub, ctx, uploads, api, scanStarted };
}

interface Outcome {
  reports: TargetReport[];
  said: Said[];
  outputs: Record<string, string>;
  cleanup: StateCleanup;
  failure?: string;
}

async function road(w: World, inputs: Record<string, string>, options: { dbFresh?: boolean } = {}): Promise<Outcome> {
  const said: Said[] = [];
  const outputs: Record<string, string> = {};
  const cleanup = new StateCleanup(() => undefined);
  const reports = await execute({
    read: (name) => ({ 'upload-sarif': 'true', token: 't', checks: 'false', ...inputs })[name],
    ctx: w.ctx,
    run: w.stub.run,
    ui: recordingUi(said),
    cleanup,
    setOutput: (name, value) => void (outputs[name] = value),
    writeSummary: async () => undefined,
    clock: fakeClock(),
    trivy: async () => ({
      trivy: 'trivy',
      cacheDir: w.ctx.runnerTemp,
      db: { fresh: options.dbFresh ?? false, save: async () => undefined },
      notes: [],
    }),
    codeScanning: async () => w.api,
  });
  return { reports, said, outputs, cleanup, failure: overallFailure(reports) };
}

/** Every container started was removed, and the post step has nothing left to do. */
function expectCleanedUp(w: World, outcome: Outcome): void {
  const started = w.stub.named('docker', 'run').map((c) => flag(c.args, '--name'));
  const removed = w.stub.named('docker', 'rm').map((c) => c.args.at(-1));
  expect(removed.sort()).toEqual(started.sort());
  expect([...outcome.cleanup.containers]).toEqual([]);
  const left = fs.readdirSync(w.ctx.runnerTemp).flatMap((d) => fs.readdirSync(path.join(w.ctx.runnerTemp, d)));
  expect(
    left.filter((entry) => !/^(trivy-.*\.sarif|sbom-.*\.cdx\.json)$/.test(entry) && entry !== 'test-results'),
  ).toEqual([]);
}

const buildOf = (target: string) => (c: Call) => isDocker('buildx', 'build')(c) && flag(c.args, '--target') === target;

describe('the road, composed', () => {
  test('every phase passes: built, smoke-tested with the scan alongside, uploaded, pushed, in that order', async () => {
    const w = world();
    // The smoke test cannot start its container before the scan has started: if they ran one after the other,
    // this would wait forever (the test times out).
    w.stub.on('run', isDocker('run'), async () => {
      await w.scanStarted;
      return { stdout: 'container-1\n' };
    });
    const outcome = await road(w, { target: 'web', push: 'true' });
    expect(outcome.failure).toBeUndefined();
    const [report] = outcome.reports;
    expect(report).toMatchObject({
      target: 'web',
      build: { imageId: 'sha256:aaa', tags: ['acme/shop:web', 'acme/shop:web-0123456'], steps: 1, cached: 1 },
      smoke: { status: 'passed', hostPort: healthPort, containerPort: 8080 },
      scan: { status: 'scanned', counts: { MEDIUM: 4 } },
      upload: { status: 'uploaded', sarifId: 'sarif-1', processing: 'complete' },
      pushed: true,
      pushDigest: `sha256:${'e'.repeat(64)}`,
    });
    const order = w.stub.calls.map((c) => `${c.command} ${c.args[0]}${c.args[0] === 'buildx' ? ` ${c.args[1]}` : ''}`);
    expect(order.indexOf('docker buildx build')).toBeLessThan(order.indexOf('trivy image'));
    expect(order.indexOf('docker push')).toBeGreaterThan(order.indexOf('trivy convert'));
    expect(w.uploads).toEqual(['refs/heads/main']);
    // The log reads in the order of the road: the scan's and the analysis's groups after the smoke test's.
    const groups = outcome.said.filter((s) => s.kind === 'group').map((s) => s.text);
    expect(groups).toEqual([
      'Build web',
      'Smoke test web',
      'Scan web',
      'Analysis of web',
      'Upload SARIF of web',
      'Push web',
      'Code scanning processing of web',
    ]);
    expect(outcome.outputs.pushed).toBe('true');
    expectCleanedUp(w, outcome);
  });

  test.each([
    {
      case: 'a Dockerfile step that fails',
      change: (w: World) => w.stub.on('build', isDocker('buildx', 'build'), buildFails(7)),
      kind: 'gate',
      phase: 'build',
      message: 'The build of web did not pass: Building target "web" failed at [web 2/2] RUN make (Dockerfile line 7)',
    },
    {
      case: 'buildx that cannot run at all',
      change: (w: World) => w.stub.on('build', isDocker('buildx', 'build'), () => ({ exitCode: 1, stderr: '' })),
      kind: 'tool',
      phase: 'build',
      message: 'A tool failed in the build of web: docker buildx build failed with exit code 1',
    },
    {
      case: 'the engine answering something the action cannot read',
      change: (w: World) => w.stub.on('inspect image', isDocker('image', 'inspect'), () => ({ stdout: 'not json' })),
      kind: 'bug',
      phase: 'build',
      message: 'Bug in multistage-action in the build of web: SyntaxError:',
    },
    {
      case: 'a container that exits at once',
      change: (w: World) => {
        w.stub.on('port', isDocker('port'), () => ({ exitCode: 1, stderr: 'no public port' }));
        w.stub.on(
          'state',
          isDocker('container', 'inspect'),
          containerState({ Status: 'exited', Running: false, ExitCode: 3 }),
        );
        w.stub.on('logs', isDocker('logs'), () => ({ stdout: 'fatal: no config\n' }));
      },
      kind: 'gate',
      phase: 'smoke',
      message: 'The smoke test of web did not pass: the container exited with code 3 before it was healthy',
    },
    {
      case: 'docker run refused',
      change: (w: World) =>
        w.stub.on('run', isDocker('run'), () => ({
          exitCode: 125,
          stderr: 'docker: Error response from daemon: no space left',
        })),
      kind: 'tool',
      phase: 'smoke',
      message: 'A tool failed in the smoke test of web: docker run failed with exit code 125',
    },
    {
      case: 'Trivy crashing',
      change: (w: World) =>
        w.stub.on(
          'trivy image',
          (c) => c.command === 'trivy' && c.args[0] === 'image',
          () => ({ exitCode: 2, stderr: 'panic: nil map' }),
        ),
      kind: 'tool',
      phase: 'scan',
      message: 'A tool failed in the scan of web: trivy image failed with exit code 2:\npanic: nil map',
    },
    {
      case: 'findings at fail-on (after the upload)',
      change: (w: World) =>
        w.stub.on(
          'trivy image',
          (c) => c.command === 'trivy' && c.args[0] === 'image',
          (c) => {
            fs.copyFileSync(CRITICAL, flag(c.args, '--output') as string);
            return {};
          },
        ),
      kind: 'gate',
      phase: 'scan',
      message: 'The scan of web did not pass: 2 vulnerabilities at CRITICAL (fail-on) in web',
      uploaded: true,
    },
    {
      case: 'code scanning refusing the SARIF (422)',
      change: (w: World) => {
        w.api.uploadSarif = async () => {
          throw Object.assign(new Error('Invalid request'), { status: 422 });
        };
      },
      kind: 'tool',
      phase: 'upload',
      message:
        'A tool failed in the SARIF upload of web: Uploading the SARIF of web to code scanning failed (HTTP 422): Invalid request',
    },
    {
      case: 'a client that breaks inside',
      change: (w: World) => {
        w.api.getSarif = async () => {
          throw new TypeError("Cannot read properties of undefined (reading 'processing_status')");
        };
      },
      kind: 'bug',
      phase: 'upload',
      message:
        "Bug in multistage-action in the SARIF upload of web: TypeError: Cannot read properties of undefined (reading 'processing_status')",
      uploaded: true,
      // Code scanning's processing is awaited alongside the push: the push went on, the step still fails.
      pushedAnyway: true,
    },
    {
      case: 'a registry refusing the push',
      change: (w: World) =>
        w.stub.on('push', isDocker('push'), () => ({
          exitCode: 1,
          stderr: 'denied: requested access to the resource is denied',
        })),
      kind: 'tool',
      phase: 'push',
      message: 'A tool failed in the push of web: Pushing acme/shop:web failed (nothing was pushed)',
      uploaded: true,
      // Tried once: a refusal is not retried.
      pushes: 1,
    },
    {
      case: 'a tag that no longer names the tested image',
      change: (w: World) => {
        let inspections = 0;
        w.stub.on('inspect image', isDocker('image', 'inspect'), () =>
          imageInspect(++inspections === 1 ? 'sha256:aaa' : 'sha256:bbb')({} as Call),
        );
      },
      kind: 'gate',
      phase: 'push',
      message:
        'The push of web did not pass: Not pushing acme/shop:web: it now names sha256:bbb, not the tested image sha256:aaa',
      uploaded: true,
      // Compared before any push: nothing reaches the registry.
      pushes: 0,
    },
  ] as {
    case: string;
    change: (w: World) => void;
    kind: string;
    phase: string;
    message: string;
    uploaded?: boolean;
    pushedAnyway?: boolean;
    /** For a failure in the push phase: how many `docker push` were tried. */
    pushes?: number;
  }[])(
    '$case: blamed on $phase as a $kind, and cleaned up',
    async ({ change, kind, phase, message, uploaded, pushedAnyway, pushes }) => {
      const w = world();
      change(w);
      const outcome = await road(w, { target: 'web', push: 'true' });
      const [report] = outcome.reports;
      expect(report.failure).toMatchObject({ kind, phase });
      expect(report.failure?.message).toContain(message);
      expect(outcome.failure).toBe(report.failure?.message);
      expect(report.pushed).toBe(Boolean(pushedAnyway));
      expect(w.uploads.length > 0).toBe(Boolean(uploaded));
      if (pushedAnyway) {
        expect(w.stub.named('docker', 'push').length).toBeGreaterThan(0);
        expect(outcome.said.filter((s) => /^Nothing pushed for web: /.test(s.text))).toEqual([]);
      } else if (phase === 'push') {
        expect(pushes).toBeDefined();
        expect(w.stub.named('docker', 'push')).toHaveLength(pushes as number);
      } else {
        expect(w.stub.named('docker', 'push')).toEqual([]);
        expect(outcome.said).toContainEqual({
          kind: 'warning',
          text: expect.stringMatching(/^Nothing pushed for web: /),
        });
      }
      if (kind === 'bug') {
        const stack = outcome.said.find((s) => s.text.startsWith(`Stack of the bug in the ${phase} of web:`));
        expect(stack?.text).toMatch(/\n\s+at /);
      }
      expectCleanedUp(w, outcome);
    },
  );

  test('tests that fail stop every target before anything is built for it', async () => {
    const w = world();
    w.stub.on(
      'test stage',
      buildOf('tests'),
      buildSucceeds({
        export: {
          'junit.xml':
            '<testsuites><testcase name="a"/><testcase name="b"><failure message="boom"/></testcase></testsuites>',
        },
      }),
    );
    const outcome = await road(w, { targets: 'web,api', 'test-target': 'tests', push: 'true' });
    for (const report of outcome.reports) {
      expect(report.failure).toMatchObject({ kind: 'gate', phase: 'test' });
      expect(report.failure?.message).toContain('The test stage of tests did not pass: 1 of 2 tests failed');
      expect(report.tests?.totals).toEqual({ total: 2, passed: 1, failed: 1, skipped: 0 });
      expect(report.build).toBeUndefined();
    }
    expect(w.stub.named('docker', 'buildx', 'build').map((c) => flag(c.args, '--target'))).toEqual(['tests']);
    expect(w.stub.calls.filter((c) => c.command === 'trivy')).toEqual([]);
    expect(outcome.failure).toBe('2 of 2 targets failed: web (test: gate), api (test: gate)');
    expectCleanedUp(w, outcome);
  });

  describe('build checks (docker buildx build --call check) before anything is built', () => {
    // buildx 0.29.1's JSON for __tests__/fixtures/lint/Dockerfile, as it printed it (recorded).
    const warnings = fs.readFileSync(path.join(SHARED_FIXTURES, 'buildx-check-lint.json'), 'utf8');
    const isCheck = (c: Call) => isDocker('buildx', 'build')(c) && c.args.includes('--call');
    // buildx 0.29.1's metadata for the same Dockerfile built with BUILDX_METADATA_WARNINGS=1 (recorded).
    const recordedMetadata = JSON.parse(
      fs.readFileSync(
        path.join(ROOT, '__tests__', 'fixtures', 'recorded', 'buildx-0.29.1-metadata-warnings.json'),
        'utf8',
      ),
    ) as Record<string, unknown>;
    /** Builds that succeed, writing the recorded warnings into their metadata, as buildx does when asked. */
    const buildsWarning = (w: World) =>
      w.stub.on('build', isDocker('buildx', 'build'), async (c) => {
        const result = await buildSucceeds()(c);
        const file = flag(c.args, '--metadata-file') as string;
        if (c.options.env?.BUILDX_METADATA_WARNINGS === '1') {
          fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), ...recordedMetadata }));
        }
        return { ...result, stderr: `#0 building with "default" instance using docker driver\n${result.stderr ?? ''}` };
      });

    test('warn: read from the builds themselves (no extra call); each warning once, on its line; the road goes on', async () => {
      const w = world();
      buildsWarning(w);
      const outcome = await road(w, { targets: 'web,api', checks: 'warn' });
      expect(outcome.failure).toBeUndefined();
      expect(w.stub.calls.filter(isCheck)).toEqual([]);
      // Told in their own group after the targets'.
      expect(outcome.said.filter((s) => s.kind === 'group').at(-1)?.text).toBe('Build checks');
      const annotations = outcome.said.filter((s) => s.kind === 'warning' && s.props?.title?.startsWith('Build check'));
      expect(annotations.map((s) => [s.props?.title, s.props?.file, s.props?.startLine])).toEqual([
        ["Build check FromAsCasing: The 'as' keyword should match the case of the 'from' keyword", 'Dockerfile', 3],
        [
          'Build check SecretsUsedInArgOrEnv: Sensitive data should not be used in the ARG or ENV commands',
          'Dockerfile',
          4,
        ],
        [
          'Build check JSONArgsRecommended: JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals',
          'Dockerfile',
          5,
        ],
      ]);
      expect(outcome.said).toContainEqual({
        kind: 'info',
        text: expect.stringMatching(
          /^ {2}- FromAsCasing \(line 3\): 'as' and 'FROM' keywords' casing do not match \[web, api\]/,
        ),
      });
    });

    test.each([
      ['26.1.5', '', true],
      ['26.1.5', '# syntax=docker/dockerfile:1\n', false],
      ['27.0.0', '', false],
    ])('warn, engine %s, directive %j: a frontend that cannot lint said once: %s', async (version, directive, said) => {
      const w = world();
      fs.writeFileSync(path.join(w.ctx.workspace, 'Dockerfile'), `${directive}${DOCKERFILE}`);
      w.stub.on('engine', isDocker('version'), () => ({ stdout: `linux/amd64 ${version}\n` }));
      w.stub.on('build', isDocker('buildx', 'build'), async (c) => {
        const result = await buildSucceeds()(c);
        return { ...result, stderr: `#0 building with "default" instance using docker driver\n${result.stderr ?? ''}` };
      });
      const outcome = await road(w, { targets: 'web,api', checks: 'warn' });
      const notices = outcome.said.filter((s) => s.kind === 'notice' && s.text.startsWith('Build checks skipped'));
      expect(notices).toHaveLength(said ? 1 : 0);
    });
    test('error: any warning stops every target before its build, as the build gate', async () => {
      const w = world();
      w.stub.on('check', isCheck, () => ({ exitCode: 1, stdout: warnings }));
      const outcome = await road(w, { targets: 'web,api', checks: 'error', push: 'true' });
      for (const report of outcome.reports) {
        expect(report.failure).toMatchObject({ kind: 'gate', phase: 'build' });
        expect(report.failure?.message).toContain('3 build check warnings (checks: error)');
        expect(report.failure?.message).toContain('FromAsCasing (line 3)');
        expect(report.build).toBeUndefined();
      }
      expect(w.stub.calls.filter((c) => isDocker('buildx', 'build')(c) && !isCheck(c))).toEqual([]);
      expect(w.stub.named('docker', 'push')).toEqual([]);
      expectCleanedUp(w, outcome);
    });
    test('a frontend that cannot lint: said once, and the road goes on', async () => {
      const w = world();
      w.stub.on('check', isCheck, () => ({ exitCode: 1, stderr: 'ERROR: unknown request type check' }));
      const outcome = await road(w, { targets: 'web,api', checks: 'error' });
      expect(outcome.failure).toBeUndefined();
      expect(outcome.said.filter((s) => s.kind === 'notice' && s.text.startsWith('Build checks skipped'))).toHaveLength(
        1,
      );
    });
    test('false: no check at all, neither a --call build nor warnings asked of the builds', async () => {
      const w = world();
      // Builds that would write the recorded warnings if asked (BUILDX_METADATA_WARNINGS=1), as `warn` asks.
      buildsWarning(w);
      const outcome = await road(w, { target: 'web', checks: 'false' });
      expect(outcome.failure).toBeUndefined();
      expect(w.stub.calls.filter(isCheck)).toEqual([]);
      const builds = w.stub.calls.filter((c) => isDocker('buildx', 'build')(c));
      expect(builds.length).toBeGreaterThan(0);
      for (const build of builds) expect(build.options.env?.BUILDX_METADATA_WARNINGS).toBeUndefined();
      expect(outcome.said.filter((s) => s.props?.title?.startsWith('Build check'))).toEqual([]);
      expect(outcome.said.filter((s) => s.kind === 'group' && s.text === 'Build checks')).toEqual([]);
    });
  });

  test("one target's failure stops that target only: the other is built, tested, scanned and pushed", async () => {
    const w = world();
    w.stub.on('build', buildOf('web'), buildFails());
    const outcome = await road(w, { targets: 'web,api', push: 'true' });
    const [web, api] = outcome.reports;
    expect(web.failure).toMatchObject({ kind: 'gate', phase: 'build' });
    expect(api.failure).toBeUndefined();
    expect(api).toMatchObject({ smoke: { status: 'passed' }, scan: { status: 'scanned' }, pushed: true });
    expect(w.stub.named('docker', 'push').map((c) => c.args[1])).toEqual(['acme/shop:api', 'acme/shop:api-0123456']);
    expect(outcome.failure).toBe('1 of 2 targets failed: web (build: gate)');
    expect(JSON.parse(outcome.outputs.pushed)).toEqual({ web: false, api: true });
    expectCleanedUp(w, outcome);
  });

  test('analysis: false reads no layers: no image save, no analysis group, the budget still applies', async () => {
    const w = world();
    const outcome = await road(w, { target: 'web', analysis: 'false', 'max-image-size': '1000' });
    expect(w.stub.named('docker', 'image', 'save')).toEqual([]);
    expect(outcome.said.filter((s) => s.kind === 'group').map((s) => s.text)).not.toContain('Analysis of web');
    expect(outcome.reports[0].analysis).toBeUndefined();
    expect(outcome.reports[0].failure).toMatchObject({ kind: 'gate', phase: 'build' });
    expect(outcome.reports[0].failure?.message).toContain('over max-image-size');
  });

  test('a smoke failure still shows the scan, which is not uploaded', async () => {
    const w = world();
    w.stub.on('state', isDocker('container', 'inspect'), containerState({ Health: { Status: 'unhealthy', Log: [] } }));
    w.stub.on('logs', isDocker('logs'), () => ({ stdout: '' }));
    health.removeAllListeners('request');
    health.on('request', (_req, res) => {
      res.writeHead(503);
      res.end();
    });
    try {
      const outcome = await road(w, { target: 'web' });
      expect(outcome.reports[0].failure).toMatchObject({ kind: 'gate', phase: 'smoke' });
      expect(outcome.reports[0].scan).toMatchObject({ status: 'scanned', counts: { MEDIUM: 4 } });
      expect(w.uploads).toEqual([]);
      expectCleanedUp(w, outcome);
    } finally {
      health.removeAllListeners('request');
      health.on('request', (req, res) => {
        res.writeHead(req.url === '/health' ? 200 : 404);
        res.end();
      });
    }
  });
});

describe('several targets at once (parallel)', () => {
  /** Each group's lines, by the group they were said in (lines before any group under ''). */
  function byGroup(said: Said[]): { group: string; lines: string[] }[] {
    const groups: { group: string; lines: string[] }[] = [{ group: '', lines: [] }];
    for (const s of said) {
      if (s.kind === 'group') groups.push({ group: s.text, lines: [] });
      else groups[groups.length - 1].lines.push(s.text);
    }
    return groups;
  }

  /** A build that answers only when every target's build has started: a road taking targets in turn never ends. */
  function buildsMeet(w: World, targets: string[]): { started: string[] } {
    const started: string[] = [];
    let meet: () => void = () => undefined;
    const met = new Promise<void>((resolve) => (meet = resolve));
    w.stub.on('build', isDocker('buildx', 'build'), async (c) => {
      started.push(flag(c.args, '--target') as string);
      if (targets.every((t) => started.includes(t))) meet();
      await met;
      return buildSucceeds()(c);
    });
    return { started };
  }

  test("builds run at the same time; each target's log is told in one piece, its groups in the road's order", async () => {
    const w = world();
    const { started } = buildsMeet(w, ['web', 'api']);
    const outcome = await road(w, { targets: 'web,api', push: 'true' });
    expect(started.sort()).toEqual(['api', 'web']);
    expect(outcome.reports.map((r) => [r.target, r.pushed, r.failure])).toEqual([
      ['web', true, undefined],
      ['api', true, undefined],
    ]);
    const groups = byGroup(outcome.said);
    expect(groups[0].lines).toContainEqual(
      expect.stringMatching(/^Taking 2 targets down the road at once: web, api\./),
    );
    const owner = (name: string) => /(web|api)$/.exec(name)?.[1];
    const order = groups.slice(1).map((g) => owner(g.group));
    // One target's groups, then the other's: never mixed.
    const first = order[0];
    const switched = order.findIndex((t) => t !== first);
    expect(order.slice(switched).every((t) => t !== first)).toBe(true);
    for (const target of ['web', 'api']) {
      expect(groups.filter((g) => owner(g.group) === target).map((g) => g.group)).toEqual([
        `Build ${target}`,
        `Smoke test ${target}`,
        `Scan ${target}`,
        `Analysis of ${target}`,
        `Upload SARIF of ${target}`,
        `Push ${target}`,
        `Code scanning processing of ${target}`,
      ]);
    }
    // What a group holds is its own target's: no line naming the other target lands in it.
    for (const g of groups.slice(1)) {
      const other = owner(g.group) === 'web' ? 'api' : 'web';
      expect(g.lines.filter((line) => line.includes(`:${other}`) || line.includes(` ${other} `))).toEqual([]);
    }
    expectCleanedUp(w, outcome);
  });

  test("a failing target stops only itself while the other's build is in flight", async () => {
    const w = world();
    buildsMeet(w, ['web', 'api']);
    w.stub.on(
      'smoke run of web',
      (c) => isDocker('run')(c) && Boolean(flag(c.args, '--name')?.startsWith('multistage-web-')),
      () => ({
        exitCode: 125,
        stderr: 'docker: Error response from daemon: failed to create task',
      }),
    );
    const outcome = await road(w, { targets: 'web,api', push: 'true' });
    const [web, api] = outcome.reports;
    expect(web.failure).toMatchObject({ phase: 'smoke' });
    expect(api).toMatchObject({ pushed: true, smoke: { status: 'passed' } });
    expect(w.stub.named('docker', 'push').map((c) => c.args[1])).toEqual(['acme/shop:api', 'acme/shop:api-0123456']);
    expect(outcome.said).toContainEqual({ kind: 'warning', text: expect.stringMatching(/^Nothing pushed for web: /) });
    expectCleanedUp(w, outcome);
  });

  test('parallel: 1 takes the targets in turn, each told as it goes', async () => {
    const w = world();
    const events: string[] = [];
    w.stub.on('build', isDocker('buildx', 'build'), async (c) => {
      const target = flag(c.args, '--target');
      events.push(`start ${target}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      events.push(`end ${target}`);
      return buildSucceeds()(c);
    });
    const outcome = await road(w, { targets: 'web,api', parallel: '1' });
    expect(events).toEqual(['start web', 'end web', 'start api', 'end api']);
    expect(outcome.said.some((s) => s.text.startsWith('Taking '))).toBe(false);
    expect(outcome.reports.every((r) => r.failure === undefined)).toBe(true);
  });

  test('parallel: 2 of 3 targets: never more than two builds in flight', async () => {
    const w = world();
    w.ctx = { ...w.ctx };
    fs.writeFileSync(path.join(w.ctx.workspace, 'Dockerfile'), `${DOCKERFILE}FROM base AS worker\nEXPOSE 8080\n`);
    let inFlight = 0;
    let most = 0;
    w.stub.on('build', isDocker('buildx', 'build'), async (c) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      return buildSucceeds()(c);
    });
    const outcome = await road(w, { targets: 'web,api,worker', parallel: '2' });
    expect(most).toBe(2);
    expect(outcome.said.find((s) => s.text.startsWith('Taking '))?.text).toMatch(
      /^Taking 3 targets down the road 2 at a time/,
    );
    expect(outcome.reports.map((r) => r.failure)).toEqual([undefined, undefined, undefined]);
  });

  test('Trivy: the scan that may download the DB runs alone; the others then share it, at once', async () => {
    const w = world();
    fs.writeFileSync(path.join(w.ctx.workspace, 'Dockerfile'), `${DOCKERFILE}FROM base AS worker\nEXPOSE 8080\n`);
    const events: string[] = [];
    let scanning = 0;
    let most = 0;
    w.stub.on(
      'trivy image',
      (c) => c.command === 'trivy' && c.args[0] === 'image',
      async (c) => {
        const target = (c.args.at(-1) as string).split(':').at(-1);
        const shares = c.args.includes('--skip-db-update');
        events.push(`${target} ${shares ? 'shares the DB' : 'may download the DB'}`);
        most = Math.max(most, ++scanning);
        if (!shares) expect(scanning).toBe(1);
        expect(c.args.join(' ')).toContain('--cache-backend memory');
        await new Promise((resolve) => setTimeout(resolve, 30));
        if (!shares) {
          // Trivy fetched its DB into the cache dir.
          fs.mkdirSync(path.join(w.ctx.runnerTemp, 'db'), { recursive: true });
          for (const f of ['trivy.db', 'metadata.json']) fs.writeFileSync(path.join(w.ctx.runnerTemp, 'db', f), '{}');
        }
        scanning--;
        fs.copyFileSync(GOLDEN, flag(c.args, '--output') as string);
        return {};
      },
    );
    const outcome = await road(w, { targets: 'web,api,worker' });
    expect(outcome.reports.map((r) => r.scan?.status)).toEqual(['scanned', 'scanned', 'scanned']);
    expect(events.filter((e) => e.endsWith('may download the DB'))).toHaveLength(1);
    expect(events[0]).toMatch(/may download the DB$/);
    expect(events.slice(1).every((e) => e.endsWith('shares the DB'))).toBe(true);
    expect(most).toBe(2);
  });

  test('a JAR with no Java DB yet: the shared scan is told so by Trivy and runs again alone, which downloads it', async () => {
    const w = world();
    let calls = 0;
    w.stub.on(
      'trivy image',
      (c) => c.command === 'trivy' && c.args[0] === 'image',
      (c) => {
        calls++;
        if (c.args.includes('--skip-java-db-update')) {
          return {
            exitCode: 1,
            stderr:
              "FATAL\tscan error: scan failed: failed analysis: analyze error: pipeline error: failed to analyze layer: post analysis error: Java DB error: '--skip-java-db-update' cannot be specified on the first run",
          };
        }
        fs.copyFileSync(GOLDEN, flag(c.args, '--output') as string);
        return {};
      },
    );
    // Today's DB restored from the Actions cache: the first scan shares it.
    fs.mkdirSync(path.join(w.ctx.runnerTemp, 'db'), { recursive: true });
    for (const f of ['trivy.db', 'metadata.json']) fs.writeFileSync(path.join(w.ctx.runnerTemp, 'db', f), '{}');
    const outcome = await road(w, { target: 'web' }, { dbFresh: true });
    expect(calls).toBe(2);
    expect(outcome.reports[0].scan?.status).toBe('scanned');
    expect(outcome.said).toContainEqual({
      kind: 'info',
      text: 'This image has JARs and there is no Java DB yet: scanning again alone, which downloads it',
    });
  });

  test("code scanning's processing is awaited alongside the push, and its failure still fails the target", async () => {
    const w = world();
    let pushed: () => void = () => undefined;
    const pushSeen = new Promise<void>((resolve) => (pushed = resolve));
    w.stub.on('push', isDocker('push'), (c) => {
      pushed();
      return { stdout: `${c.args[1]}: digest: sha256:${'e'.repeat(64)} size: 528\n` };
    });
    // Processing ends only once the push has happened: waiting for it before the push would never end.
    w.api.getSarif = async () => {
      await pushSeen;
      return { processing_status: 'failed', errors: ['invalid SARIF'] };
    };
    const outcome = await road(w, { target: 'web', push: 'true' });
    const [report] = outcome.reports;
    expect(report.pushed).toBe(true);
    expect(report.failure).toMatchObject({ kind: 'tool', phase: 'upload' });
    expect(report.failure?.message).toContain('Code scanning could not process the SARIF of web: invalid SARIF');
    const groups = outcome.said.filter((s) => s.kind === 'group').map((s) => s.text);
    expect(groups.slice(-2)).toEqual(['Push web', 'Code scanning processing of web']);
    expect(outcome.said.filter((s) => /^Nothing pushed/.test(s.text))).toEqual([]);
  });
});

describe('failure paths that are easy to get wrong', () => {
  test('a push of several tags failing partway names what was already pushed', async () => {
    const w = world();
    w.stub.on('push', isDocker('push'), (c) =>
      c.args[1] === 'acme/shop:latest'
        ? { exitCode: 1, stderr: 'denied: requested access to the resource is denied' }
        : { stdout: `${c.args[1]}: digest: sha256:${'e'.repeat(64)} size: 528\n` },
    );
    const outcome = await road(w, { target: 'web', push: 'true', tags: 'acme/shop:web\nacme/shop:latest' });
    const [report] = outcome.reports;
    expect(report.failure).toMatchObject({ kind: 'tool', phase: 'push' });
    expect(report.failure?.message).toContain('Pushing acme/shop:latest failed (already pushed: acme/shop:web)');
    expect(w.stub.named('docker', 'push').map((c) => c.args[1])).toEqual(['acme/shop:web', 'acme/shop:latest']);
    expectCleanedUp(w, outcome);
  });

  test('a container removal that fails once is tried again, quietly', async () => {
    const w = world();
    let removals = 0;
    w.stub.on('rm', isDocker('rm'), () => (++removals === 1 ? { exitCode: 1, stderr: 'Error: device busy' } : {}));
    const outcome = await road(w, { target: 'web' });
    expect(outcome.failure).toBeUndefined();
    expect(removals).toBe(2);
    expect(outcome.said.filter((s) => s.kind === 'warning' && s.text.startsWith('Could not remove'))).toEqual([]);
    expect([...outcome.cleanup.containers]).toEqual([]);
  });

  test('a container removal that fails twice on a successful run says how to remove it (no post step runs then)', async () => {
    const w = world();
    w.stub.on('rm', isDocker('rm'), () => ({ exitCode: 1, stderr: 'Error: device busy' }));
    const outcome = await road(w, { target: 'web' });
    expect(outcome.failure).toBeUndefined();
    const name = flag(w.stub.named('docker', 'run')[0].args, '--name');
    expect(w.stub.named('docker', 'rm')).toHaveLength(2);
    expect(outcome.said).toContainEqual(
      expect.objectContaining({
        kind: 'warning',
        text: `Could not remove container ${name}; remove it with: docker rm --force ${name}`,
      }),
    );
    // Still in the state: a post step, if one runs, tries again.
    expect([...outcome.cleanup.containers]).toEqual([name]);
  });

  test("code scanning's processing past its limit: a warning, and the target passes", async () => {
    const w = world();
    let polls = 0;
    w.api.getSarif = async () => (++polls, { processing_status: 'pending' });
    const outcome = await road(w, { target: 'web' });
    expect(outcome.failure).toBeUndefined();
    expect(polls).toBeGreaterThan(2);
    expect(outcome.said).toContainEqual(
      expect.objectContaining({
        kind: 'warning',
        text: expect.stringMatching(/^Code scanning had not finished processing the SARIF of web after \d+ s/),
      }),
    );
  });
});

describe('the upload does not wait for the build analysis', () => {
  /** The analysis's layer read, held until `release` (it would never end if the road waited for it first). */
  function slowAnalysis(w: World) {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    w.stub.on('save', isDocker('image', 'save'), async (c) => {
      await released;
      order.push('analysis read');
      c.options.output?.end();
      return {};
    });
    const upload = w.api.uploadSarif;
    w.api.uploadSarif = async (...args) => {
      order.push('upload');
      return upload(...args);
    };
    return { release, order };
  }

  test('a healthy, scanned image is uploaded while its analysis still reads; the groups stay in road order', async () => {
    const w = world();
    const slow = slowAnalysis(w);
    const uploading = new Promise<void>((resolve) => {
      const upload = w.api.uploadSarif;
      w.api.uploadSarif = async (...args) => {
        const answer = await upload(...args);
        resolve();
        return answer;
      };
    });
    void uploading.then(slow.release);
    const outcome = await road(w, { target: 'web' });
    expect(outcome.failure).toBeUndefined();
    expect(slow.order).toEqual(['upload', 'analysis read']);
    const groups = outcome.said.filter((s) => s.kind === 'group').map((s) => s.text);
    expect(groups).toEqual(
      expect.arrayContaining(['Scan web', 'Analysis of web', 'Upload SARIF of web', 'Code scanning processing of web']),
    );
    const at = (name: string) => groups.indexOf(name);
    expect(at('Analysis of web')).toBeLessThan(at('Upload SARIF of web'));
    // What the upload said is told inside its own group.
    const uploaded = outcome.said.findIndex((s) => s.text.startsWith('Uploaded '));
    const group = outcome.said.findIndex((s) => s.kind === 'group' && s.text === 'Upload SARIF of web');
    expect(uploaded).toBe(group + 1);
  });

  test('with max-image-size the budget (which reads the analysis) decides first: no upload before it', async () => {
    const w = world();
    const slow = slowAnalysis(w);
    setTimeout(slow.release, 50);
    const outcome = await road(w, { target: 'web', 'max-image-size': '1GB' });
    expect(outcome.failure).toBeUndefined();
    expect(slow.order).toEqual(['analysis read', 'upload']);
  });

  test('an image that failed its smoke test is not uploaded, even while its analysis reads', async () => {
    const w = world();
    const slow = slowAnalysis(w);
    w.stub.on(
      'state',
      isDocker('container', 'inspect'),
      containerState({ Status: 'exited', Running: false, ExitCode: 3 }),
    );
    w.stub.on('logs', isDocker('logs'), () => ({ stdout: 'fatal: no config\n' }));
    setTimeout(slow.release, 50);
    const outcome = await road(w, { target: 'web' });
    expect(outcome.reports[0].failure).toMatchObject({ kind: 'gate', phase: 'smoke' });
    expect(slow.order).toEqual(['analysis read']);
    expect(w.uploads).toEqual([]);
  });
});

describe('what the user reads for each kind of failure', () => {
  test('a mistake in the inputs: the input and what is valid, before any call', async () => {
    const w = world();
    let stop: unknown;
    await road(w, { target: 'web', 'smoke-timeout': '-5' }).catch((error: unknown) => (stop = error));
    expect(reportStop(stop, recordingUi([]))).toBe('Input "smoke-timeout": -5 is out of range; use 1-3600');
    expect(w.stub.calls).toEqual([]);
  });

  test('a tool before any build (the engine unreachable): named as a tool', async () => {
    const w = world();
    w.stub.on('engine', isDocker('version'), () => ({ exitCode: 1, stderr: 'Cannot connect to the Docker daemon' }));
    let stop: unknown;
    await road(w, { target: 'web' }).catch((error: unknown) => (stop = error));
    expect(reportStop(stop, recordingUi([]))).toMatch(
      /^A tool failed before any build: The Docker engine is not reachable: Cannot connect to the Docker daemon/,
    );
  });

  test('a bug before any build: said to be one, with the stack in the log', async () => {
    const w = world();
    w.stub.on('engine', isDocker('version'), () => {
      throw new RangeError('stub broke');
    });
    let stop: unknown;
    await road(w, { target: 'web' }).catch((error: unknown) => (stop = error));
    const said: Said[] = [];
    expect(reportStop(stop, recordingUi(said))).toBe(
      'Bug in multistage-action: RangeError: stub broke (this is not your image or your inputs: please report it to multistage-action with the stack printed in the log)',
    );
    expect(said[0].text).toMatch(/^Stack of the bug:\nRangeError: stub broke\n\s+at /);
  });

  test('an unplanned call is never silently answered', async () => {
    const w = world();
    await expect(w.stub.run('docker', ['system', 'prune'])).rejects.toThrow('unplanned call: docker system prune');
  });
});
