import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { installTool, installTrivy, type ActionsCache } from '../src/tools/install.js';
import { COSIGN } from '../src/release/cosign.js';
import { ToolError } from '../src/errors.js';
import { actionsToolCaches } from '../src/tools/caches.js';
import { createProcessRunner } from '../src/exec.js';

const runCommand = createProcessRunner(() => undefined).run;
import { FakeReleaseServer, pathWithoutTrivy, trivyBin } from './helpers/servers.js';

// The real install path: @actions/tool-cache downloading from a release server on 127.0.0.1, checksum checked.
const VERSION = '0.74.0';
const saved = {
  PATH: process.env.PATH,
  RUNNER_TOOL_CACHE: process.env.RUNNER_TOOL_CACHE,
  RUNNER_TEMP: process.env.RUNNER_TEMP,
};
let root: string;
let good: FakeReleaseServer;
let corrupt: FakeReleaseServer;

beforeAll(async () => {
  good = await new FakeReleaseServer(VERSION).start();
  corrupt = await new FakeReleaseServer(VERSION, { corrupt: true }).start();
});
afterAll(async () => {
  await good.stop();
  await corrupt.stop();
});
afterEach(() => {
  Object.assign(process.env, saved);
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

function fresh(): string {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-install-'));
  process.env.RUNNER_TOOL_CACHE = path.join(root, 'tools');
  process.env.RUNNER_TEMP = path.join(root, 'temp');
  process.env.PATH = pathWithoutTrivy(saved.PATH);
  return root;
}

const noCache: ActionsCache = {
  isFeatureAvailable: () => false,
  restoreCache: async () => undefined,
  saveCache: async () => 0,
};

async function install(url: string, actionsCache: ActionsCache = noCache, logs: string[] = [], version = VERSION) {
  const { toolCache } = actionsToolCaches(false);
  return installTrivy({
    run: runCommand,
    version,
    downloadUrl: url,
    toolCache,
    actionsCache,
    toolCacheRoot: process.env.RUNNER_TOOL_CACHE as string,
    log: (m) => logs.push(m),
  });
}

describe('installing trivy', () => {
  test('no trivy on PATH: downloads, verifies the checksum, caches, and the binary runs', async () => {
    fresh();
    const logs: string[] = [];
    const saves: string[] = [];
    const cache: ActionsCache = {
      isFeatureAvailable: () => true,
      restoreCache: async () => undefined,
      saveCache: async (p, k) => (saves.push(`${k} ${p.join(',')}`), 1),
    };
    const installed = await install(good.url, cache, logs);
    expect(installed.source).toBe('download');
    expect(installed.command).toBe(path.join(root, 'tools', 'trivy', VERSION, 'x64', 'trivy'));
    expect(execFileSync(installed.command, ['--version'], { encoding: 'utf8' })).toBe(`Version: ${VERSION}\n`);
    expect(logs.join('\n')).toMatch(
      new RegExp(
        `Installed trivy ${VERSION} from ${good.url}/v${VERSION}/trivy_${VERSION}_Linux-64bit.tar.gz \\(sha256 [0-9a-f]{64}\\)`,
      ),
    );
    expect(good.requests).toEqual(
      expect.arrayContaining([
        `/v${VERSION}/trivy_${VERSION}_checksums.txt`,
        `/v${VERSION}/trivy_${VERSION}_Linux-64bit.tar.gz`,
      ]),
    );
    // Saved for the next jobs under a key naming version, OS and arch.
    expect(saves).toEqual([
      `multistage-trivy-${VERSION}-linux-x64 ${path.join(root, 'tools', 'trivy', VERSION, 'x64')}`,
    ]);
    // A second run in the same job finds it in the tool cache without downloading.
    const before = good.requests.length;
    expect((await install(good.url)).source).toBe('tool-cache');
    expect(good.requests.length).toBe(before);
    // No temp file left behind.
    expect(fs.readdirSync(process.env.RUNNER_TEMP as string)).toEqual([]);
  });

  test('a checksum mismatch is refused and nothing is installed', async () => {
    fresh();
    let error: unknown;
    try {
      await install(corrupt.url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).tool).toBe('trivy');
    expect((error as Error).message).toMatch(
      /checksum mismatch for trivy_0\.74\.0_Linux-64bit\.tar\.gz: trivy_0\.74\.0_checksums\.txt says [0-9a-f]{64}, the download is [0-9a-f]{64}; refusing to run it/,
    );
    expect(fs.existsSync(path.join(root, 'tools', 'trivy'))).toBe(false);
    expect(fs.readdirSync(process.env.RUNNER_TEMP as string)).toEqual([]);
  });

  test('no network to the release: says everything it tried and how to fix it', async () => {
    fresh();
    await expect(install(`${good.url}/nowhere`)).rejects.toThrow(
      /Trivy 0\.74\.0 is not available\. Tried:\n {2}- no trivy on PATH\n {2}- no trivy 0\.74\.0 in the tool cache\n {2}- downloading .*\/nowhere\/v0\.74\.0\/trivy_0\.74\.0_Linux-64bit\.tar\.gz failed: Unexpected HTTP response: 404\nTo fix: install trivy 0\.74\.0 on the runner/,
    );
  });

  test('trivy on PATH at the asked version is used as it is', async () => {
    fresh();
    process.env.PATH = `${trivyBin()}:${process.env.PATH}`;
    expect(await install(`${good.url}/nowhere`)).toEqual({ command: 'trivy', source: 'path' });
  });

  test('no version asked for: trivy on PATH whatever its version, and the log says which', async () => {
    fresh();
    // The real Trivy, built to call itself 0.50.0 (scripts/build-trivy.sh --report-version).
    process.env.PATH = `${trivyBin('0.50.0')}:${process.env.PATH}`;
    const logs: string[] = [];
    expect(await install(`${good.url}/nowhere`, noCache, logs, '')).toEqual({ command: 'trivy', source: 'path' });
    expect(logs).toEqual(['Using trivy 0.50.0 from PATH (trivy-version is empty: any version on PATH)']);
  });

  test('no version asked for and none on PATH: the pinned release is downloaded', async () => {
    fresh();
    const logs: string[] = [];
    expect((await install(good.url, noCache, logs, '')).source).toBe('download');
    expect(logs.join('\n')).toContain('Installed trivy 0.74.0 from');
  });

  test('trivy on PATH at another version is not used', async () => {
    fresh();
    process.env.PATH = `${trivyBin('0.50.0')}:${process.env.PATH}`;
    await expect(install(`${good.url}/nowhere`)).rejects.toThrow('trivy on PATH is 0.50.0, not 0.74.0');
    expect((await install(good.url)).source).toBe('download');
  });
});

describe('installing cosign (the same code, its release layout)', () => {
  // cosign's GitHub release: a bare binary per platform and one checksums file, here served from 127.0.0.1 with the
  // real cosign 3.1.1 binary as its asset.
  const COSIGN_VERSION = '3.1.1';
  let server: http.Server;
  let url = '';
  const requests: string[] = [];
  const binary = fs.readFileSync(execFileSync('bash', ['-c', 'command -v cosign'], { encoding: 'utf8' }).trim());
  const sum = crypto.createHash('sha256').update(binary).digest('hex');
  let checksums = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      const files: Record<string, Buffer> = {
        [`/v${COSIGN_VERSION}/cosign-linux-amd64`]: binary,
        [`/v${COSIGN_VERSION}/cosign_checksums.txt`]: Buffer.from(checksums),
      };
      const file = files[req.url ?? ''];
      res.writeHead(file ? 200 : 404);
      res.end(file ?? 'Not Found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const installCosign = (logs: string[]) =>
    installTool(COSIGN, {
      run: runCommand,
      version: COSIGN_VERSION,
      downloadUrl: url,
      toolCache: actionsToolCaches(false).toolCache,
      actionsCache: noCache,
      toolCacheRoot: process.env.RUNNER_TOOL_CACHE as string,
      log: (m) => logs.push(m),
      platform: 'linux',
      arch: 'x64',
    });

  test('no cosign on PATH: the release binary, its checksum verified, cached as an executable', async () => {
    fresh();
    process.env.PATH = '/usr/bin:/bin';
    checksums = `${'1'.repeat(64)}  cosign-darwin-arm64\n${sum}  cosign-linux-amd64\n`;
    const logs: string[] = [];
    const installed = await installCosign(logs);
    expect(installed.source).toBe('download');
    expect(installed.command).toBe(path.join(root, 'tools', 'cosign', COSIGN_VERSION, 'x64', 'cosign'));
    expect(execFileSync(installed.command, ['version'], { encoding: 'utf8' })).toContain('GitVersion');
    expect(requests).toEqual(
      expect.arrayContaining([`/v${COSIGN_VERSION}/cosign_checksums.txt`, `/v${COSIGN_VERSION}/cosign-linux-amd64`]),
    );
    expect(logs.join('\n')).toContain(
      `Installed cosign ${COSIGN_VERSION} from ${url}/v${COSIGN_VERSION}/cosign-linux-amd64`,
    );
    expect((await installCosign([])).source).toBe('tool-cache');
  });

  test('a checksum that does not match is refused and nothing is installed', async () => {
    fresh();
    process.env.PATH = '/usr/bin:/bin';
    checksums = `${'0'.repeat(64)}  cosign-linux-amd64\n`;
    await expect(installCosign([])).rejects.toThrow(/cosign/);
    expect(fs.existsSync(path.join(root, 'tools', 'cosign'))).toBe(false);
  });
});
