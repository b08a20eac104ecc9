const MIN_REQUEST_MS = 500;

export type ContainerCondition =
  | { state: 'running'; health?: 'starting' | 'healthy' | 'unhealthy' | 'none' }
  | { state: 'exited'; exitCode: number; oomKilled?: boolean };

/** The sentence a smoke failure uses for a container that stopped. */
export function exitedMessage(condition: { exitCode: number; oomKilled?: boolean }): string {
  const oom = condition.oomKilled ? ' (killed: out of memory)' : '';
  return `the container exited with code ${condition.exitCode}${oom} before it was healthy`;
}

export type ProbeResult = { status: number } | { error: string };

export interface PollOptions {
  /** Answer one HTTP request within `timeoutMs`. */
  probe: (timeoutMs: number) => Promise<ProbeResult>;
  /** The container's state, read from the engine. */
  condition: () => Promise<ContainerCondition>;
  expectedStatus: number;
  deadline: number;
  intervalMs: number;
  requestTimeoutMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export type PollOutcome =
  | { ok: true; attempts: number }
  | { ok: false; reason: 'timeout' | 'exited' | 'unhealthy'; message: string; attempts: number; exitCode?: number };

function describe(probe: ProbeResult | undefined, expected: number): string {
  if (!probe) return 'no answer yet';
  if ('status' in probe) return `answered HTTP ${probe.status}, expected ${expected}`;
  return probe.error;
}

/**
 * Poll until the health endpoint answers the expected status, the container stops, Docker calls it unhealthy, or
 * the deadline passes. Short intervals, a per-request timeout, never a fixed sleep.
 */
export async function pollHealth(o: PollOptions): Promise<PollOutcome> {
  let attempts = 0;
  let last: ProbeResult | undefined;
  for (;;) {
    attempts++;
    // The last probe before the deadline still gets a fair chance to answer.
    const remaining = Math.max(MIN_REQUEST_MS, o.deadline - o.now());
    const [probe, condition] = await Promise.all([o.probe(Math.min(o.requestTimeoutMs, remaining)), o.condition()]);
    last = probe;
    if ('status' in probe && probe.status === o.expectedStatus) return { ok: true, attempts };
    if (condition.state === 'exited') {
      return {
        ok: false,
        reason: 'exited',
        exitCode: condition.exitCode,
        message: exitedMessage(condition),
        attempts,
      };
    }
    if (condition.health === 'unhealthy') {
      return {
        ok: false,
        reason: 'unhealthy',
        message: `Docker reports the container unhealthy (its HEALTHCHECK failed); the endpoint ${describe(last, o.expectedStatus)}`,
        attempts,
      };
    }
    if (o.now() >= o.deadline) {
      return {
        ok: false,
        reason: 'timeout',
        message: `not healthy before the deadline: the endpoint ${describe(last, o.expectedStatus)}`,
        attempts,
      };
    }
    await o.sleep(Math.min(o.intervalMs, Math.max(0, o.deadline - o.now())));
  }
}
