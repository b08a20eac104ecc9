import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export default function globalTeardown(): void {
  (globalThis as { stopRegistry?: () => void }).stopRegistry?.();
  if (process.env.MSA_TRIVY_HOME) fs.rmSync(process.env.MSA_TRIVY_HOME, { recursive: true, force: true });
  if ((globalThis as { buildersUp?: boolean }).buildersUp) {
    execFileSync('bash', [path.resolve('__tests__/helpers/builders.sh'), 'down'], { stdio: 'inherit' });
  }
}
