import type { Runner } from '../exec.js';
import type { ContainerCondition, ProbeResult } from '../smoke/poll.js';
import { clip } from '../untrusted.js';

interface RawState {
  Status: string;
  Running: boolean;
  Restarting?: boolean;
  ExitCode: number;
  OOMKilled?: boolean;
  Health?: { Status: string; Log?: { ExitCode: number; Output: string }[] | null } | null;
}

/** The image's HEALTHCHECK as the container got it (`.Config.Healthcheck`); durations in nanoseconds. */
export interface HealthcheckConfig {
  Test?: string[] | null;
  Timeout?: number;
}

/** Pure: what the poller needs from `docker inspect --format '{{json .State}}'`. */
export function conditionFrom(state: RawState): ContainerCondition {
  if (!state.Running && ['exited', 'dead'].includes(state.Status)) {
    return { state: 'exited', exitCode: state.ExitCode, oomKilled: state.OOMKilled };
  }
  if (state.Restarting || state.Status === 'restarting') return { state: 'restarting', exitCode: state.ExitCode };
  const health = state.Health?.Status;
  return {
    state: 'running',
    health: health === 'starting' || health === 'healthy' || health === 'unhealthy' ? health : 'none',
  };
}

export async function containerState(run: Runner, name: string): Promise<RawState> {
  const { stdout } = await run('docker', ['container', 'inspect', '--format', '{{json .State}}', name]);
  return JSON.parse(stdout) as RawState;
}

export async function containerCondition(run: Runner, name: string): Promise<ContainerCondition> {
  return conditionFrom(await containerState(run, name));
}

/** The HEALTHCHECK test as argv for `docker exec`: CMD runs as given, CMD-SHELL through /bin/sh; none: undefined. */
export function healthcheckArgv(config: HealthcheckConfig | null | undefined): string[] | undefined {
  const test = config?.Test ?? [];
  if (test.length < 2) return undefined;
  if (test[0] === 'CMD') return test.slice(1);
  if (test[0] === 'CMD-SHELL') return ['/bin/sh', '-c', test[1]];
  return undefined;
}

export async function containerHealthcheck(run: Runner, name: string): Promise<HealthcheckConfig | null> {
  const { stdout } = await run('docker', ['container', 'inspect', '--format', '{{json .Config.Healthcheck}}', name]);
  return JSON.parse(stdout) as HealthcheckConfig | null;
}

/** The last HEALTHCHECK probe's output (the container's text: print it as untrusted), if the image has one and it ran. */
export async function lastHealthcheckOutput(run: Runner, name: string): Promise<string | undefined> {
  try {
    const log = (await containerState(run, name)).Health?.Log ?? [];
    const last = log.at(-1);
    return last ? `exit code ${last.ExitCode}: ${clip(last.Output.trim(), 2000) || '(no output)'}` : undefined;
  } catch {
    return undefined;
  }
}

/** A log line longer than this is cut: a container can write one line of any size. */
export const MAX_LOG_LINE_CHARS = 2000;

/** The container's last log lines (its own text: print it as untrusted), each cut to a bound. */
export async function containerLogs(run: Runner, name: string, lines: number): Promise<string> {
  const result = await run('docker', ['logs', '--tail', String(lines), name], { allowFailure: true });
  return [result.stdout, result.stderr]
    .filter((s) => s.trim() !== '')
    .join('\n')
    .trimEnd()
    .split('\n')
    .slice(-lines * 2)
    .map((line) => clip(line, MAX_LOG_LINE_CHARS))
    .join('\n');
}

/** Remove a container and its anonymous volumes; true when it is gone. */
export async function removeContainer(run: Runner, name: string): Promise<boolean> {
  const result = await run('docker', ['rm', '--force', '--volumes', name], { allowFailure: true });
  return result.exitCode === 0 || /No such container/i.test(result.stderr);
}

/**
 * One GET with its own timeout and no connection reuse, so every attempt sees the service as it is now. node:http
 * loads on the first probe, not with the action (a step without a smoke test never needs it).
 */
export function httpProbe(url: string): (timeoutMs: number) => Promise<ProbeResult> {
  return async (timeoutMs) => {
    const http = await import('node:http');
    return new Promise((resolve) => {
      const request = http.get(url, { agent: false, timeout: timeoutMs }, (response) => {
        response.destroy();
        resolve({ status: response.statusCode ?? 0 });
      });
      request.on('timeout', () => {
        request.destroy();
        resolve({ error: `did not answer within ${timeoutMs} ms` });
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        resolve({
          error:
            error.code === 'ECONNREFUSED'
              ? 'refused the connection'
              : error.code === 'ECONNRESET'
                ? 'reset the connection'
                : error.message,
        });
      });
    });
  };
}
