import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Runner } from '../exec.js';
import type { Ui } from '../ui.js';
import type { Background, Clock } from '../runtime.js';
import type { Inputs } from '../inputs.js';
import type { SmokeReport } from '../report/types.js';
import {
  conditionFrom,
  containerHealthcheck,
  containerLogs,
  containerState,
  healthcheckArgv,
  httpProbe,
  lastHealthcheckOutput,
  removeContainer,
} from '../docker/container.js';
import { clip } from '../untrusted.js';
import { HARDENED_FLAGS, parseHostPort, smokeRunArgs } from './args.js';
import { exitedMessage, pollHealth, restartingMessage } from './poll.js';

/** An HTTP probe of 127.0.0.1 costs next to nothing: ten a second, so a service is noticed ~50 ms after it is up. */
export const POLL_INTERVAL_MS = 100;
/** Asking the engine whether the container still runs is a `docker inspect`: twice a second is enough. */
export const CONDITION_INTERVAL_MS = 500;
export const REQUEST_TIMEOUT_MS = 2000;
/** Docker's own default HEALTHCHECK timeout, used when the image sets none. */
const DEFAULT_HEALTHCHECK_TIMEOUT_MS = 30_000;
const LOG_LINES = 50;

/** The inputs the smoke test reads. */
export type SmokeSettings = Pick<
  Inputs,
  | 'smoke'
  | 'port'
  | 'health-path'
  | 'health-status'
  | 'smoke-timeout'
  | 'smoke-env'
  | 'smoke-paths'
  | 'smoke-hardened'
  | 'smoke-stable-seconds'
>;

/** Containers the run started, recorded for the post step before they exist and forgotten once removed. */
export interface ContainerRecorder {
  addContainer(name: string): void;
  removeContainer(name: string): void;
}

export interface SmokeDeps {
  run: Runner;
  ui: Ui;
  clock: Clock;
  /** Container removal goes on in the background while the road goes on; the run waits for it. */
  background: Background;
  containers: ContainerRecorder;
}

export interface SmokeRequest {
  target: string;
  /** The image to run (its id), the tag the log names it by, and the ports it EXPOSEs. */
  image: { imageId: string; tags: string[]; exposedPorts: number[] };
  settings: SmokeSettings;
  /** The run's own folder (the env file lives there for the moment `docker run` reads it). */
  tempDir: string;
  runId: string;
}

/**
 * The container's environment as an env file of its own (mode 0600, in the run's temp folder, removed once
 * `docker run` has read it): the values reach the container only, never the docker CLI's environment, where a
 * DOCKER_HOST or LD_PRELOAD would redirect or take over the action's own docker calls.
 */
export function writeEnvFile(dir: string, entries: readonly { key: string; value: string }[]): string | undefined {
  if (entries.length === 0) return undefined;
  const file = path.join(dir, `smoke-env-${randomBytes(6).toString('hex')}`);
  fs.writeFileSync(file, entries.map((e) => `${e.key}=${e.value}\n`).join(''), { mode: 0o600, flag: 'wx' });
  return file;
}

/** The smoke test did not pass: the reason and what is known, turned into the report at the phase's edge. */
class SmokeFailed extends Error {
  constructor(readonly report: SmokeReport) {
    super(report.reason);
  }
}

/**
 * Run the image, poll its health endpoint until it answers or the deadline passes, check the extra paths, check
 * that it is still up (and healthy per its HEALTHCHECK) after the stability window, and always remove the
 * container. A failed smoke test is a report with the reason, the last HEALTHCHECK output and a pointer to the
 * container's last log lines (printed in the phase's group); a tool that failed (docker) throws.
 */
