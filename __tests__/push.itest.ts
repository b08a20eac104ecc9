import { afterAll, describe, expect, test } from '@jest/globals';
import { annotations, docker, leftoverContainers, runAction, NODE_IMAGE } from './helpers/action.js';
import * as fs from 'node:fs';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import {
  attestationsFor,
  FlakyRegistry,
  REGISTRY,
  registryBlob,
  registryDigest,
  registryManifest,
  registryPlatforms,
  type Fault,
} from './helpers/registry.js';

const SERVICES = '__tests__/fixtures/services';
const repo = (name: string) => `msa-test/${name}-${process.pid}`;

function ship(name: string, inputs: Record<string, string>, env: Record<string, string> = {}) {
  return runAction({
    inputs: {
      context: SERVICES,
      image: `${REGISTRY}/${repo(name)}`,
      'build-args': `NODE_IMAGE=${NODE_IMAGE}`,
      push: 'true',
      'upload-sarif': 'false',
      ...inputs,
    },
    env,
  });
}

describe('gated push to a local registry', () => {
  test('a healthy image is pushed as built and tested, with its provenance and SBOM, under every tag', async () => {
    const run = await ship('healthy', { target: 'healthy' });
    expect(annotations(run.stdout, 'error')).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.pushed).toBe('true');
    const digest = run.outputs.digest;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The analysis read the tested manifest's layers from the OCI layout the build wrote: no image export.
    expect(run.stdout).not.toContain('"image","save"');
    const analysis = JSON.parse(run.outputs.analysis) as { layers: { digest: string }[]; imageSize: number };
    expect(analysis.layers.length).toBeGreaterThan(1);
    expect(analysis.imageSize).toBeGreaterThan(1_000_000);
    // One build wrote the layout and loaded the very same index into the engine (a second output): no docker load,
    // and the engine's id for the tag is image-id.
    expect(run.stdout).toMatch(/\[command\]docker buildx build .*--output type=docker,oci-mediatypes=true /);
    expect(run.stdout).not.toContain('"docker","load"');
    expect(docker('image', 'inspect', '--format', '{{.Id}}', `${REGISTRY}/${repo('healthy')}:healthy`).trim()).toBe(
      run.outputs['image-id'],
    );
    const tested = /The build loaded linux\/amd64 \((sha256:[0-9a-f]{64})\) into the engine for the gates/.exec(
      run.stdout,
    )?.[1];
    expect(tested).toBeDefined();
    // The tags name one index: the tested image and its attestation manifest.
    expect(await registryDigest(repo('healthy'), 'healthy')).toBe(digest);
    expect(await registryDigest(repo('healthy'), 'healthy-0123456')).toBe(digest);
    const index = await registryManifest(repo('healthy'), digest);
    const images = (index.manifests ?? []).filter((m) => m.platform?.os !== 'unknown');
    expect(images.map((m) => m.digest)).toEqual([tested]);
    // Provenance (mode=max: a public repository's default, as docker/build-push-action) and the SBOM, both about
    // the tested manifest.
    const { manifest, predicateTypes } = await attestationsFor(repo('healthy'), index, tested ?? '');
    expect(predicateTypes).toEqual(expect.arrayContaining(['https://cyclonedx.org/bom']));
    expect(predicateTypes.some((t) => t.startsWith('https://slsa.dev/provenance/'))).toBe(true);
    const sbomLayer = (manifest.layers ?? []).find(
      (l) => l.annotations?.['in-toto.io/predicate-type'] === 'https://cyclonedx.org/bom',
    );
    const statement = await registryBlob<{ subject: { digest: { sha256: string } }[]; predicate: unknown }>(
      repo('healthy'),
      sbomLayer?.digest ?? '',
    );
    expect(`sha256:${statement.subject[0].digest.sha256}`).toBe(tested);
    expect(statement.predicate).toEqual(JSON.parse(fs.readFileSync(run.outputs['sbom-file'], 'utf8')));
    expect(statement.predicate).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.7' });
    // The real Trivy's CycloneDX, valid against that version's JSON schema (strict), lists the image's packages.
    const bom = fs.readFileSync(run.outputs['sbom-file'], 'utf8');
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot7).validate(bom)).toBeNull();
    expect(bom).toContain('"name": "npm"');
    // buildx reads the provenance back, as a user would check it.
    const provenance = JSON.parse(
      docker(
        'buildx',
        'imagetools',
        'inspect',
        `${REGISTRY}/${repo('healthy')}:healthy`,
        '--format',
        '{{json .Provenance}}',
      ),
    ) as { SLSA?: { buildType?: string } };
    expect(provenance.SLSA?.buildType).toBeTruthy();
    expect(run.summary).toMatch(
      /\| ✅ `sha256:[0-9a-f]{12}…`<br>provenance \(mode=max\), SBOM \(\d+ packages, attached\) \|/,
    );
    // The order of the road, in the log.
    const order = [
      '::group::Build healthy',
      '::group::Smoke test healthy',
      '::group::Scan healthy',
      '::group::Upload SARIF of healthy',
      '::group::Push healthy',
    ];
    const positions = order.map((marker) => run.stdout.indexOf(marker));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  test('no attestation and one platform: docker push of the tested image, the same digest', async () => {
    const run = await ship('plain', { target: 'healthy', provenance: 'false', sbom: 'false' });
    expect(annotations(run.stdout, 'error')).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.digest).toBe(run.outputs['image-id']);
    expect(await registryDigest(repo('plain'), 'healthy')).toBe(run.outputs.digest);
    expect(run.outputs['sbom-file']).toBe('');
    expect(run.stdout).toContain('::debug::exec: ["docker","push"');
  });

  test('an image failing its smoke test is never pushed, and the log says so', async () => {
    const run = await ship('crash', { target: 'crash' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.pushed).toBe('false');
    expect(annotations(run.stdout, 'warning').join('\n')).toContain(
      'Nothing pushed for crash: the smoke gate did not pass',
    );
    expect(run.stdout).not.toContain('::group::Push crash');
    expect(await registryDigest(repo('crash'), 'crash')).toBeUndefined();
    expect(leftoverContainers(run.runId)).toEqual([]);
  });

  test('an image failing fail-on is never pushed, though its findings were uploaded', async () => {
    // The real Trivy finds the fixture DB's CRITICAL advisories in what `vulnerable` holds.
    const run = await ship('critical', { target: 'vulnerable', smoke: 'false' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.pushed).toBe('false');
    expect(annotations(run.stdout, 'warning').join('\n')).toContain(
      'Nothing pushed for vulnerable: the scan gate did not pass',
    );
    expect(await registryDigest(repo('critical'), 'vulnerable')).toBeUndefined();
  });

  test('failed tests push nothing', async () => {
    const run = await ship('tests', { target: 'healthy', 'test-target': 'results-fail' });
    expect(run.exitCode).toBe(1);
    expect(annotations(run.stdout, 'warning').join('\n')).toContain(
      'Nothing pushed for healthy: the test gate did not pass',
    );
    expect(await registryDigest(repo('tests'), 'healthy')).toBeUndefined();
  });

  test('two targets in one step: one row each, JSON outputs keyed by target, the failure reported after both ran', async () => {
    const run = await ship('two', { targets: 'healthy\ncrash' });
    expect(run.exitCode).toBe(1);
    expect(JSON.parse(run.outputs.pushed)).toEqual({ healthy: true, crash: false });
    // An object per target, not a JSON string inside JSON (no second fromJSON).
    expect(JSON.parse(run.outputs.vulnerabilities).healthy).toEqual({
      UNKNOWN: 0,
      LOW: 0,
      MEDIUM: 0,
      HIGH: 0,
      CRITICAL: 0,
    });
    expect(JSON.parse(run.outputs.smoke)).toEqual({ healthy: 'passed', crash: 'failed' });
    expect(Object.keys(JSON.parse(run.outputs['image-id']))).toEqual(['healthy', 'crash']);
    expect(run.summary.match(/^\| `(healthy|crash)` \|/gm)).toEqual(['| `healthy` |', '| `crash` |']);
    expect(run.summary).toContain('### crash: ❌ smoke did not pass');
    expect(annotations(run.stdout, 'error').at(-1)).toBe('1 of 2 targets failed: crash (smoke: gate)');
    expect(await registryDigest(repo('two'), 'healthy')).toBe(JSON.parse(run.outputs.digest).healthy);
    expect(await registryDigest(repo('two'), 'crash')).toBeUndefined();
    // The shared base stage was built once: the second target's base steps are cache hits.
    expect(run.stdout).toMatch(/::group::Build crash[\s\S]*\[base 2\/3\] WORKDIR \/srv\n#\d+ CACHED/);
  });

  test("several platforms: gated on the engine's own, then the multi-platform image pushed", async () => {
    const run = await ship('multi', { target: 'static', platforms: 'linux/amd64,linux/arm64' });
    expect(annotations(run.stdout, 'error')).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.pushed).toBe('true');
    // One build: its linux/amd64 image loaded from the layout for the gates (the engine takes one platform), the
    // whole result pushed as it was built.
    expect(run.stdout.match(/\[command\]docker buildx build/g)).toHaveLength(1);
    expect(run.stdout).toMatch(/Loaded linux\/amd64 \(sha256:[0-9a-f]{64}\) into the engine for the gates/);
    expect(run.summary).toContain('(gated on linux/amd64)');
    expect(await registryPlatforms(repo('multi'), 'static')).toEqual(['linux/amd64', 'linux/arm64']);
    expect(await registryDigest(repo('multi'), 'static')).toBe(run.outputs.digest);
    const index = await registryManifest(repo('multi'), run.outputs.digest);
    const amd64 = (index.manifests ?? []).find((m) => m.platform?.architecture === 'amd64');
    expect(amd64?.digest).toBe(run.outputs['image-id']);
  });
});

