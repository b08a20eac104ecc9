import { errorMessage } from './errors.js';
import { savedState, workflowCommand } from './commands.js';
import { inert } from './untrusted.js';
import { createProcessRunner, endProcessGroup, isSameProcess, type Runner } from './exec.js';
import {
  isProcessRecord,
  isString,
  readStateList,
  STATE_CONTAINERS,
  STATE_PROCESSES,
  STATE_TEMP_DIRS,
} from './state.js';
import { removeLeftovers } from './cancel.js';

/**
 * The post step: end the processes main recorded and left running (only those that are still the very process
 * recorded: pids are reused), remove the containers it started and the temp dirs it made, each on its own,
 * best-effort; a failure is a warning, never a failed job.
 */
export async function post(
  run: Runner = createProcessRunner(() => undefined).run,
  read: (name: string) => string = savedState,
  write: (line: string) => void = (line) => void process.stdout.write(`${line}\n`),
): Promise<void> {
  const info = (message: string): void => write(inert(message));
  const warn = (message: string): void => write(workflowCommand('warning', {}, message));
  try {
    for (const record of readStateList(STATE_PROCESSES, isProcessRecord, read, warn)) {
      if (!isSameProcess(record)) continue;
      await endProcessGroup(record.pid);
      info(`Ended process ${record.pid} (and its process group), left running by the main step`);
    }
    const containers = new Set(readStateList(STATE_CONTAINERS, isString, read, warn));
    const tempDirs = new Set(readStateList(STATE_TEMP_DIRS, isString, read, warn));
    const failed = await removeLeftovers(run, { containers, tempDirs });
    for (const name of containers) {
      if (!failed.some((f) => f.startsWith(`container ${name}`))) info(`Removed container ${name}`);
    }
    for (const item of failed) warn(`Could not remove ${item}`);
  } catch (error: unknown) {
    warn(`Cleaning up failed: ${errorMessage(error)}`);
  }
}
