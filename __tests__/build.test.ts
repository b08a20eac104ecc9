import * as fs from 'node:fs';
import * as crypto from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { SHARED_FIXTURES } from './helpers/servers.js';
import { buildxArgs, cacheFlags, type BuildPlan } from '../src/build/args.js';
import { capabilitiesFrom, detectCapabilities, parseVersion, versionAtLeast } from '../src/build/capabilities.js';
import { ProgressParser } from '../src/build/progress.js';
import { BuildError, runBuild } from '../src/build/build.js';
import { CommandError } from '../src/errors.js';
import type { Runner } from '../src/exec.js';
import { parseCheckOutput } from '../src/build/checks.js';
import { readContext } from '../src/context.js';
import { gatePlatforms } from '../src/pipeline/setup.js';
import { buildImage, type BuildDeps } from '../src/build/phase.js';
import type { BuildSettings } from '../src/build/plan.js';
import { GateFailure, ToolError } from '../src/errors.js';
import { isDocker, StubRunner, type Call } from './helpers/stub-runner.js';
import type { Ui } from '../src/ui.js';

const plan: BuildPlan = {
  target: 'production-backend',
  context: '/repo',
  file: '/repo/Dockerfile',
  tags: ['app:one', 'app:two'],
  labels: ['a=b'],
  annotations: ['index:org.opencontainers.image.title=x'],
  buildArgs: ['X=$(id); `id`'],
  buildContexts: ['alpine=docker-image://alpine:3.20', 'src=/repo/src'],
  secretEnvs: [{ id: 'token', env: 'MULTISTAGE_SECRET_0' }],
  secretFiles: [{ id: 'npmrc', path: '/home/u/.npmrc' }],
  ssh: ['default'],
  platforms: ['linux/amd64'],
  builder: 'remote',
  network: 'host',
  allow: ['network.host', 'security.insecure'],
  addHosts: ['db=10.0.0.2', 'cache=::1'],
  shmSize: '1g',
  ulimits: ['nofile=1024:2048', 'nproc=512'],
  noCache: true,
  noCacheFilters: ['deps', 'build'],
  pull: true,
  provenance: 'mode=max,builder-id=https://github.com/acme/shop/actions/runs/1/attempts/1',
  cacheFrom: ['type=gha,scope=x'],
  cacheTo: ['type=gha,scope=x,mode=max,ignore-error=true'],
  output: { type: 'load' },
  metadataFile: '/tmp/meta.json',
};

describe('buildxArgs', () => {
  test('every option becomes its own argv element; secrets by env name, never value', () => {
    expect(buildxArgs(plan)).toEqual([
      'buildx',
      'build',
      '--builder',
      'remote',
      '--progress',
      'plain',
      '--target',
      'production-backend',
      '--file',
      '/repo/Dockerfile',
      '--tag',
      'app:one',
      '--tag',
      'app:two',
      '--label',
      'a=b',
      '--annotation',
      'index:org.opencontainers.image.title=x',
      '--build-arg',
      'X=$(id); `id`',
      '--build-context',
      'alpine=docker-image://alpine:3.20',
      '--build-context',
      'src=/repo/src',
      '--secret',
      'id=token,env=MULTISTAGE_SECRET_0',
      '--secret',
      'id=npmrc,src=/home/u/.npmrc',
      '--ssh',
      'default',
      '--platform',
      'linux/amd64',
      '--network',
      'host',
      '--allow',
      'network.host,security.insecure',
      '--add-host',
      'db=10.0.0.2',
      '--add-host',
      'cache=::1',
      '--shm-size',
      '1g',
      '--ulimit',
      'nofile=1024:2048',
      '--ulimit',
      'nproc=512',
      '--no-cache',
      '--no-cache-filter',
      'deps,build',
      '--pull',
      '--provenance',
      'mode=max,builder-id=https://github.com/acme/shop/actions/runs/1/attempts/1',
      '--cache-from',
      'type=gha,scope=x',
      '--cache-to',
      'type=gha,scope=x,mode=max,ignore-error=true',
      '--load',
      '--metadata-file',
      '/tmp/meta.json',
      '--',
      '/repo',
    ]);
  });
  test.each([
    [{ type: 'local', dest: '/out dir' } as const, ['--output', 'type=local,dest=/out dir']],
    [{ type: 'oci-layout', dest: '/t/layout-web' } as const, ['--output', 'type=oci,dest=/t/layout-web,tar=false']],
    [
      { type: 'oci-layout', dest: '/t/layout-web', load: true } as const,
      ['--output', 'type=oci,dest=/t/layout-web,tar=false', '--output', 'type=docker,oci-mediatypes=true'],
    ],
    [{ type: 'check' } as const, ['--call', 'check,format=json']],
  ])('output %j', (output, expected) => {
    const args = buildxArgs({ ...plan, output });
    expect(args.join('\u0000')).toContain(expected.join('\u0000'));
    expect(args).not.toContain('--load');
    // A check writes no metadata; everything else does.
    expect(args.includes('--metadata-file')).toBe(output.type !== 'check');
  });
  test('a minimal plan has no optional flags', () => {
    const args = buildxArgs({
      ...plan,
      builder: '',
      tags: [],
      labels: [],
      annotations: [],
      buildArgs: [],
      buildContexts: [],
      secretEnvs: [],
      secretFiles: [],
      ssh: [],
      platforms: [],
      network: '',
      allow: [],
      addHosts: [],
      shmSize: '',
      ulimits: [],
      noCache: false,
      noCacheFilters: [],
      pull: false,
      provenance: undefined,
      cacheFrom: [],
      cacheTo: [],
    });
    expect(args).toEqual([
      'buildx',
      'build',
      '--progress',
      'plain',
      '--target',
      'production-backend',
      '--file',
      '/repo/Dockerfile',
      '--load',
      '--metadata-file',
      '/tmp/meta.json',
      '--',
      '/repo',
    ]);
  });
});

