import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PipelineEnv } from '../pipeline.js';
import type { SmokeReport, TargetReport } from '../report/types.js';
import { GateError } from '../errors.js';
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

/**
 * Run the built image, poll its health endpoint until it answers or the deadline passes, check the extra paths,
 * check that it is still up (and healthy per its HEALTHCHECK) after the stability window, and always remove the
 * container. Fails (GateError 'smoke') with the reason, the last HEALTHCHECK output and the container's last log
 * lines.
 */
export async function smokePhase(env: PipelineEnv, report: TargetReport): Promise<SmokeReport> {
  const { inputs, ui } = env;
  if (!inputs.smoke) return { status: 'skipped', reason: 'smoke is false' };
  const build = report.build;
  if (!build) throw new Error('smoke test needs a built image');
  const containerPort = inputs.port ?? build.exposedPorts[0];
  if (containerPort === undefined) {
    const reason = 'the image EXPOSEs no port and the "port" input is empty';
    ui.notice(`Smoke test of ${report.target} skipped: ${reason}`);
    return { status: 'skipped', reason };
  }

  const name = `multistage-${report.target}-${randomBytes(4).toString('hex')}`.toLowerCase();
  env.cleanup.addContainer(name);
  const started = env.now();
  const fail = async (reason: string, details: Partial<SmokeReport> = {}, where = ''): Promise<never> => {
    const more = await explainFailure(env, name);
    const seconds = (env.now() - started) / 1000;
    throw new GateError(
      'smoke',
      `Smoke test of ${report.target} failed: ${reason}${where} (after ${seconds.toFixed(1)} s)${more}`,
      { status: 'failed', seconds, reason, containerPort, ...details },
    );
  };
  try {
    const envFile = writeEnvFile(env.tempDir, inputs['smoke-env']);
    try {
      await env.run(
        'docker',
        smokeRunArgs({
          name,
          image: build.imageId,
          containerPort,
          runId: env.ctx.runId,
          target: report.target,
          envFile,
          hardened: inputs['smoke-hardened'],
        }),
      );
    } finally {
      if (envFile) fs.rmSync(envFile, { force: true });
    }
    const published = await env.run('docker', ['port', name, `${containerPort}/tcp`], { allowFailure: true });
    const hostPort = published.exitCode === 0 ? parseHostPort(published.stdout) : undefined;
    if (hostPort === undefined) {
      // A container that exits at once loses its published port before we can read it: say why it stopped.
      const condition = conditionFrom(await containerState(env.run, name));
      await fail(
        condition.state === 'exited'
          ? exitedMessage(condition)
          : `Docker published no host port for container port ${containerPort} (${clip(published.stderr.trim(), 500) || 'no port'})`,
      );
      return { status: 'failed' };
    }
    const base = `http://127.0.0.1:${hostPort}`;
    if (inputs['smoke-hardened']) ui.info(`Hardened run: ${HARDENED_FLAGS.join(' ')}`);
    ui.info(
      `Started ${name} from ${build.tags[0]}; polling ${base}${inputs['health-path']} for HTTP ${inputs['health-status']} (up to ${inputs['smoke-timeout']} s)`,
    );

    const deadline = started + inputs['smoke-timeout'] * 1000;
    const outcome = await pollHealth({
      probe: httpProbe(`${base}${inputs['health-path']}`),
      condition: async () => conditionFrom(await containerState(env.run, name)),
      expectedStatus: inputs['health-status'],
      deadline,
      intervalMs: POLL_INTERVAL_MS,
      conditionIntervalMs: CONDITION_INTERVAL_MS,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      now: env.now,
      sleep: env.sleep,
    });
    const seconds = (env.now() - started) / 1000;
    const ports = { hostPort, containerPort };
    if (!outcome.ok) {
      await fail(outcome.message, ports, ` (GET ${inputs['health-path']} on port ${containerPort})`);
    }
    ui.info(`Healthy after ${seconds.toFixed(1)} s (${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'})`);

    for (const extra of inputs['smoke-paths']) {
      const answer = await httpProbe(`${base}${extra}`)(REQUEST_TIMEOUT_MS);
      if (!('status' in answer) || answer.status < 200 || answer.status > 299) {
        const what = 'status' in answer ? `answered HTTP ${answer.status}` : answer.error;
        await fail(`${extra} ${what}, expected 2xx`, { ...ports, seconds });
      } else {
        ui.info(`${extra}: HTTP ${answer.status}`);
      }
    }
    await checkStable(env, name, async (reason) => fail(reason, { ...ports, seconds }));
    return { status: 'passed', seconds, ...ports };
  } finally {
    // Removed while the pipeline goes on; the pipeline waits for it before it ends, and the name stays in the post
    // step's state until it is gone. A failed removal is tried once more; the post step only runs when the job
    // failed or was cancelled, so a successful step says how to remove it by hand.
    env.defer(
      removeContainer(env.run, name)
        .then(async (removed) => removed || (await removeContainer(env.run, name)))
        .then((removed) => {
          if (removed) env.cleanup.removeContainer(name);
          else ui.warning(`Could not remove container ${name}; remove it with: docker rm --force ${name}`);
        }),
    );
  }
}