describe('a registry in trouble', () => {
  const proxied: string[] = [];
  async function shipThrough(fault: Fault, name: string, inputs: Record<string, string>) {
    const registry = new FlakyRegistry(fault);
    const host = await registry.start();
    proxied.push(`${host}/${repo(name)}`);
    try {
      const run = await ship(name, { image: `${host}/${repo(name)}`, ...inputs });
      return { run, failed: registry.failed };
    } finally {
      await registry.stop();
    }
  }
  const manifestPut = (method: string, url: string) => method === 'PUT' && url.includes('/manifests/');

  test('500s on the manifest upload are retried, and the tested image lands under every tag', async () => {
    // Two failures of the first tag's manifest: Docker 28 retries a manifest PUT once by itself, Docker 26 does not;
    // either way `docker push` of that tag fails at least once and the action's retry takes it from there.
    const firstTag = (method: string, url: string) => manifestPut(method, url) && url.endsWith('/manifests/healthy');
    const { run, failed } = await shipThrough({ matches: firstTag, status: 500, times: 2 }, 'flaky', {
      target: 'healthy',
      smoke: 'false',
      provenance: 'false',
      sbom: 'false',
    });
    expect(failed).toHaveLength(2);
    expect(annotations(run.stdout, 'error')).toEqual([]);
    const warnings = annotations(run.stdout, 'warning');
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    for (const warning of warnings) {
      expect(warning).toMatch(
        /^Pushing localhost:\d+\/msa-test\/flaky-\d+:healthy: the registry failed \(.*(500 Internal Server Error|error from registry: unknown error)\); retrying in [25] s \(retry [12] of 2\)$/,
      );
    }
    expect(run.exitCode).toBe(0);
    expect(run.outputs.pushed).toBe('true');
    expect(await registryDigest(repo('flaky'), 'healthy')).toBe(run.outputs.digest);
    expect(await registryDigest(repo('flaky'), 'healthy-0123456')).toBe(run.outputs.digest);
  });

  test('a registry that keeps answering 503: two retries, then a clear failure and no tag in the registry', async () => {
    const { run, failed } = await shipThrough({ matches: manifestPut, status: 503, times: Infinity }, 'down', {
      target: 'healthy',
      smoke: 'false',
      provenance: 'false',
      sbom: 'false',
    });
    // The action's first push and its two retries each reach the registry (Docker 28 tries each twice itself).
    expect(failed.length).toBeGreaterThanOrEqual(3);
    expect(annotations(run.stdout, 'warning').filter((w) => w.includes('retrying in'))).toHaveLength(2);
    expect(run.exitCode).toBe(1);
    expect(run.outputs.pushed).toBe('false');
    const errors = annotations(run.stdout, 'error').join('\n');
    expect(errors).toMatch(/Pushing localhost:\d+\/msa-test\/down-\d+:healthy failed \(nothing was pushed\)/);
    expect(errors).toMatch(/503 Service Unavailable|error from registry: service unavailable/);
    expect(await registryDigest(repo('down'), 'healthy')).toBeUndefined();
  });

  test('an OCI layout push (cosign load) to a registry that keeps answering 503: retried, then a clear failure, no tag', async () => {
    const { run, failed } = await shipThrough({ matches: manifestPut, status: 503, times: Infinity }, 'down2', {
      target: 'healthy',
      smoke: 'false',
    });
    expect(failed.length).toBeGreaterThanOrEqual(3);
    const retries = annotations(run.stdout, 'warning').filter((w) => w.includes('retrying in'));
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatch(
      /^Pushing localhost:\d+\/msa-test\/down2-\d+@sha256:[0-9a-f]{64}: the registry failed \(/,
    );
    expect(run.exitCode).toBe(1);
    expect(run.outputs.pushed).toBe('false');
    const errors = annotations(run.stdout, 'error').join('\n');
    expect(errors).toMatch(/Pushing localhost:\d+\/msa-test\/down2-\d+@sha256:[0-9a-f]{64} failed \(no tag was set\)/);
    expect(errors).toContain('UNAVAILABLE: service unavailable');
    expect(await registryDigest(repo('down2'), 'healthy')).toBeUndefined();
  });

  test('several platforms: a 500 on the HEAD of a tag is retried and the index pushed', async () => {
    const { run, failed } = await shipThrough(
      {
        matches: (method, url) => method === 'HEAD' && url.endsWith('/manifests/static-0123456'),
        status: 500,
        times: 1,
      },
      'multiflaky',
      { target: 'static', platforms: 'linux/amd64,linux/arm64' },
    );
    // The push met the 500 and recovered (cosign's own retry, or the action's): the index is under both tags.
    expect(failed).toHaveLength(1);
    expect(annotations(run.stdout, 'error')).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(await registryPlatforms(repo('multiflaky'), 'static')).toEqual(['linux/amd64', 'linux/arm64']);
    expect(await registryDigest(repo('multiflaky'), 'static-0123456')).toBe(run.outputs.digest);
  });

  afterAll(() => removeImages(proxied));
});

function removeImages(repositories: string[]): void {
  for (const repository of repositories) {
    const images = docker('images', '--format', '{{.Repository}}:{{.Tag}}', repository).split('\n').filter(Boolean);
    if (images.length) docker('rmi', '--force', ...images);
  }
}

afterAll(() =>
  removeImages(
    ['healthy', 'plain', 'crash', 'critical', 'tests', 'two', 'multi'].map((name) => `${REGISTRY}/${repo(name)}`),
  ),
);