describe('cacheFlags', () => {
  const modern = {
    buildxVersion: '0.29.1',
    driver: 'docker-container',
    containerdStore: false,
    cacheExport: true,
    multiPlatform: true,
    ghaCacheV2: true,
    enginePlatform: 'linux/amd64',
  };
  const old = { ...modern, buildxVersion: '0.13.1', ghaCacheV2: false };
  const dockerClassic = { ...modern, driver: 'docker', cacheExport: false, multiPlatform: false };
  const settings = { cache: true, scope: 'production-backend', cacheFrom: [], cacheTo: [] };
  test('gha cache with a scope per target when the cache service is there', () => {
    expect(cacheFlags(settings, modern, 'v2')).toEqual({
      cacheFrom: ['type=gha,scope=production-backend'],
      cacheTo: ['type=gha,scope=production-backend,mode=max,ignore-error=true'],
    });
  });
  test('no cache service: no cache flags and nothing said', () => {
    expect(cacheFlags(settings, modern, undefined)).toEqual({ cacheFrom: [], cacheTo: [] });
  });
  test('buildx too old for the v2 cache service: build without it and say why once', () => {
    const decision = cacheFlags(settings, old, 'v2');
    expect(decision.cacheFrom).toEqual([]);
    expect(decision.notice).toContain("buildx 0.13.1 predates GitHub's v2 cache service (needs buildx >= 0.21)");
  });
  test("GHES's v1 cache service: an older buildx still gets the gha cache", () => {
    expect(cacheFlags(settings, old, 'v1')).toEqual({
      cacheFrom: ['type=gha,scope=production-backend'],
      cacheTo: ['type=gha,scope=production-backend,mode=max,ignore-error=true'],
    });
  });
  test('the docker driver on the classic image store: no gha cache at all, and why, once', () => {
    const decision = cacheFlags(settings, dockerClassic, 'v2');
    expect(decision.cacheFrom).toEqual([]);
    expect(decision.cacheTo).toEqual([]);
    expect(decision.notice).toBe(
      'building without the GitHub Actions cache: the "docker" driver on the classic image store cannot export a cache, so this job would never fill it; use docker/setup-buildx-action (a docker-container builder) or turn on the containerd image store',
    );
    const user = cacheFlags(
      { ...settings, cacheFrom: ['type=registry,ref=r/c'], cacheTo: ['type=inline'] },
      dockerClassic,
      'v2',
    );
    expect(user).toMatchObject({ cacheFrom: ['type=registry,ref=r/c'], cacheTo: [] });
    expect(user.notice).toContain('cache-to is ignored');
  });
  test('user cache-from/cache-to replace the defaults; cache false removes everything', () => {
    expect(
      cacheFlags({ ...settings, cacheFrom: ['type=registry,ref=r/c'], cacheTo: ['type=inline'] }, modern, 'v2'),
    ).toEqual({
      cacheFrom: ['type=registry,ref=r/c'],
      cacheTo: ['type=inline'],
    });
    expect(cacheFlags({ ...settings, cache: false }, modern, 'v2')).toEqual({ cacheFrom: [], cacheTo: [] });
  });
});

