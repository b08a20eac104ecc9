import { settled } from '../errors.js';

const MIN_REQUEST_MS = 500;

export type ContainerCondition =
  | { state: 'running'; health?: 'starting' | 'healthy' | 'unhealthy' | 'none' }
  | { state: 'exited'; exitCode: number; oomKilled?: boolean }
  | { state: 'restarting'; exitCode: number };

/** The sentence a smoke failure uses for a container that stopped. */
export function exitedMessage(condition: { exitCode: number; oomKilled?: boolean }): string {
  const oom = condition.oomKilled ? ' (killed: out of memory)' : '';
  return `the container exited with code ${condition.exitCode}${oom} before it was healthy`;
}

export function restartingMessage(exitCode: number): string {
  return `the container is restarting (it exited with code ${exitCode})`;
}

export type ProbeResult = { status: number } | { error: string };

export interface PollOptions {
  /** Answer one HTTP request within `timeoutMs`. */
  probe: (timeoutMs: number) => Promise<ProbeResult>;
  /** The container's state, read from the engine. */
  condition: () => Promise<ContainerCondition>;
  expectedStatus: number;
  deadline: number;
  /** From the start of one probe to the start of the next. */
  intervalMs: number;
  /**
   * How often the engine is asked about the container (a `docker inspect` each time, so less often than the cheap
   * HTTP probe); default: every probe.
   */
  conditionIntervalMs?: number;
  requestTimeoutMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export type PollOutcome =
  | { ok: true; attempts: number }
  | {
      ok: false;
      reason: 'timeout' | 'exited' | 'restarting' | 'unhealthy';
      message: string;
      attempts: number;
      exitCode?: number;
    };

function describe(probe: ProbeResult | undefined, expected: number): string {
  if (!probe) return 'no answer yet';
  if ('status' in probe) return `answered HTTP ${probe.status}, expected ${expected}`;
  return probe.error;
}

/**
 * Poll until the health endpoint answers the expected status, the container stops, Docker calls it unhealthy, or
 * the deadline passes. Short intervals, a per-request timeout, never a fixed sleep. A healthy answer ends the poll
 * at once: it never waits for the engine's answer about the container, which only matters when the probe failed.
 */
export async function pollHealth(options: PollOptions): Promise<PollOutcome> {
  const conditionEvery = options.conditionIntervalMs ?? options.intervalMs;
  let attempts = 0;
  let last: ProbeResult | undefined;
  let conditionAt = -Infinity;
  for (;;) {
    attempts++;
    const started = options.now();
    // Asked alongside the probe, its failure kept for when (and if) it is looked at.
    let pending: Promise<{ value: ContainerCondition } | { error: unknown }> | undefined;
    if (started - conditionAt >= conditionEvery) {
      conditionAt = started;
      pending = settled(options.condition());
    }
    // The last probe before the deadline still gets a fair chance to answer.
    const remaining = Math.max(MIN_REQUEST_MS, options.deadline - started);
    const probe = await options.probe(Math.min(options.requestTimeoutMs, remaining));
    last = probe;
    if ('status' in probe && probe.status === options.expectedStatus) return { ok: true, attempts };
    const answer = pending ? await pending : undefined;
    if (answer && 'error' in answer) throw answer.error;
    const condition = answer?.value;
    if (condition?.state === 'exited') {
      return {
        ok: false,
        reason: 'exited',
        exitCode: condition.exitCode,
        message: exitedMessage(condition),
        attempts,
      };
    }
    if (condition?.state === 'restarting') {
      return {
        ok: false,
        reason: 'restarting',
        exitCode: condition.exitCode,
        message: restartingMessage(condition.exitCode),
        attempts,
      };
    }
    if (condition?.state === 'running' && condition.health === 'unhealthy') {
      return {
        ok: false,
        reason: 'unhealthy',
        message: `Docker reports the container unhealthy (its HEALTHCHECK failed); the endpoint ${describe(last, options.expectedStatus)}`,
        attempts,
      };
    }
    const now = options.now();
    if (now >= options.deadline) {
      return {
        ok: false,
        reason: 'timeout',
        message: `not healthy before the deadline: the endpoint ${describe(last, options.expectedStatus)}`,
        attempts,
      };
    }
    await options.sleep(Math.min(Math.max(0, started + options.intervalMs - now), options.deadline - now));
  }
}
