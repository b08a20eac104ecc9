import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { annotations, docker, NODE_IMAGE, runAction } from './helpers/action.js';
import { REGISTRY, registryDigest } from './helpers/registry.js';
import { trivyBin } from './helpers/servers.js';

/**
 * What a release needs from the pushed image, on the real engine, cosign 3.1.1 and the local registry: a signature
 * a release process verifies with `cosign verify --key`, refusals before any work, keyless signing's arguments and
 * environment, and BuildKit's build checks on the docker-container builder.
 */
const SERVICES = '__tests__/fixtures/services';
const repo = (name: string) => `msa-test/release-${name}-${process.pid}`;
const STORE = process.env.MSA_IMAGE_STORE;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-release-'));
const PASSWORD = 'correct horse battery staple';
let privateKey = '';

function ship(name: string, inputs: Record<string, string>, env: Record<string, string> = {}) {
  return runAction({
    inputs: {
      context: SERVICES,
      target: 'healthy',
      image: `${REGISTRY}/${repo(name)}`,
      'build-args': `NODE_IMAGE=${NODE_IMAGE}`,
      push: 'true',
      smoke: 'false',
      'upload-sarif': 'false',
      ...inputs,
    },
    env,
  });
}

beforeAll(() => {
  // A key pair as `cosign generate-key-pair` makes it (encrypted with the password).
  execFileSync('cosign', ['generate-key-pair'], { cwd: work, env: { ...process.env, COSIGN_PASSWORD: PASSWORD } });
  privateKey = fs.readFileSync(path.join(work, 'cosign.key'), 'utf8');
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('signing with cosign', () => {
  test('sign: key signs the pushed digest; cosign verify --key accepts it; the key never shows', async () => {
    const run = await ship('signed', { sign: 'key', 'cosign-key': privateKey, 'cosign-password': PASSWORD });
    expect(annotations(run.stdout, 'error')).toEqual([]);
    expect(run.exitCode).toBe(0);
    const digest = run.outputs.digest;
    expect(await registryDigest(repo('signed'), 'healthy')).toBe(digest);
    // What a release process runs (no transparency log: the key is the trust, and this signs offline).
    const verify = spawnSync(
      'cosign',
      [
        'verify',
        '--key',
        path.join(work, 'cosign.pub'),
        '--insecure-ignore-tlog=true',
        `${REGISTRY}/${repo('signed')}@${digest}`,
      ],
      { encoding: 'utf8' },
    );
    expect(verify.stderr).toContain('The signatures were verified against the specified public key');
    expect(verify.status).toBe(0);
    expect(JSON.parse(verify.stdout)[0].critical.image['docker-manifest-digest']).toBe(digest);
    // The signature output: the Sigstore bundle cosign wrote.
    const bundle = JSON.parse(fs.readFileSync(run.outputs.signature, 'utf8')) as { mediaType: string };
    expect(bundle.mediaType).toMatch(/^application\/vnd\.dev\.sigstore\.bundle/);
    expect(run.summary).toContain('signed (key)');
    // Masked (the runner hides what ::add-mask:: names) and never printed otherwise.
    const printed = run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    expect(run.stdout).toContain(`::add-mask::${PASSWORD}`);
    expect(printed).not.toContain(privateKey.split('\n')[1]);
    expect(printed).not.toContain(PASSWORD);
    // A key that is not ours does not verify it.
    const other = fs.mkdtempSync(path.join(work, 'other-'));
    execFileSync('cosign', ['generate-key-pair'], { cwd: other, env: { ...process.env, COSIGN_PASSWORD: 'x' } });
    const wrong = spawnSync(
      'cosign',
      [
        'verify',
        '--key',
        path.join(other, 'cosign.pub'),
        '--insecure-ignore-tlog=true',
        `${REGISTRY}/${repo('signed')}@${digest}`,
      ],
      { encoding: 'utf8' },
    );
    expect(wrong.status).not.toBe(0);
  });

  test('a wrong password is refused by name before anything is built', async () => {
    const run = await ship('wrongpw', { sign: 'key', 'cosign-key': privateKey, 'cosign-password': 'not it' });
    expect(run.exitCode).toBe(1);
    expect(annotations(run.stdout, 'error').join('\n')).toContain('Input "cosign-password"');
    expect(run.stdout).not.toContain('::group::Build healthy');
    expect(await registryDigest(repo('wrongpw'), 'healthy')).toBeUndefined();
  });

  test("keyless without the job's OIDC token (no id-token: write) is refused by name before any work", async () => {
    const run = await ship('nooidc', { sign: 'keyless' });
    expect(run.exitCode).toBe(1);
    expect(annotations(run.stdout, 'error').join('\n')).toContain(
      'Input "sign": keyless signing needs the job\'s OIDC token',
    );
    expect(run.stdout).not.toContain('::group::Build healthy');
  });

  describe("keyless, with a stand-in for the runner's OIDC endpoint", () => {
    let server: http.Server;
    let tokenUrl = '';
    const requests: string[] = [];
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ value: 'stand-in.jwt.token' }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token?api-version=2.0`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    test("cosign gets cosign's documented keyless arguments and the job's OIDC variables; no tag before a signature", async () => {
      // A recording cosign in front of the real one: what the action ran it with, and the variables cosign's
      // GitHub provider reads (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN; it asks for audience=sigstore).
      const bin = fs.mkdtempSync(path.join(work, 'bin-'));
      const log = path.join(bin, 'calls.jsonl');
      const real = execFileSync('bash', ['-c', 'command -v cosign'], { encoding: 'utf8' }).trim();
      fs.writeFileSync(
        path.join(bin, 'cosign'),
        `#!/usr/bin/env node\nconst fs = require('fs');\nfs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: process.argv.slice(2), url: process.env.ACTIONS_ID_TOKEN_REQUEST_URL, token: process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN, key: process.env.MULTISTAGE_COSIGN_KEY }) + '\\n');\nconst r = require('child_process').spawnSync(${JSON.stringify(real)}, process.argv.slice(2), { stdio: 'inherit' });\nprocess.exit(r.status ?? 1);\n`,
        { mode: 0o755 },
      );
      const run = await ship(
        'keyless',
        { sign: 'keyless', provenance: 'false', sbom: 'false' },
        {
          PATH: `${bin}:${trivyBin()}:${process.env.PATH}`,
          ACTIONS_ID_TOKEN_REQUEST_URL: tokenUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'stand-in-request-token',
        },
      );
      const calls = fs
        .readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { argv: string[]; url?: string; token?: string; key?: string });
      const sign = calls.find((c) => c.argv[0] === 'sign');
      expect(sign).toBeDefined();
      const digestRef = sign?.argv.at(-1) ?? '';
      expect(digestRef).toMatch(new RegExp(`^${REGISTRY}/${repo('keyless')}@sha256:[0-9a-f]{64}$`));
      expect(sign?.argv.slice(0, -1)).toEqual([
        'sign',
        '--yes',
        '--bundle',
        expect.stringMatching(/\.sigstore\.json$/),
      ]);
      // No key of any kind: cosign's keyless flow.
      expect(sign?.argv).not.toContain('--key');
      expect(sign?.key).toBeUndefined();
      expect(sign?.url).toBe(tokenUrl);
      expect(sign?.token).toBe('stand-in-request-token');
      // Every flag is one `cosign sign --help` documents.
      const help = execFileSync(real, ['sign', '--help'], { encoding: 'utf8' });
      for (const flag of sign?.argv.filter((a) => a.startsWith('--')) ?? []) expect(help).toContain(flag);
      // Offline, Sigstore's public services cannot be reached: the signature fails as the tool failure it is,
      // and since signing comes before tagging, no tag names the unsigned image.
      expect(run.exitCode).toBe(1);
      const errors = annotations(run.stdout, 'error').join('\n');
      expect(errors).toMatch(/A tool failed in the push of healthy: Signing .*@sha256:[0-9a-f]{64} failed/);
      expect(await registryDigest(repo('keyless'), 'healthy')).toBeUndefined();
      expect(run.stdout).not.toContain('stand-in-request-token');
      // Offline, cosign stops at Sigstore's TUF repository before it asks the endpoint for a token, so what the
      // endpoint would be asked (audience=sigstore, the request token as bearer) is cosign's to test; the real
      // exchange is the release workflow's keyless job.
    });
  });
});