describe('which cache service the runner offers (as @actions/cache decides)', () => {
  const token = { ACTIONS_RUNTIME_TOKEN: 't' };
  test.each([
    [
      'github.com runner',
      {
        ...token,
        ACTIONS_RESULTS_URL: 'https://results/',
        ACTIONS_CACHE_SERVICE_V2: 'True',
        ACTIONS_CACHE_URL: 'https://old/',
      },
      'v2',
    ],
    [
      'GHES: v1 even when the v2 flag is set',
      {
        ...token,
        ACTIONS_CACHE_URL: 'https://ghes/',
        ACTIONS_CACHE_SERVICE_V2: 'True',
        GITHUB_SERVER_URL: 'https://github.acme.internal',
      },
      'v1',
    ],
    [
      'GHE.com is not GHES',
      {
        ...token,
        ACTIONS_RESULTS_URL: 'https://results/',
        ACTIONS_CACHE_SERVICE_V2: 'True',
        GITHUB_SERVER_URL: 'https://acme.ghe.com',
      },
      'v2',
    ],
    ['v1 without the flag', { ...token, ACTIONS_CACHE_URL: 'https://old/' }, 'v1'],
    ['no token: none', { ACTIONS_RESULTS_URL: 'https://results/', ACTIONS_CACHE_SERVICE_V2: 'True' }, undefined],
    ['the command line: none', {}, undefined],
  ])('%s', (_name, env, protocol) => {
    expect(readContext(env).cacheService).toBe(protocol);
  });
});

describe('capabilities', () => {
  test.each([
    ['github.com/docker/buildx 0.13.1+ds1 0.13.1+ds1-3', [0, 13, 1]],
    ['github.com/docker/buildx v0.21.2 1360a9e', [0, 21, 2]],
  ])('parses %s', (text, version) => {
    expect(parseVersion(text.replace(/^\S*buildx\S*\s*/, ''))).toEqual(version);
  });
  test('versionAtLeast', () => {
    expect(versionAtLeast([0, 21, 0], [0, 21, 0])).toBe(true);
    expect(versionAtLeast([0, 20, 9], [0, 21, 0])).toBe(false);
    expect(versionAtLeast([1, 0, 0], [0, 21, 0])).toBe(true);
    expect(versionAtLeast(undefined, [0, 21, 0])).toBe(false);
  });
  // What Docker 28.5.2 and buildx 0.29.1 print (`docker buildx inspect`, `docker info --format '{{json .DriverStatus}}'`).
  const version = 'github.com/docker/buildx 0.29.1+ds1 0.29.1+ds1-4';
  const inspect = (driver: string) =>
    `Name:          x\nDriver:        ${driver}\nLast Activity: 2026-11-26 00:27:17 +0000 UTC\n\nNodes:\n`;
  const containerd = '[["driver-type","io.containerd.snapshotter.v1"]]';
  const classic =
    '[["Backing Filesystem","extfs"],["Supports d_type","true"],["Using metacopy","false"],["Native Overlay Diff","true"],["userxattr","false"]]';
  test.each([
    ['docker', containerd, { containerdStore: true, cacheExport: true, multiPlatform: true }],
    ['docker', classic, { containerdStore: false, cacheExport: false, multiPlatform: false }],
    ['docker-container', classic, { containerdStore: false, cacheExport: true, multiPlatform: true }],
    ['remote', containerd, { containerdStore: true, cacheExport: true, multiPlatform: true }],
  ])('the %s driver, engine store %s', (driver, status, expected) => {
    expect(capabilitiesFrom(version, inspect(driver), status, 'linux/amd64')).toEqual({
      buildxVersion: '0.29.1',
      driver,
      ghaCacheV2: true,
      enginePlatform: 'linux/amd64',
      ...expected,
    });
  });
});