/**
 * A service that answers once and then dies has not passed: after `smoke-stable-seconds` the container must still
 * run (not exited, not restarting) and, if the image has a HEALTHCHECK, be healthy by it. When Docker has not run
 * the HEALTHCHECK yet (its interval is often 30 s), the same command is run now with `docker exec`, with its timeout.
 */
async function checkStable(env: PipelineEnv, name: string, fail: (reason: string) => Promise<never>): Promise<void> {
  const stableSeconds = env.inputs['smoke-stable-seconds'];
  if (stableSeconds > 0) await env.sleep(stableSeconds * 1000);
  const after = `${stableSeconds} s after it was healthy`;
  const condition = conditionFrom(await containerState(env.run, name));
  if (condition.state === 'exited') await fail(`the container exited with code ${condition.exitCode} ${after}`);
  if (condition.state === 'restarting') await fail(`${restartingMessage(condition.exitCode)} ${after}`);
  if (condition.state !== 'running' || condition.health === 'none' || condition.health === undefined) {
    env.ui.info(`Still running ${after}`);
    return;
  }
  if (condition.health === 'unhealthy') await fail(`Docker reports the container unhealthy ${after}`);
  if (condition.health === 'healthy') {
    env.ui.info(`Still running and healthy by its HEALTHCHECK ${after}`);
    return;
  }
  const config = await containerHealthcheck(env.run, name);
  const argv = healthcheckArgv(config);
  if (!argv) return;
  const timeoutMs = config?.Timeout ? Math.ceil(config.Timeout / 1e6) : DEFAULT_HEALTHCHECK_TIMEOUT_MS;
  const result = await env.run('docker', ['exec', name, ...argv], { allowFailure: true, timeoutMs });
  if (result.exitCode !== 0) {
    const output = clip(`${result.stdout}${result.stderr}`.trim(), 2000) || '(no output)';
    await fail(
      result.timedOut
        ? `its HEALTHCHECK did not finish within its timeout of ${timeoutMs} ms (run ${after})`
        : `its HEALTHCHECK failed ${after}: exit code ${result.exitCode}: ${output}`,
    );
  }
  env.ui.info(`Still running ${after}; its HEALTHCHECK passed (run now: Docker had not run it yet)`);
}

/**
 * Print the last HEALTHCHECK output and the container's last log lines (inside the phase's collapsed group; the
 * container's text, so only as untrusted text) and return the sentence the failure message carries.
 */
async function explainFailure(env: PipelineEnv, name: string): Promise<string> {
  const probe = await lastHealthcheckOutput(env.run, name);
  const logs = await containerLogs(env.run, name, LOG_LINES);
  if (probe) env.ui.info(`Last HEALTHCHECK probe: ${probe}`);
  env.ui.info(`Last ${LOG_LINES} log lines of ${name}:`);
  env.ui.info(logs ? logs : '(the container wrote no logs)');
  return `${probe ? `; last HEALTHCHECK probe: ${probe}` : ''}; its last log lines are in the "Smoke test" group of the log`;
}
