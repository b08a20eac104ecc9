import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { decideRelease } from '../src/release/plan.js';
import { COSIGN, COSIGN_KEY_ENV, signArgs } from '../src/release/cosign.js';
import { normalizedName } from '../src/release/layout.js';
import { tarHeader, tarStream } from '../src/release/tar.js';
import { nameTargets, mergeByKey } from '../src/meta/naming.js';
import { parseFlavor, parseTagEntries } from '../src/meta/tags.js';
import { countSbomPackages } from '../src/scan/phase.js';
import { trivySbomArgs } from '../src/scan/trivy-args.js';
import { readContext } from '../src/context.js';
import { ConfigurationError } from '../src/errors.js';
import type { Inputs } from '../src/inputs.js';
import type { RefContext } from '../src/meta/event.js';
import { SHARED_FIXTURES, trivyBin } from './helpers/servers.js';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';

const ctx = {
  ...readContext({}),
  onGitHub: true,
  repository: 'acme/shop',
  serverUrl: 'https://github.com',
  runId: '42',
};
const publicRepo = { repository: { private: false } };
const privateRepo = { repository: { private: true } };
const containerd = { driver: 'docker', containerdStore: true };
const classic = { driver: 'docker', containerdStore: false };
const container = { driver: 'docker-container', containerdStore: false };
type ReleaseInputs = Parameters<typeof decideRelease>[0];
const base: ReleaseInputs = {
  push: true,
  scan: true,
  provenance: { kind: 'default' },
  sbom: undefined,
  sign: 'false',
  'cosign-key': '',
  'cosign-password': '',
  platforms: [],
};
const oidc = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions/x', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' };
const BUILDER = 'builder-id=https://github.com/acme/shop/actions/runs/42/attempts/3';