export async function smoke(deps: SmokeDeps, request: SmokeRequest): Promise<SmokeReport> {
  const { ui } = deps;
  const { settings, target, image } = request;
  if (!settings.smoke) return { status: 'skipped', reason: 'smoke is false' };
  const containerPort = settings.port ?? image.exposedPorts[0];
  if (containerPort === undefined) {
    const reason = 'the image EXPOSEs no port and the "port" input is empty';
    ui.notice(`Smoke test of ${target} skipped: ${reason}`);
    return { status: 'skipped', reason };
  }
  const name = `multistage-${target}-${randomBytes(4).toString('hex')}`.toLowerCase();
  deps.containers.addContainer(name);
  const started = deps.clock.now();
  const fail = async (reason: string, known: Partial<SmokeReport> = {}): Promise<never> => {
    const more = await explainFailure(deps, name);
    const seconds = (deps.clock.now() - started) / 1000;
    throw new SmokeFailed({
      status: 'failed',
      seconds,
      containerPort,
      ...known,
      reason: `${reason} (after ${seconds.toFixed(1)} s)${more}`,
    });
  };
  try {
    return await smokeContainer(deps, request, name, containerPort, started, fail);
  } catch (error: unknown) {
    if (error instanceof SmokeFailed) return error.report;
    throw error;
  } finally {
    // Removed while the road goes on; the run waits for it before it ends, and the name stays in the post step's
    // state until it is gone. A failed removal is tried once more; the post step only runs when the job failed or
    // was cancelled, so a successful step says how to remove it by hand.
    deps.background.defer(
      removeContainer(deps.run, name)
        .then(async (removed) => removed || (await removeContainer(deps.run, name)))
        .then((removed) => {
          if (removed) deps.containers.removeContainer(name);
          else ui.warning(`Could not remove container ${name}; remove it with: docker rm --force ${name}`);
        }),
    );
  }
}

async function smokeContainer(
  deps: SmokeDeps,
  request: SmokeRequest,
  name: string,
  containerPort: number,
  started: number,
  fail: (reason: string, known?: Partial<SmokeReport>) => Promise<never>,
): Promise<SmokeReport> {
  const { ui, run, clock } = deps;
  const { settings } = request;
  const envFile = writeEnvFile(request.tempDir, settings['smoke-env']);
  try {
    await run(
      'docker',
      smokeRunArgs({
        name,
        image: request.image.imageId,
        containerPort,
        runId: request.runId,
        target: request.target,
        envFile,
        hardened: settings['smoke-hardened'],
      }),
    );
  } finally {
    if (envFile) fs.rmSync(envFile, { force: true });
  }
  const published = await run('docker', ['port', name, `${containerPort}/tcp`], { allowFailure: true });
  const hostPort = published.exitCode === 0 ? parseHostPort(published.stdout) : undefined;
  if (hostPort === undefined) {
    // A container that exits at once loses its published port before it can be read: say why it stopped.
    const condition = conditionFrom(await containerState(run, name));
    return fail(
      condition.state === 'exited'
        ? exitedMessage(condition)
        : `Docker published no host port for container port ${containerPort} (${clip(published.stderr.trim(), 500) || 'no port'})`,
    );
  }
  const base = `http://127.0.0.1:${hostPort}`;
  const ports = { hostPort, containerPort };
  if (settings['smoke-hardened']) ui.info(`Hardened run: ${HARDENED_FLAGS.join(' ')}`);
  ui.info(
    `Started ${name} from ${request.image.tags[0]}; polling ${base}${settings['health-path']} for HTTP ${settings['health-status']} (up to ${settings['smoke-timeout']} s)`,
  );
  const outcome = await pollHealth({
    probe: httpProbe(`${base}${settings['health-path']}`),
    condition: async () => conditionFrom(await containerState(run, name)),
    expectedStatus: settings['health-status'],
    deadline: started + settings['smoke-timeout'] * 1000,
    intervalMs: POLL_INTERVAL_MS,
    conditionIntervalMs: CONDITION_INTERVAL_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    now: clock.now,
    sleep: clock.sleep,
  });
  const seconds = (clock.now() - started) / 1000;
  if (!outcome.ok) return fail(`${outcome.message} (GET ${settings['health-path']} on port ${containerPort})`, ports);
  ui.info(`Healthy after ${seconds.toFixed(1)} s (${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'})`);
  for (const extra of settings['smoke-paths']) {
    const answer = await httpProbe(`${base}${extra}`)(REQUEST_TIMEOUT_MS);
    if (!('status' in answer) || answer.status < 200 || answer.status > 299) {
      const what = 'status' in answer ? `answered HTTP ${answer.status}` : answer.error;
      return fail(`${extra} ${what}, expected 2xx`, { ...ports, seconds });
    }
    ui.info(`${extra}: HTTP ${answer.status}`);
  }
  const unstable = await checkStable(deps, name, settings['smoke-stable-seconds']);
  if (unstable) return fail(unstable, { ...ports, seconds });
  return { status: 'passed', seconds, ...ports };
}

