import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { annotations, docker, leftoverContainers, NODE_IMAGE, runAction } from './helpers/action.js';
import { FakeCacheService, FakeGitHubApi } from './helpers/servers.js';
import { attestationsFor, registryDigest, registryManifest, registryPlatforms } from './helpers/registry.js';

/**
 * The builder matrix: the whole road (test stage, build, smoke test, scan, SARIF upload, push, several platforms
 * where the builder can) on every builder GitHub users have, on Docker 28.5 with buildx 0.29:
 * - the engine's `docker` driver on the containerd image store, and on the classic store (GitHub's default; this
 *   file runs again on it, scripts/test-all.sh switches the engine);
 * - the `docker-container` driver as docker/setup-buildx-action creates it (msa-container);
 * - the `remote` driver, a buildkitd on loopback (msa-remote).
 * The builders and the registry their base images come from are set up by the global setup (helpers/builders.sh).
 */
const SERVICES = '__tests__/fixtures/services';
const REGISTRY_BASE = 'NODE_IMAGE=127.0.0.1:5000/multistage-local/node:20';
/** The engine's own driver builds from the engine's images; the other builders only see the registry. */
const baseFor = (builder: string): string => (builder ? REGISTRY_BASE : `NODE_IMAGE=${NODE_IMAGE}`);
const STORE = process.env.MSA_IMAGE_STORE;

interface Builder {
  label: string;
  /** The `builder` input ('' for the engine's own). */
  builder: string;
  driver: string;
  multiPlatform: boolean;
}

const BUILDERS: Builder[] =
  STORE === 'containerd'
    ? [
        { label: 'docker driver, containerd image store', builder: '', driver: 'docker', multiPlatform: true },
        { label: 'docker-container driver', builder: 'msa-container', driver: 'docker-container', multiPlatform: true },
        { label: 'remote driver', builder: 'msa-remote', driver: 'remote', multiPlatform: true },
      ]
    : [{ label: 'docker driver, classic image store', builder: '', driver: 'docker', multiPlatform: false }];

test('the engine is on the image store the global setup saw', () => {
  const status = docker('info', '--format', '{{json .DriverStatus}}');
  expect(status.includes('io.containerd.snapshotter') ? 'containerd' : 'classic').toBe(STORE);
  expect(docker('version', '--format', '{{.Server.Version}}')).toMatch(/^28\.5\./);
});

describe.each(BUILDERS)('the whole road on the $label', ({ builder, driver, multiPlatform, label }) => {
  const slug = `${driver}-${STORE}`;
  const repository = (name: string) => `msa-test/matrix-${slug}-${name}-${process.pid}`;
  let api: FakeGitHubApi;
  beforeAll(async () => {
    api = await new FakeGitHubApi().start();
  });
  afterAll(() => api.stop());

  test('test stage, build, smoke test, scan, upload and push', async () => {
    const run = await runAction({
      inputs: {
        // The service with the packages the fixture DB knows: the real Trivy finds them in what each builder made.
        target: 'vulnerable',
        'fail-on': '',
        'test-target': 'results-pass',
        context: SERVICES,
        image: `localhost:5000/${repository('one')}`,
        builder,
        'build-args': baseFor(builder),
        push: 'true',
        'upload-sarif': 'true',
        token: 't',
      },
      env: { GITHUB_API_URL: api.url },
    });
    expect(annotations(run.stdout, 'error')).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`instance using ${driver} driver`);
    expect(JSON.parse(run.outputs.tests)).toEqual({ total: 3, passed: 2, failed: 0, skipped: 1 });
    expect(run.outputs.smoke).toBe('passed');
    expect(JSON.parse(run.outputs.vulnerabilities)).toEqual({ UNKNOWN: 0, LOW: 0, MEDIUM: 2, HIGH: 2, CRITICAL: 3 });
    expect(run.outputs['sarif-id']).toMatch(/^sarif-/);
    expect(run.outputs.pushed).toBe('true');
    expect(await registryDigest(repository('one'), 'vulnerable')).toBe(run.outputs.digest);
    // What was pushed is what was tested.
    const pushed = await registryManifest(repository('one'), run.outputs.digest);
    if (driver === 'docker' && STORE === 'classic') {
      // docker push of the loaded image: one manifest whose config is the engine's id of the tested image; no
      // attestation can ride along, and a notice says so.
      expect(pushed.manifests).toBeUndefined();
      expect(pushed.config?.digest).toBe(run.outputs['image-id']);
      expect(annotations(run.stdout, 'notice').join('\n')).toContain('No provenance is attached');
    } else {
      // One build exported as an OCI layout and, by a second output, loaded into the engine as the same index
      // (image-id, the engine's id for the tag); the tested platform's manifest inside the pushed index, with its
      // provenance and SBOM attestations.
      expect(run.stdout).toMatch(/\[command\]docker buildx build .*--output type=docker,oci-mediatypes=true /);
      expect(run.stdout).not.toContain('"docker","load"');
      expect(
        docker('image', 'inspect', '--format', '{{.Id}}', `localhost:5000/${repository('one')}:vulnerable`).trim(),
      ).toBe(run.outputs['image-id']);
      const loaded = /The build loaded linux\/amd64 \((sha256:[0-9a-f]{64})\) into the engine/.exec(run.stdout)?.[1];
      const tested = (pushed.manifests ?? []).filter((m) => m.platform?.os !== 'unknown');
      expect(tested.map((m) => m.digest)).toEqual([loaded]);
      const { predicateTypes } = await attestationsFor(repository('one'), pushed, loaded ?? '');
      expect(predicateTypes).toContain('https://cyclonedx.org/bom');
      expect(predicateTypes.some((t) => t.startsWith('https://slsa.dev/provenance/'))).toBe(true);
    }
    expect(leftoverContainers(run.runId)).toEqual([]);
  });

  if (multiPlatform) {
    test('several platforms: gated on the engine’s, pushed as one index', async () => {
      const run = await runAction({
        inputs: {
          target: 'static',
          context: SERVICES,
          image: `localhost:5000/${repository('multi')}`,
          builder,
          platforms: 'linux/amd64,linux/arm64',
          push: 'true',
          'upload-sarif': 'false',
        },
      });
      expect(annotations(run.stdout, 'error')).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(await registryPlatforms(repository('multi'), 'static')).toEqual(['linux/amd64', 'linux/arm64']);
      expect(await registryDigest(repository('multi'), 'static')).toBe(run.outputs.digest);
    });
  } else {
    test(`several platforms are refused before any work: the ${label} builds one at a time`, async () => {
      const run = await runAction({
        inputs: { target: 'static', context: SERVICES, builder, platforms: 'linux/amd64,linux/arm64', push: 'true' },
      });
      expect(run.exitCode).toBe(1);
      expect(annotations(run.stdout, 'error').join('\n')).toContain(
        'Input "platforms": lists 2 platforms, but the "docker" driver on the classic image store builds one at a time',
      );
      expect(run.stdout).not.toContain('[command]docker buildx build');
    });

    test('the GitHub Actions cache: said once that it cannot be used, and built without cache flags', async () => {
      const cache = await new FakeCacheService('v2').start();
      try {
        const run = await runAction({
          inputs: {
            targets: 'healthy,slow',
            context: SERVICES,
            'build-args': baseFor(builder),
            smoke: 'false',
            scan: 'false',
          },
          env: cache.env(),
        });
        expect(run.exitCode).toBe(0);
        const said = annotations(run.stdout, 'warning').filter((w) => w.includes('GitHub Actions cache'));
        expect(said).toEqual([
          'building without the GitHub Actions cache: the "docker" driver on the classic image store cannot export a cache, so this job would never fill it; use docker/setup-buildx-action (a docker-container builder) or turn on the containerd image store',
        ]);
        expect(run.stdout).not.toMatch(/\[command\]docker buildx build .*--cache-(from|to)/);
        expect(cache.requests).toEqual([]);
      } finally {
        await cache.stop();
      }
    });
  }
});

