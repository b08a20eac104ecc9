import { errorMessage } from './errors.js';

/** Time, injected so tests drive it. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Work that may finish in the background while the road goes on (removing a container); the run waits for all of it
 * before it reports. A failure of such work is told through `warn`, never lost.
 */
export class Background {
  private readonly pending: Promise<unknown>[] = [];

  constructor(private readonly warn: (message: string) => void) {}

  defer(work: Promise<unknown>): void {
    this.pending.push(work.catch((error: unknown) => this.warn(errorMessage(error))));
  }

  async settle(): Promise<void> {
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
  }
}

/** A value loaded on first use, once, whoever asks first. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}