describe('build checks on the docker-container builder (BuildKit 0.32 lints)', () => {
  const builderUp = STORE === 'containerd';
  const inputs = {
    context: '__tests__/fixtures/lint',
    target: 'app',
    builder: 'msa-container',
    'build-args': 'BASE=127.0.0.1:5000/multistage-local/busybox:1',
    image: 'msa-test/lint',
    smoke: 'false',
    scan: 'false',
    'upload-sarif': 'false',
  };
  /** `::warning file=...,line=...,title=...::message` lines, with their properties. */
  const warningsWithProps = (stdout: string) =>
    stdout
      .split('\n')
      .filter((l) => l.startsWith('::warning ') && l.includes('title=Build check '))
      .map((l) => {
        const props = Object.fromEntries(
          l
            .slice('::warning '.length, l.indexOf('::', 2))
            .split(',')
            .map((p) => p.split('=')),
        ) as Record<string, string>;
        return { file: props.file, line: Number(props.line), rule: /title=Build check (\w+)/.exec(l)?.[1] };
      });

  test('warn: each warning an annotation on its Dockerfile line; the build goes on', async () => {
    expect(builderUp).toBe(true);
    const run = await runAction({ inputs: { ...inputs, checks: 'warn' } });
    expect(run.exitCode).toBe(0);
    expect(warningsWithProps(run.stdout)).toEqual([
      { file: '__tests__/fixtures/lint/Dockerfile', line: 3, rule: 'FromAsCasing' },
      { file: '__tests__/fixtures/lint/Dockerfile', line: 4, rule: 'SecretsUsedInArgOrEnv' },
      { file: '__tests__/fixtures/lint/Dockerfile', line: 5, rule: 'JSONArgsRecommended' },
    ]);
    expect(run.stdout).toContain('::group::Build app');
    // Read from the build's own metadata: no check of its own before or beside the build.
    expect(run.stdout).not.toContain('--call');
  });

  test("warn on the engine's own docker driver: the same warnings, from the build's metadata", async () => {
    const run = await runAction({
      inputs: { ...inputs, builder: '', 'build-args': 'BASE=multistage-local/busybox:1', checks: 'warn' },
    });
    expect(run.exitCode).toBe(0);
    expect(warningsWithProps(run.stdout).map((w) => [w.line, w.rule])).toEqual([
      [3, 'FromAsCasing'],
      [4, 'SecretsUsedInArgOrEnv'],
      [5, 'JSONArgsRecommended'],
    ]);
    expect(run.stdout).not.toContain('Build checks skipped');
  });

  test('error: the step fails before building, naming the warnings', async () => {
    const run = await runAction({ inputs: { ...inputs, checks: 'error' } });
    expect(run.exitCode).toBe(1);
    const errors = annotations(run.stdout, 'error').join('\n');
    expect(errors).toContain('The build of app did not pass: 3 build check warnings (checks: error)');
    expect(errors).toContain('FromAsCasing (line 3)');
    expect(run.stdout).not.toContain('::group::Build app');
  });

  test('false: no check runs, and the builds are not asked for their warnings', async () => {
    const run = await runAction({ inputs: { ...inputs, checks: 'false' } });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).not.toContain('--call');
    // The Dockerfile has three warnings (the `warn` case above shows them): none may surface.
    expect(annotations(run.stdout, 'warning').filter((w) => w.includes('Build check'))).toEqual([]);
    expect(run.stdout).not.toContain('::group::Build checks');
    expect(run.summary).not.toContain('FromAsCasing');
  });
});

afterAll(() => {
  for (const name of ['signed', 'wrongpw', 'nooidc', 'keyless']) {
    const images = docker('images', '--format', '{{.Repository}}:{{.Tag}}', `${REGISTRY}/${repo(name)}`)
      .split('\n')
      .filter(Boolean);
    if (images.length) docker('rmi', '--force', ...images);
  }
});
