import * as core from '@actions/core';

/**
 * What main leaves for the post step to remove: container ids and temp dirs, recorded the moment they exist
 * so a cancelled run is cleaned up too. Never a token or secret.
 */
export const STATE_CONTAINERS = 'containers';
export const STATE_TEMP_DIRS = 'tempDirs';

export interface CleanupRecorder {
  addContainer(id: string): void;
  removeContainer(id: string): void;
  addTempDir(dir: string): void;
}

/** Keeps the lists in memory and mirrors them into the runner's state file on every change. */
export class StateCleanup implements CleanupRecorder {
  readonly containers = new Set<string>();
  readonly tempDirs = new Set<string>();

  constructor(private readonly save: (name: string, value: string) => void = core.saveState) {}

  addContainer(id: string): void {
    this.containers.add(id);
    this.save(STATE_CONTAINERS, JSON.stringify([...this.containers]));
  }

  removeContainer(id: string): void {
    this.containers.delete(id);
    this.save(STATE_CONTAINERS, JSON.stringify([...this.containers]));
  }

  addTempDir(dir: string): void {
    this.tempDirs.add(dir);
    this.save(STATE_TEMP_DIRS, JSON.stringify([...this.tempDirs]));
  }
}

export function readStateList(name: string, read: (name: string) => string = core.getState): string[] {
  const raw = read(name);
  if (!raw) return [];
  try {
    const value: unknown = JSON.parse(raw);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}
