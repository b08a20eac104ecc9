import * as core from '@actions/core';
import * as fs from 'node:fs';
import { errorMessage } from './errors.js';
import { runCommand, type Runner } from './exec.js';
import { readStateList, STATE_CONTAINERS, STATE_TEMP_DIRS } from './state.js';
import { removeContainer } from './docker/container.js';

/**
 * The post step: remove only what main recorded (containers it started, temp dirs it made), each on its own,
 * best-effort; a failure is a warning, never a failed job.
 */
export async function post(run: Runner = runCommand, read: (name: string) => string = core.getState): Promise<void> {
  for (const name of readStateList(STATE_CONTAINERS, read)) {
    try {
      if (await removeContainer(run, name)) core.info(`Removed container ${name}`);
      else core.warning(`Could not remove container ${name}`);
    } catch (error: unknown) {
      core.warning(`Could not remove container ${name}: ${errorMessage(error)}`);
    }
  }
  for (const dir of readStateList(STATE_TEMP_DIRS, read)) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      core.debug(`Removed ${dir}`);
    } catch (error: unknown) {
      core.warning(`Could not remove ${dir}: ${errorMessage(error)}`);
    }
  }
}
