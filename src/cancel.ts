import * as fs from 'node:fs';
import { createProcessRunner, type ProcessRunner, type Runner } from './exec.js';
import { removeContainer } from './docker/container.js';
import { errorMessage } from './errors.js';
import { tellUntold } from './ui.js';

export interface Leftovers {
  readonly containers: ReadonlySet<string>;
  readonly tempDirs: ReadonlySet<string>;
}

/** Remove what a run started, each best-effort; returns what could not be removed, with why. */
export async function removeLeftovers(run: Runner, leftovers: Leftovers): Promise<string[]> {
  const failed: string[] = [];
  for (const name of [...leftovers.containers]) {
    const removed = await removeContainer(run, name).catch((error: unknown) => errorMessage(error));
    if (removed !== true) failed.push(`container ${name}${typeof removed === 'string' ? ` (${removed})` : ''}`);
  }
  for (const dir of [...leftovers.tempDirs]) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch (error: unknown) {
      failed.push(`${dir} (${errorMessage(error)})`);
    }
  }
  return failed;
}

/**
 * On SIGTERM/SIGINT (a cancelled job, Ctrl-C): end every process this run started (each in its own process group),
 * remove its containers and temp dirs, then exit with 128+signal. A second signal while this runs changes nothing.
 * The post step (on GitHub) tries again from the saved state, so a kill -9 leaves nothing either.
 */
export function removeOnSignal(
  runner: ProcessRunner,
  leftovers: Leftovers,
  say: (message: string) => void,
): () => void {
  let cleaning = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (cleaning) return;
    cleaning = true;
    say(`${signal}: cancelled; ending the processes and removing what this run started`);
    void (async () => {
      await runner.endAll();
      // What the targets in flight said so far (held while several run at once) is all the user will see of them.
      await tellUntold().catch(() => undefined);
      // The run's own runner starts nothing more: the cleanup has a runner of its own.
      const failed = await removeLeftovers(createProcessRunner(() => undefined).run, leftovers);
      for (const item of failed) say(`Could not remove ${item}`);
    })().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}
