import * as core from '@actions/core';
import { errorMessage } from './errors.js';
import { runCommand, type Runner } from './exec.js';
import { readStateList, STATE_CONTAINERS, STATE_TEMP_DIRS } from './state.js';
import { removeLeftovers } from './cancel.js';

/**
 * The post step: remove only what main recorded (containers it started, temp dirs it made), each on its own,
 * best-effort; a failure is a warning, never a failed job.
 */
export async function post(run: Runner = runCommand, read: (name: string) => string = core.getState): Promise<void> {
  try {
    const containers = new Set(readStateList(STATE_CONTAINERS, read));
    const tempDirs = new Set(readStateList(STATE_TEMP_DIRS, read));
    const failed = await removeLeftovers(run, { containers, tempDirs });
    for (const name of containers) if (!failed.includes(name)) core.info(`Removed container ${name}`);
    for (const item of failed) core.warning(`Could not remove ${item}`);
  } catch (error: unknown) {
    core.warning(`Cleaning up failed: ${errorMessage(error)}`);
  }
}