describe('runBuild: whose failure it is', () => {
  /** A runner answering like docker: these stderr lines, this exit code. */
  const failing =
    (stderr: string[]): Runner =>
    async (_command, _args, options = {}) => {
      for (const line of stderr) options.onLine?.(line, 'stderr');
      return { exitCode: 1, stdout: '', stderr: stderr.join('\n') };
    };
  const build = (stderr: string[]) => runBuild(plan, { run: failing(stderr), env: {}, log: () => undefined });

  test('docker without buildx (as docker 28.5 says an unknown command): a tool failure that says what to install', async () => {
    const error = await build(['unknown command: docker buildx', '', "Run 'docker --help' for more information"]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).message).toContain('install the docker-buildx plugin');
  });

  test("buildx refusing a flag before any step: a tool failure, not the Dockerfile's", async () => {
    const error = await build(['ERROR: unknown flag: --call']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).message).not.toContain('install the docker-buildx plugin');
  });

  test("a step of the Dockerfile failing: the build's own failure", async () => {
    const error = await build([
      '#1 [internal] load build definition from Dockerfile',
      '#1 DONE 0.0s',
      '#5 [web 2/2] RUN false',
      '#5 ERROR: process "/bin/sh -c false" did not complete successfully: exit code: 1',
      'ERROR: failed to build: failed to solve: process "/bin/sh -c false" did not complete successfully: exit code: 1',
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
  });
});

describe('ProgressParser', () => {
  test('counts Dockerfile steps (not FROM or internal) and the cached ones, once each', () => {
    const p = new ProgressParser();
    for (const line of [
      '#1 [internal] load build definition from Dockerfile',
      '#4 [base 1/2] FROM docker.io/library/node:20',
      '#5 [base 2/2] WORKDIR /app',
      '#5 CACHED',
      '#6 [deps 1/2] COPY package.json ./',
      '#6 CACHED',
      '#7 [deps 2/2] RUN npm ci',
      '#7 0.123 added 0 packages',
      '#7 [deps 2/2] RUN npm ci',
      '#7 DONE 1.0s',
    ])
      p.push(line);
    expect(p.result()).toMatchObject({ steps: 3, cached: 2, cacheHitRatio: 2 / 3 });
  });
  test('names the failed step, its stage, the Dockerfile line and buildx error', () => {
    const p = new ProgressParser('Dockerfile');
    for (const line of [
      '#9 [testing 2/2] RUN npm test',
      '#9 0.3 not ok 1 - adds',
      '#9 ERROR: process "/bin/sh -c npm test" did not complete successfully: exit code: 1',
      '------',
      'Dockerfile:54',
      '--------------------',
      'ERROR: failed to solve: process "/bin/sh -c npm test" did not complete successfully: exit code: 1',
    ])
      p.push(line);
    expect(p.result()).toMatchObject({
      failedStep: '[testing 2/2] RUN npm test',
      failedStage: 'testing',
      failedLine: 54,
      error: 'failed to solve: process "/bin/sh -c npm test" did not complete successfully: exit code: 1',
    });
  });
  test('no steps: ratio 0', () => expect(new ProgressParser().result().cacheHitRatio).toBe(0));
});

describe('build checks output (docker buildx build --call check,format=json, BuildKit 0.32)', () => {
  // What buildx 0.29.1 printed for __tests__/fixtures/lint/Dockerfile on Docker 28.5's builder (recorded).
  const recorded = fs.readFileSync(path.join(SHARED_FIXTURES, 'buildx-check-lint.json'), 'utf8');
  test('each warning with its rule, detail, url and line', () => {
    expect(parseCheckOutput(recorded)).toEqual([
      {
        rule: 'FromAsCasing',
        description: "The 'as' keyword should match the case of the 'from' keyword",
        detail: "'as' and 'FROM' keywords' casing do not match",
        url: 'https://docs.docker.com/go/dockerfile/rule/from-as-casing/',
        line: 3,
      },
      expect.objectContaining({ rule: 'SecretsUsedInArgOrEnv', line: 4 }),
      expect.objectContaining({ rule: 'JSONArgsRecommended', line: 5 }),
    ]);
  });
  test('no warnings: an empty list; not a check result: undefined (a frontend that cannot lint)', () => {
    expect(parseCheckOutput('{"sources":[]}')).toEqual([]);
    expect(parseCheckOutput('{"warnings":null,"sources":[]}')).toEqual([]);
    expect(parseCheckOutput('')).toBeUndefined();
    expect(parseCheckOutput('ERROR: unknown subrequest check')).toBeUndefined();
    expect(parseCheckOutput('{"warnings": "x"}')).toBeUndefined();
  });
  test('hostile fields are cut and a bad line is dropped', () => {
    const [w] =
      parseCheckOutput(
        JSON.stringify({
          warnings: [{ ruleName: 'X'.repeat(5000), detail: 7, location: { ranges: [{ start: { line: -3 } }] } }],
        }),
      ) ?? [];
    expect(w.rule).toHaveLength(200);
    expect(w.detail).toBe('');
    expect(w.line).toBeUndefined();
  });
});