// Only where the docker driver can use the gha cache (the classic store's run checks that it is not used).
if (STORE === 'containerd')
  describe('the GitHub Actions cache through BuildKit’s own client (v2)', () => {
    const nonce = randomBytes(6).toString('hex');
    const fresh = `msa-fresh-${process.pid}`;
    let cache: FakeCacheService;
    let config: string;
    beforeAll(async () => {
      cache = await new FakeCacheService('v2').start();
      config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'msa-fresh-')), 'buildkitd.toml');
      fs.writeFileSync(config, '[registry."127.0.0.1:5000"]\n  http = true\n  insecure = true\n');
    });
    afterAll(async () => {
      await cache.stop();
      try {
        docker('buildx', 'rm', '--force', fresh);
      } catch {
        // never created
      }
    });

    const leg = (target: string, builder = '') =>
      runAction({
        inputs: {
          target,
          context: '__tests__/fixtures/cache',
          image: 'msa-test/cache-legs',
          builder,
          'build-args': `BUSYBOX_IMAGE=127.0.0.1:5000/multistage-local/busybox:1\nNONCE=${nonce}`,
          smoke: 'false',
          scan: 'false',
        },
        env: cache.env(),
      });

    test('two matrix legs write their own scoped entries through Docker 28.5’s BuildKit', async () => {
      const [a, b] = [await leg('leg-a'), await leg('leg-b')];
      expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
      expect(a.stdout).toMatch(
        /\[command\]docker buildx build .*--cache-to type=gha,scope=leg-a,mode=max,ignore-error=true/,
      );
      const keys = cache.keys();
      expect(keys.filter((k) => k.startsWith('index-leg-a-'))).toHaveLength(1);
      expect(keys.filter((k) => k.startsWith('index-leg-b-'))).toHaveLength(1);
      // BuildKit uploaded its blobs as Azure does (one Put Blob when small, blocks and a block list when not).
      expect(cache.azureRequests.length).toBeGreaterThan(0);
    });

    test('a later run of one leg on a builder that never built it imports its entries: its RUN step is not run again', async () => {
      docker(
        'buildx',
        'create',
        '--name',
        fresh,
        '--driver',
        'docker-container',
        '--driver-opt',
        'network=host',
        '--config',
        config,
        '--bootstrap',
      );
      const downloadsBefore = cache.requests.filter((r) => r.startsWith('GET /devstoreaccount1/')).length;
      const again = await leg('leg-a', fresh);
      expect(again.exitCode).toBe(0);
      expect(again.stdout).toMatch(/importing cache manifest from gha:/);
      const step = `[leg-a 2/2] RUN echo "leg a ${nonce}" > /leg && sleep 1`;
      const id = new RegExp(`(#\\d+) ${step.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`).exec(again.stdout)?.[1];
      expect(id).toBeDefined();
      // Not run again: CACHED, or its layer fetched from the cache (DONE in under the second its sleep would take).
      const done = new RegExp(`${id} (CACHED|DONE (\\d+\\.\\d+)s)`).exec(again.stdout);
      expect(done?.[1] === 'CACHED' || Number(done?.[2]) < 1).toBe(true);
      expect(cache.requests.filter((r) => r.startsWith('GET /devstoreaccount1/')).length).toBeGreaterThan(
        downloadsBefore,
      );
    });
  });
