import * as fs from 'node:fs';
import type { Runner } from './exec.js';
import { removeContainer } from './docker/container.js';

export interface Leftovers {
  readonly containers: ReadonlySet<string>;
  readonly tempDirs: ReadonlySet<string>;
}

/** Remove what a run started, each best-effort; returns what could not be removed. */
export async function removeLeftovers(run: Runner, leftovers: Leftovers): Promise<string[]> {
  const failed: string[] = [];
  for (const name of [...leftovers.containers]) {
    if (!(await removeContainer(run, name).catch(() => false))) failed.push(name);
  }
  for (const dir of [...leftovers.tempDirs]) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      failed.push(dir);
    }
  }
  return failed;
}

/**
 * On SIGTERM/SIGINT (a cancelled job, Ctrl-C): remove the containers and temp dirs this run made, then exit with
 * 128+signal. The post step (on GitHub) tries again from the saved state, so a kill -9 leaves nothing either.
 */
export function removeOnSignal(run: Runner, leftovers: Leftovers, say: (message: string) => void): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    say(`${signal}: cancelled; removing what this run started`);
    void removeLeftovers(run, leftovers).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}
