import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

export default function globalTeardown(): void {
  (globalThis as { stopRegistry?: () => void }).stopRegistry?.();
  if ((globalThis as { buildersUp?: boolean }).buildersUp) {
    execFileSync('bash', [path.resolve('__tests__/helpers/builders.sh'), 'down'], { stdio: 'inherit' });
  }
}
