import type { ProcessRecord, ProcessRecorder } from './exec.js';

/**
 * What main leaves for the post step to end or remove: the processes it started, its containers and temp dirs,
 * recorded the moment they exist so a cancelled or killed run is cleaned up too. Never a token or secret.
 */
export const STATE_CONTAINERS = 'containers';
export const STATE_TEMP_DIRS = 'tempDirs';
export const STATE_PROCESSES = 'processes';

export interface CleanupRecorder extends ProcessRecorder {
  addContainer(id: string): void;
  removeContainer(id: string): void;
  addTempDir(dir: string): void;
}

/** Keeps the lists in memory and mirrors them into the runner's state file on every change. */
export class StateCleanup implements CleanupRecorder {
  readonly containers = new Set<string>();
  readonly tempDirs = new Set<string>();
  readonly processes = new Map<number, ProcessRecord>();

  /** `save` mirrors a list into the step's state (core.saveState on GitHub; nothing on the command line). */
  constructor(private readonly save: (name: string, value: string) => void) {}

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

  addProcess(record: ProcessRecord): void {
    this.processes.set(record.pid, record);
    this.save(STATE_PROCESSES, JSON.stringify([...this.processes.values()]));
  }

  removeProcess(pid: number): void {
    this.processes.delete(pid);
    this.save(STATE_PROCESSES, JSON.stringify([...this.processes.values()]));
  }
}

/** A list main saved; a value that is not one is reported through `warn` and read as empty. */
export function readStateList<T>(
  name: string,
  isItem: (value: unknown) => value is T,
  read: (name: string) => string,
  warn: (message: string) => void = () => undefined,
): T[] {
  const raw = read(name);
  if (!raw) return [];
  try {
    const value: unknown = JSON.parse(raw);
    if (Array.isArray(value)) return value.filter(isItem);
    warn(`The saved state "${name}" is not a list; nothing of it is cleaned up`);
  } catch (error: unknown) {
    warn(`The saved state "${name}" is not JSON (${(error as Error).message}); nothing of it is cleaned up`);
  }
  return [];
}

export const isString = (value: unknown): value is string => typeof value === 'string';

export const isProcessRecord = (value: unknown): value is ProcessRecord =>
  typeof value === 'object' &&
  value !== null &&
  Number.isSafeInteger((value as ProcessRecord).pid) &&
  (value as ProcessRecord).pid > 1 &&
  ((value as ProcessRecord).start === undefined || Number.isSafeInteger((value as ProcessRecord).start));