describe('gatePlatforms', () => {
  function warningsUi(): { ui: Ui; warnings: string[] } {
    const warnings: string[] = [];
    return { ui: { warning: (m: string) => void warnings.push(m) } as unknown as Ui, warnings };
  }
  test.each([
    [[], []],
    [['linux/arm64'], ['linux/arm64']],
    [['linux/amd64', 'linux/arm64'], ['linux/amd64']],
    [['linux/arm64', 'linux/amd64/v2'], ['linux/amd64/v2']],
  ])('%j on a linux/amd64 engine -> %j', (platforms, gated) => {
    const { ui, warnings } = warningsUi();
    expect(gatePlatforms(platforms, 'linux/amd64', ui)).toEqual(gated);
    expect(warnings).toEqual([]);
  });
  test("the engine's platform not among several: the first, with a warning", () => {
    const { ui, warnings } = warningsUi();
    expect(gatePlatforms(['linux/arm64', 'linux/s390x'], 'linux/amd64', ui)).toEqual(['linux/arm64']);
    expect(warnings).toEqual([
      'The engine runs linux/amd64, which is not in platforms; the gates run linux/arm64 (needs emulation)',
    ]);
  });
});

describe('buildImage on the layout path: the gates run on what is pushed', () => {
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  const digestOf = (bytes: Buffer) => `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;

  /** A layout as BuildKit 0.32 writes one platform with its provenance: an index, the image, the attestation. */
  function writeLayout(dir: string) {
    fs.mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
    const put = (bytes: Buffer) => {
      const digest = digestOf(bytes);
      fs.writeFileSync(path.join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
      return { digest, size: bytes.length };
    };
    const layer = put(Buffer.from('layer'));
    const config = put(json({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [] } }));
    const manifest = put(
      json({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
      }),
    );
    const attestation = put(json({ schemaVersion: 2, layers: [] }));
    const index = put(
      json({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            ...manifest,
            platform: { os: 'linux', architecture: 'amd64' },
          },
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            ...attestation,
            platform: { os: 'unknown', architecture: 'unknown' },
            annotations: {
              'vnd.docker.reference.type': 'attestation-manifest',
              'vnd.docker.reference.digest': manifest.digest,
            },
          },
        ],
      }),
    );
    fs.writeFileSync(
      path.join(dir, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', ...index }],
      }),
    );
    return { index: index.digest, manifest: manifest.digest, config: config.digest };
  }

  const REFUSAL =
    'ERROR: failed to build: multiple outputs currently unsupported by the current BuildKit daemon, please upgrade to version v0.13+ or use a single output';

  /**
   * A builder (old or new) and an engine (containerd store: ids are what was loaded). The build writes the layout;
   * with a second output it also loads the index, unless it is a BuildKit < 0.13, which refuses a second output.
   */
  function world(options: { oldBuildKit?: boolean; booting?: boolean; engineHolds?: string } = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-build-layout-'));
    const dest = path.join(dir, 'layout');
    let digests: ReturnType<typeof writeLayout> | undefined;
    let engine: string | undefined;
    const stub = new StubRunner()
      .on(
        'build',
        (c) => c.args[0] === 'buildx' && c.args[1] === 'build',
        (c: Call) => {
          const outputs = c.args.filter((_, i) => c.args[i - 1] === '--output');
          if (outputs.length > 1 && options.oldBuildKit) {
            const stderr = [...(options.booting ? ['#1 [internal] booting buildkit', '#1 DONE 1.2s'] : []), REFUSAL];
            return { exitCode: 1, stderr: stderr.join('\n') };
          }
          fs.rmSync(dest, { recursive: true, force: true });
          digests = writeLayout(dest);
          if (outputs.includes('type=docker,oci-mediatypes=true')) engine = digests.index;
          return { stderr: '#1 [internal] load build definition from Dockerfile\n#1 DONE 0.0s' };
        },
      )
      .on(
        'load',
        (c) => c.args[0] === 'load',
        () => {
          engine = digests?.manifest;
          return { stdout: 'Loaded image: app:1' };
        },
      )
      .on(
        'inspect',
        (c) => c.args[0] === 'image' && c.args[1] === 'inspect',
        () => ({ stdout: JSON.stringify({ Id: options.engineHolds ?? engine, Size: 5, Config: {} }) }),
      );
    const said: string[] = [];
    const ui = {
      info: (m: string) => void said.push(m),
      debug: () => undefined,
      error: (m: string) => void said.push(`error: ${m}`),
      group: async <T>(_name: string, fn: () => Promise<T>) => fn(),
    } as unknown as Ui;
    const deps: BuildDeps = {
      run: stub.run,
      ui,
      clock: { now: () => 0, sleep: async () => undefined },
      builder: { oneOutput: false },
    };
    const settings = { ...plan, secretValues: {} } as unknown as BuildSettings;
    const build = (load: boolean) =>
      buildImage(
        deps,
        settings,
        {
          target: 'web',
          tags: ['app:1'],
          labels: [],
          cache: { cacheFrom: [], cacheTo: [] },
          output: { type: 'oci-layout', dest, load },
          platforms: [],
          metadataFile: path.join(dir, 'metadata.json'),
        },
        { file: 'Dockerfile', stageLine: () => undefined },
      );
    const builds = () => stub.named('docker', 'buildx', 'build');
    const outputsOf = (c: Call) => c.args.filter((_, i) => c.args[i - 1] === '--output');
    return {
      stub,
      said,
      deps,
      build,
      builds,
      outputsOf,
      digests: () => digests!,
      cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }

  test("the build loads the index itself: no docker load, one inspect, the engine holds the layout's own index", async () => {
    const w = world();
    const report = await w.build(true);
    expect(w.builds().map(w.outputsOf)).toEqual([
      [expect.stringContaining('type=oci,'), 'type=docker,oci-mediatypes=true'],
    ]);
    expect(w.stub.named('docker', 'load')).toEqual([]);
    expect(w.stub.named('docker', 'image', 'inspect')).toHaveLength(1);
    expect(report.imageId).toBe(w.digests().index);
    // What the gates run is the engine's platform of that index: the report names its manifest.
    expect(report.digest).toBe(w.digests().manifest);
    expect(report.layout?.tested.digest).toBe(w.digests().manifest);
    expect(w.said).toContain(`The build loaded linux/amd64 (${w.digests().manifest}) into the engine for the gates`);
    w.cleanup();
  });

  test('without load: the layout alone, then its tested platform loaded from its blobs (one inspect after)', async () => {
    const w = world();
    const report = await w.build(false);
    expect(w.builds().map(w.outputsOf)).toEqual([[expect.stringContaining('type=oci,')]]);
    expect(w.stub.named('docker', 'load')).toHaveLength(1);
    expect(w.stub.named('docker', 'image', 'inspect')).toHaveLength(1);
    expect(report.imageId).toBe(w.digests().manifest);
    expect(w.said).toContain(`Loaded linux/amd64 (${w.digests().manifest}) into the engine for the gates`);
    w.cleanup();
  });

  test.each([false, true])(
    'a BuildKit older than 0.13 refuses the second output (booting first: %s): built again with one, loaded after, and the run remembers',
    async (booting) => {
      const w = world({ oldBuildKit: true, booting });
      const report = await w.build(true);
      expect(w.builds().map(w.outputsOf)).toEqual([
        [expect.stringContaining('type=oci,'), 'type=docker,oci-mediatypes=true'],
        [expect.stringContaining('type=oci,')],
      ]);
      expect(w.stub.named('docker', 'load')).toHaveLength(1);
      expect(report.imageId).toBe(w.digests().manifest);
      expect(w.said).toContain(
        'This builder takes one output per build (BuildKit < 0.13): building the layout, then loading it',
      );
      expect(w.said.filter((m) => m.startsWith('error:'))).toEqual([]);
      expect(w.deps.builder).toEqual({ oneOutput: true });
      // The next target of the run asks for one output straight away.
      await w.build(true);
      expect(w.builds().map(w.outputsOf).at(-1)).toEqual([expect.stringContaining('type=oci,')]);
      w.cleanup();
    },
  );

  test('a failing Dockerfile step is the build gate, not retried', async () => {
    const w = world();
    w.stub.on(
      'failing build',
      (c) => c.args[0] === 'buildx',
      () => ({
        exitCode: 1,
        stderr: [
          '#5 [web 2/2] RUN false',
          '#5 ERROR: process "/bin/sh -c false" did not complete successfully: exit code: 1',
          'ERROR: failed to build: failed to solve: process "/bin/sh -c false" did not complete successfully: exit code: 1',
        ].join('\n'),
      }),
    );
    await expect(w.build(true)).rejects.toBeInstanceOf(GateFailure);
    expect(w.builds()).toHaveLength(1);
    w.cleanup();
  });

  test('an engine holding something else under the tag: a tool failure (what is pushed must be what was tested)', async () => {
    const w = world({ engineHolds: `sha256:${'e'.repeat(64)}` });
    const error = await w.build(true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as Error).message).toContain(
      `the engine holds sha256:${'e'.repeat(64)} under app:1, not the built image`,
    );
    w.cleanup();
  });
});

describe('detectCapabilities: only the questions the run needs, all at once', () => {
  const engine = Promise.resolve({ platform: 'linux/amd64', version: '28.5.2' });
  function stub(options: { buildx?: boolean } = {}) {
    const missing = {
      exitCode: 1,
      stderr: "unknown command: docker buildx\n\nRun 'docker --help' for more information",
    };
    return new StubRunner()
      .on('version', isDocker('buildx', 'version'), () =>
        options.buildx === false ? missing : { stdout: 'github.com/docker/buildx 0.29.1+ds1 0.29.1+ds1-4\n' },
      )
      .on('inspect', isDocker('buildx', 'inspect'), () =>
        options.buildx === false ? missing : { stdout: 'Name:   msa\nDriver: docker-container\n' },
      )
      .on('info', isDocker('info'), () => ({ stdout: '[["driver-type","io.containerd.snapshotter.v1"]]\n' }));
  }
  const asked = (s: StubRunner) => s.calls.map((c) => c.args.slice(0, 2).join(' '));

  test('nothing needed (a build without cache, push or platforms): no docker CLI start', async () => {
    const s = stub();
    const caps = await detectCapabilities(s.run, '', { driver: false, buildxVersion: false }, engine);
    expect(s.calls).toEqual([]);
    expect(caps.driver).toBe('unknown');
  });

  test("a push: the builder's driver and the engine's store, not buildx's version", async () => {
    const s = stub();
    const caps = await detectCapabilities(s.run, 'msa', { driver: true, buildxVersion: false }, engine);
    expect(asked(s).sort()).toEqual(['buildx inspect', 'info --format']);
    expect(caps).toMatchObject({ driver: 'docker-container', containerdStore: true, enginePlatform: 'linux/amd64' });
    expect(caps.engineVersion).toBe('28.5.2');
  });

  test("the default cache on GitHub's v2 cache service: buildx's version too", async () => {
    const s = stub();
    const caps = await detectCapabilities(s.run, '', { driver: true, buildxVersion: true }, engine);
    expect(asked(s).sort()).toEqual(['buildx inspect', 'buildx version', 'info --format']);
    expect(caps).toMatchObject({ buildxVersion: '0.29.1', ghaCacheV2: true });
  });

  test('buildx missing: a tool failure that says what to install, whichever question found it', async () => {
    const error = await detectCapabilities(
      stub({ buildx: false }).run,
      '',
      { driver: true, buildxVersion: false },
      engine,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as Error).message).toContain('install the docker-buildx plugin');
  });
});