describe('decideRelease: how what passes the gates reaches the registry', () => {
  test.each([
    [
      'public repository: mode=max, pushed as a layout with the SBOM',
      base,
      container,
      publicRepo,
      {},
      { path: 'layout', provenance: `mode=max,${BUILDER}`, provenanceMode: 'max', sbom: true, attachSbom: true },
    ],
    [
      'private repository: mode=min inline-only, as docker/build-push-action',
      base,
      containerd,
      privateRepo,
      {},
      { path: 'layout', provenance: `mode=min,inline-only=true,${BUILDER}`, provenanceMode: 'min' },
    ],
    [
      'an explicit mode wins; its builder-id too',
      { ...base, provenance: { kind: 'on', attrs: 'mode=min,builder-id=mine' } },
      container,
      publicRepo,
      {},
      { provenance: 'mode=min,builder-id=mine', provenanceMode: 'min' },
    ],
    [
      'provenance false and no SBOM, one platform: docker push',
      { ...base, provenance: { kind: 'off' }, sbom: false },
      container,
      publicRepo,
      {},
      { path: 'docker-push', provenance: undefined, sbom: false, cosign: false },
    ],
    [
      'provenance false but several platforms: a layout with --provenance false',
      { ...base, provenance: { kind: 'off' }, sbom: false, platforms: ['linux/amd64', 'linux/arm64'] },
      container,
      publicRepo,
      {},
      { path: 'layout', provenance: 'false', cosign: true },
    ],
    [
      'a signature alone: a layout, so the digest is signed before any tag names it',
      { ...base, provenance: { kind: 'off' }, sbom: false, sign: 'key', 'cosign-key': 'k', 'cosign-password': 'p' },
      container,
      publicRepo,
      {},
      { path: 'layout', provenance: 'false', signer: { mode: 'key', key: 'k', password: 'p' } },
    ],
    [
      'BUILDX_NO_DEFAULT_ATTESTATIONS=1 turns the default off',
      { ...base, sbom: false },
      container,
      publicRepo,
      { BUILDX_NO_DEFAULT_ATTESTATIONS: '1' },
      { path: 'docker-push', provenance: undefined },
    ],
    [
      'classic store: docker push, the SBOM written but not attached, said',
      base,
      classic,
      publicRepo,
      {},
      { path: 'docker-push', provenance: undefined, sbom: true, attachSbom: false },
    ],
    [
      'not pushing: an SBOM only when asked, nothing signed',
      { ...base, push: false, sign: 'key' },
      container,
      publicRepo,
      {},
      { sbom: false, attachSbom: false, cosign: false },
    ],
    ['no scan: no SBOM, said', { ...base, scan: false }, container, publicRepo, {}, { sbom: false, attachSbom: false }],
    [
      'sign: auto with an OIDC token: keyless',
      { ...base, sign: 'auto' },
      container,
      publicRepo,
      oidc,
      { signer: { mode: 'keyless' }, cosign: true },
    ],
    [
      'sign: auto without one: off, said',
      { ...base, sign: 'auto', provenance: { kind: 'off' }, sbom: false },
      container,
      publicRepo,
      {},
      { signer: undefined, cosign: false },
    ],
  ] as const)('%s', (_name, inputs, caps, ref, env, expected) => {
    const plan = decideRelease(inputs as ReleaseInputs, caps, ctx, ref, { GITHUB_RUN_ATTEMPT: '3', ...env });
    expect(plan).toMatchObject(expected);
  });

  test('what is left out is said once, in words', () => {
    expect(decideRelease(base, classic, ctx, publicRepo, {}).notices).toEqual([
      'No provenance is attached: the "docker" driver on the classic image store keeps no attestations; use docker/setup-buildx-action (a docker-container builder) or turn on the containerd image store',
      'The SBOM is written (sbom-file) but not attached: the "docker" driver on the classic image store keeps no attestations; use docker/setup-buildx-action (a docker-container builder) or turn on the containerd image store',
    ]);
    expect(decideRelease({ ...base, sign: 'auto' }, container, ctx, publicRepo, {}).notices).toEqual([
      'sign: auto: this job cannot get an OIDC token (permissions: id-token: write), so nothing is signed',
    ]);
    expect(decideRelease({ ...base, scan: false }, container, ctx, publicRepo, {}).notices).toEqual([
      'No SBOM is attached: it comes from the scan, which is off (scan: false)',
    ]);
  });

  test.each([
    [
      'explicit provenance on the classic store',
      { ...base, provenance: { kind: 'on', attrs: 'mode=max' } },
      classic,
      {},
      'provenance',
    ],
    ['keyless without an OIDC token', { ...base, sign: 'keyless' }, container, {}, 'sign'],
    ['an SBOM without the scan it comes from', { ...base, sbom: true, scan: false }, container, {}, 'sbom'],
  ] as const)('refused before any work: %s', (_name, inputs, caps, env, input) => {
    let caught: unknown;
    try {
      decideRelease(inputs as ReleaseInputs, caps, ctx, publicRepo, env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    expect((caught as ConfigurationError).input).toBe(input);
  });
});

describe('cosign sign argv and environment, against cosign 3.1 flags', () => {
  const files = { bundle: '/t/sig.sigstore.json', signingConfig: '/t/cfg.json' };
  const ref = `reg.example/acme/shop@sha256:${'a'.repeat(64)}`;
  test('key: the key and password travel in the environment, never argv; no transparency log', () => {
    const key = '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nabc\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----';
    const { args, env } = signArgs({ mode: 'key', key, password: 'pw' }, ref, files);
    expect(args).toEqual([
      'sign',
      '--yes',
      '--bundle',
      files.bundle,
      '--key',
      `env://${COSIGN_KEY_ENV}`,
      '--signing-config',
      files.signingConfig,
      ref,
    ]);
    expect(env).toEqual({ [COSIGN_KEY_ENV]: key, COSIGN_PASSWORD: 'pw' });
    expect(args.join(' ')).not.toContain('pw');
    expect(args.join(' ')).not.toContain('PRIVATE KEY');
  });
  test('a KMS key is a URI cosign opens itself', () => {
    const { args, env } = signArgs({ mode: 'key', key: 'awskms:///alias/release', password: '' }, ref, files);
    expect(args).toContain('awskms:///alias/release');
    expect(env).toEqual({ COSIGN_PASSWORD: '' });
  });
  test("keyless: no key, cosign's public signing config (Fulcio, Rekor); the token comes from the job", () => {
    const { args, env } = signArgs({ mode: 'keyless' }, ref, files);
    expect(args).toEqual(['sign', '--yes', '--bundle', files.bundle, ref]);
    expect(env).toEqual({});
  });
  test('every flag used is one cosign 3.1.1 has (its own help)', () => {
    const cosign = spawnSync('cosign', ['sign', '--help'], { encoding: 'utf8' });
    expect(cosign.status).toBe(0);
    for (const flag of ['--yes', '--bundle', '--key', '--signing-config']) expect(cosign.stdout).toContain(`${flag}`);
    const load = spawnSync('cosign', ['load', '--help'], { encoding: 'utf8' });
    expect(load.stdout).toContain('--dir');
  });
  test('the release asset and checksum file cosign publishes', () => {
    expect(COSIGN.asset('3.1.1', 'linux', 'x64')).toBe('cosign-linux-amd64');
    expect(COSIGN.asset('3.1.1', 'darwin', 'arm64')).toBe('cosign-darwin-arm64');
    expect(() => COSIGN.asset('3.1.1', 'win32', 'x64')).toThrow('no release');
    expect(COSIGN.checksums('3.1.1')).toBe('cosign_checksums.txt');
    expect(COSIGN.versionFrom('GitVersion:    v3.1.1\nGitCommit: x')).toBe('3.1.1');
    expect(COSIGN.versionFrom('GitVersion:    devel')).toBeUndefined();
  });
});

describe('names and archives', () => {
  test.each([
    ['app:1', 'docker.io/library/app:1'],
    ['acme/shop', 'docker.io/acme/shop:latest'],
    ['localhost/x:2', 'localhost/x:2'],
    ['127.0.0.1:5000/acme/shop:web', '127.0.0.1:5000/acme/shop:web'],
    ['ghcr.io/acme/shop:v1', 'ghcr.io/acme/shop:v1'],
  ])('the containerd store names %s %s', (reference, normalized) => {
    expect(normalizedName(reference)).toBe(normalized);
  });
  test('tar: what GNU tar reads back, sizes past 8 GiB in base-256', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-tar-'));
    const file = path.join(dir, 'blob');
    fs.writeFileSync(file, 'layer bytes\n');
    const chunks: Buffer[] = [];
    for await (const chunk of tarStream([
      { name: 'index.json', data: Buffer.from('{}') },
      { name: 'blobs/sha256/abc', file, size: 12 },
    ]))
      chunks.push(chunk as Buffer);
    fs.writeFileSync(path.join(dir, 'a.tar'), Buffer.concat(chunks));
    expect(execFileSync('tar', ['-tf', path.join(dir, 'a.tar')], { encoding: 'utf8' })).toBe(
      'index.json\nblobs/sha256/abc\n',
    );
    expect(execFileSync('tar', ['-xOf', path.join(dir, 'a.tar'), 'blobs/sha256/abc'], { encoding: 'utf8' })).toBe(
      'layer bytes\n',
    );
    const big = tarHeader('x', 9 * 1024 ** 3);
    expect(big[124]).toBe(0x80);
    expect(() => tarHeader('n'.repeat(101), 1)).toThrow('longer than 100');
    fs.rmSync(dir, { recursive: true });
  });
  test('a user label replaces the default with its key', () => {
    expect(mergeByKey(['a=1', 'b=2'], ['b=3', 'c=4'])).toEqual(['a=1', 'b=3', 'c=4']);
  });
});

describe('nameTargets: every target its own names', () => {
  const ref: RefContext = {
    eventName: 'push',
    ref: 'refs/tags/v1.2.3',
    sha: '860c1904a1ce19322e91ac35af1ab07466440c37',
    commitDate: new Date('2026-01-02T03:04:05Z'),
    date: new Date('2026-01-02T03:04:05Z'),
    shortShaLength: 7,
    repository: { url: 'https://github.com/acme/shop', license: 'MIT' },
  };
  const inputs = (over: Partial<Inputs>): Parameters<typeof nameTargets>[0] => ({
    image: 'ghcr.io/acme/shop',
    tags: [],
    flavor: parseFlavor([]),
    labels: [],
    annotations: [],
    targets: ['backend'],
    push: true,
    platforms: [],
    ...over,
  });
  test("no tags: today's defaults, and the OCI set as labels and annotations", () => {
    const names = nameTargets(inputs({}), ref, () => undefined).get('backend');
    expect(names?.tags).toEqual(['ghcr.io/acme/shop:backend', 'ghcr.io/acme/shop:backend-860c190']);
    expect(names?.labels).toContain('org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37');
    expect(names?.annotations).toContain('org.opencontainers.image.licenses=MIT');
  });
  test('semver rules with several targets: a -<target> suffix keeps them apart; version and labels follow', () => {
    const names = nameTargets(
      inputs({
        targets: ['backend', 'frontend'],
        tags: parseTagEntries(['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}']),
        labels: ['org.opencontainers.image.title=Shop'],
      }),
      ref,
      () => undefined,
    );
    expect(names.get('backend')?.tags).toEqual([
      'ghcr.io/acme/shop:1.2.3-backend',
      'ghcr.io/acme/shop:1.2-backend',
      'ghcr.io/acme/shop:latest-backend',
    ]);
    expect(names.get('frontend')?.version).toBe('1.2.3-frontend');
    expect(names.get('frontend')?.labels).toContain('org.opencontainers.image.version=1.2.3-frontend');
    expect(names.get('frontend')?.labels).toContain('org.opencontainers.image.title=Shop');
    expect(names.get('frontend')?.labels).not.toContain('org.opencontainers.image.title=frontend');
  });
  test('{{target}} in the image: no suffix; several platforms put annotations on the index too', () => {
    const names = nameTargets(
      inputs({
        image: 'ghcr.io/acme/{{target}}',
        targets: ['backend', 'frontend'],
        tags: parseTagEntries(['type=semver,pattern={{version}}']),
        annotations: ['org.example.team=shop'],
        platforms: ['linux/amd64', 'linux/arm64'],
      }),
      ref,
      () => undefined,
    );
    expect(names.get('frontend')?.tags).toEqual(['ghcr.io/acme/frontend:1.2.3', 'ghcr.io/acme/frontend:latest']);
    expect(names.get('frontend')?.annotations).toEqual(
      expect.arrayContaining(['manifest:org.example.team=shop', 'index:org.example.team=shop']),
    );
  });
  test('two targets under one tag, and rules that give nothing to push under, are refused by name', () => {
    expect(() =>
      nameTargets(
        // The -<target> suffix keeps targets apart, unless their names make it meet: x-b + -a and x + -b-a.
        inputs({ targets: ['a', 'b-a'], tags: parseTagEntries(['x', 'x-b']) }),
        ref,
        () => undefined,
      ),
    ).toThrow('Input "tags": targets a and b-a would both be tagged ghcr.io/acme/shop:x-b-a');
    expect(() => nameTargets(inputs({ tags: parseTagEntries(['type=ref,event=pr']) }), ref, () => undefined)).toThrow(
      /Input "tags": gives no tag for this run/,
    );
    const said: string[] = [];
    const names = nameTargets(inputs({ push: false, tags: parseTagEntries(['type=ref,event=pr']) }), ref, (m) =>
      said.push(m),
    );
    expect(names.get('backend')?.tags[0]).toBe('ghcr.io/acme/shop:backend');
    expect(said[0]).toContain('the image is named ghcr.io/acme/shop:backend');
  });
});

describe("the SBOM: Trivy's CycloneDX, counted", () => {
  test('the packages of the recorded conversion (npm-cyclonedx.json.golden)', () => {
    const text = fs.readFileSync(path.join(SHARED_FIXTURES, 'trivy', 'npm-cyclonedx.json.golden'), 'utf8');
    expect(countSbomPackages(text)).toBe(12);
    expect(countSbomPackages('{"bomFormat":"SPDX"}')).toBe(-1);
    expect(countSbomPackages('not json')).toBe(-1);
    expect(
      countSbomPackages(
        '{"bomFormat":"CycloneDX","components":[{"type":"library","components":[{"type":"library"}]}]}',
      ),
    ).toBe(2);
  });
  test('argv: the same report, converted once more', () => {
    expect(trivySbomArgs('/t/r.json', '/o/sbom-web.cdx.json')).toEqual([
      'convert',
      '--format',
      'cyclonedx',
      '--output',
      '/o/sbom-web.cdx.json',
      '/t/r.json',
    ]);
  });

  // The real Trivy (scripts/build-trivy.sh), on a report Trivy's own tests recorded.
  const trivy = (args: string[]) =>
    spawnSync(path.join(trivyBin(), 'trivy'), args, { encoding: 'utf8', env: { ...process.env } });
  test("Trivy's CycloneDX conversion is a valid CycloneDX document (its schema, strict) and lists every package", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-sbom-'));
    const bom = path.join(dir, 'bom.json');
    const report = path.join(SHARED_FIXTURES, 'trivy', 'npm.json.golden');
    const converted = trivy(trivySbomArgs(report, bom));
    expect(converted.stderr).not.toContain('WARN');
    expect(converted.status).toBe(0);
    const text = fs.readFileSync(bom, 'utf8');
    const made = JSON.parse(text) as { specVersion: string };
    // Trivy 0.74 writes CycloneDX 1.7: validated against that version's JSON schema, and against 1.6's (what
    // consumers that stop at 1.6 check), both strict.
    expect(made).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.7' });
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot7);
    expect(await validator.validate(text)).toBeNull();
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text)).toBeNull();
    const packages = (
      JSON.parse(fs.readFileSync(report, 'utf8')) as { Results: { Packages?: unknown[] }[] }
    ).Results.flatMap((r) => r.Packages ?? []);
    expect(packages.length).toBeGreaterThan(0);
    expect(countSbomPackages(text)).toBe(packages.length);
    // The strictness is real: a document missing what the schema requires is refused.
    expect(await validator.validate(JSON.stringify({ ...made, bomFormat: 'SPDX' }))).not.toBeNull();
    // A bad flag value is refused by Trivy itself, not quietly taken.
    const bad = trivy(['image', '--list-all-pkgs=maybe', '--format', 'json', 'acme/shop:web']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('invalid argument "maybe" for "--list-all-pkgs" flag');
    fs.rmSync(dir, { recursive: true });
  });
});
