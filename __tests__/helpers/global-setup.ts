import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// (Jest loads this file outside the test module map, so it imports no helper of ours.)
async function answers(): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:5000/v2/`, { signal: AbortSignal.timeout(1000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * A local registry for push tests: Debian's docker-registry on 127.0.0.1:5000 (the engine trusts localhost
 * registries over plain HTTP). Storage in memory: the filesystem driver of registry 2.8 once answered 500 to a
 * HEAD of a tag while BuildKit pushed the tags of an index (through all of BuildKit's retries), which failed CI. Returns a stop function when it started one.
 */
export async function startRegistry(): Promise<() => void> {
  if (await answers()) return () => undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-registry-'));
  fs.writeFileSync(
    path.join(dir, 'config.yml'),
    `version: 0.1\nstorage:\n  inmemory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:5000\n`,
  );
  const child = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore', detached: true });
  child.unref();
  for (let i = 0; i < 50 && !(await answers()); i++) await new Promise((r) => setTimeout(r, 100));
  if (!(await answers()))
    throw new Error('docker-registry did not come up on 127.0.0.1:5000 (apt-get install docker-registry)');
  return () => {
    try {
      process.kill(child.pid as number);
    } catch {
      // already gone
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
}

/**
 * The real Trivy and the DBs it scans with: Trivy built from its Go module at the pinned version
 * (scripts/build-trivy.sh), the project's fixture DBs pushed to the local registry as Trivy's OCI artifacts
 * (scripts/trivy-test-db.sh), and a home for the test run whose ~/.cache/trivy already holds them, downloaded by
 * Trivy itself from that registry: the actions the tests run then share a current DB, as the jobs of a workflow
 * share one restored from the Actions cache (two Trivy processes must never download into one folder at once).
 * Tests of the first download give a run a home of its own.
 */
export function setUpTrivy(): { bin: string; home: string } {
  const bin = execFileSync('bash', [path.resolve('scripts/build-trivy.sh'), '--print'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  process.env.MSA_TRIVY_BIN = bin;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-trivy-db-'));
  const push = (prefix: string, extra: string[] = []) =>
    execFileSync(
      'bash',
      [
        path.resolve('scripts/trivy-test-db.sh'),
        '--out',
        path.join(out, prefix),
        '--push',
        `localhost:5000/${prefix}`,
        ...extra,
      ],
      { stdio: 'inherit' },
    );
  push('trivy-fixtures');
  push('trivy-fixtures-large', ['--large', '26000']);
  fs.rmSync(out, { recursive: true, force: true });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-trivy-home-'));
  process.env.MSA_TRIVY_HOME = home;
  const cacheDir = path.join(home, '.cache', 'trivy');
  const trivy = (...args: string[]) =>
    execFileSync(path.join(bin, 'trivy'), [...args, '--cache-dir', cacheDir, '--quiet', '--no-progress'], {
      stdio: 'inherit',
    });
  trivy('image', '--download-db-only', '--db-repository', 'localhost:5000/trivy-fixtures/trivy-db:2');
  trivy('image', '--download-java-db-only', '--java-db-repository', 'localhost:5000/trivy-fixtures/trivy-java-db:1');
  return { bin, home };
}

/**
 * Integration tests need a real Docker engine with buildx. They are never skipped: without one, the whole
 * integration project fails here with the way to get one. Also makes the local base images and starts a local
 * registry for the push tests.
 */
export default async function globalSetup(): Promise<void> {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe' });
    execFileSync('docker', ['buildx', 'version'], { stdio: 'pipe' });
  } catch (error: unknown) {
    throw new Error(
      `Integration tests need a running Docker engine with buildx (run .ci/setup-docker.sh as root): ${(error as Error).message}`,
      { cause: error },
    );
  }
  execFileSync('bash', [path.resolve('scripts/make-base-images.sh')], { stdio: 'inherit' });
  (globalThis as { stopRegistry?: () => void }).stopRegistry = await startRegistry();
  setUpTrivy();
  // The docker-container and remote builders (they need the registry for their base images). On the classic image
  // store only the engine's own docker driver is tested (scripts/test-all.sh switches stores).
  const store = execFileSync('docker', ['info', '--format', '{{json .DriverStatus}}'], { encoding: 'utf8' });
  process.env.MSA_IMAGE_STORE = store.includes('io.containerd.snapshotter') ? 'containerd' : 'classic';
  if (process.env.MSA_IMAGE_STORE === 'containerd') {
    execFileSync('bash', [path.resolve('__tests__/helpers/builders.sh'), 'up'], { stdio: 'inherit' });
    (globalThis as { buildersUp?: boolean }).buildersUp = true;
  }
}