/**
 * A service that answers once and then dies has not passed: after `smoke-stable-seconds` the container must still
 * run (not exited, not restarting) and, if the image has a HEALTHCHECK, be healthy by it. When Docker has not run
 * the HEALTHCHECK yet (its interval is often 30 s), the same command is run now with `docker exec`, with its
 * timeout. Returns why it is not stable, or undefined.
 */
async function checkStable(deps: SmokeDeps, name: string, stableSeconds: number): Promise<string | undefined> {
  const { run, ui } = deps;
  if (stableSeconds > 0) await deps.clock.sleep(stableSeconds * 1000);
  const after = `${stableSeconds} s after it was healthy`;
  const condition = conditionFrom(await containerState(run, name));
  if (condition.state === 'exited') return `the container exited with code ${condition.exitCode} ${after}`;
  if (condition.state === 'restarting') return `${restartingMessage(condition.exitCode)} ${after}`;
  if (condition.health === undefined || condition.health === 'none') {
    ui.info(`Still running ${after}`);
    return undefined;
  }
  if (condition.health === 'unhealthy') return `Docker reports the container unhealthy ${after}`;
  if (condition.health === 'healthy') {
    ui.info(`Still running and healthy by its HEALTHCHECK ${after}`);
    return undefined;
  }
  const config = await containerHealthcheck(run, name);
  const argv = healthcheckArgv(config);
  if (!argv) return undefined;
  const timeoutMs = config?.Timeout ? Math.ceil(config.Timeout / 1e6) : DEFAULT_HEALTHCHECK_TIMEOUT_MS;
  const result = await run('docker', ['exec', name, ...argv], { allowFailure: true, timeoutMs });
  if (result.exitCode !== 0) {
    const output = clip(`${result.stdout}${result.stderr}`.trim(), 2000) || '(no output)';
    return result.timedOut
      ? `its HEALTHCHECK did not finish within its timeout of ${timeoutMs} ms (run ${after})`
      : `its HEALTHCHECK failed ${after}: exit code ${result.exitCode}: ${output}`;
  }
  ui.info(`Still running ${after}; its HEALTHCHECK passed (run now: Docker had not run it yet)`);
  return undefined;
}

/**
 * Print the last HEALTHCHECK output and the container's last log lines (inside the phase's collapsed group; the
 * container's text, so only as untrusted text) and return the sentence the failure message carries.
 */
async function explainFailure(deps: SmokeDeps, name: string): Promise<string> {
  const probe = await lastHealthcheckOutput(deps.run, name);
  const logs = await containerLogs(deps.run, name, LOG_LINES);
  if (probe) deps.ui.info(`Last HEALTHCHECK probe: ${probe}`);
  deps.ui.info(`Last ${LOG_LINES} log lines of ${name}:`);
  deps.ui.info(logs ? logs : '(the container wrote no logs)');
  return `${probe ? `; last HEALTHCHECK probe: ${probe}` : ''}; its last log lines are in the "Smoke test" group of the log`;
}
