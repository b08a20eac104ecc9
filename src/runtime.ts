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

/**
 * At most `size` pieces of work at once; the rest wait their turn in the order they asked. `Infinity`: no limit.
 * The work's own result or error is handed back as is.
 */
export function turns(size: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (running >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await work();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * Work that may run together (shared) or must run alone (exclusive): an exclusive piece waits for the shared ones
 * in flight and holds off new ones until it is done. Whether a piece must run alone is asked when its turn comes
 * (`alone`), so what an earlier piece did (a download) can let it share.
 */
export class SharedOrAlone {
  private shared = 0;
  private exclusive = false;
  private readonly waiting: (() => void)[] = [];

  async run<T>(alone: () => boolean, work: (alone: boolean) => Promise<T>): Promise<T> {
    for (;;) {
      if (!this.exclusive) {
        if (!alone()) {
          this.shared++;
          try {
            return await work(false);
          } finally {
            this.shared--;
            this.wake();
          }
        }
        if (this.shared === 0) {
          this.exclusive = true;
          try {
            return await work(true);
          } finally {
            this.exclusive = false;
            this.wake();
          }
        }
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private wake(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}
