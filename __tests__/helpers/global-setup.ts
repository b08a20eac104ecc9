import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * Integration tests need a real Docker engine with buildx. They are never skipped: without one, the whole
 * integration project fails here with the way to get one.
 */
export default function globalSetup(): void {
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
}
