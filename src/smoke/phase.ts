import { randomBytes } from 'node:crypto';
import type { PipelineEnv } from '../pipeline.js';
import type { SmokeReport, TargetReport } from '../report/types.js';
import { GateError } from '../errors.js';
import {
  containerCondition,
  containerLogs,
  httpProbe,
  lastHealthcheckOutput,
  removeContainer,
} from '../docker/container.js';
import { HARDENED_FLAGS, parseHostPort, smokeRunArgs } from './args.js';
import { exitedMessage, pollHealth } from './poll.js';

/** An HTTP probe of 127.0.0.1 costs next to nothing: ten a second, so a service is noticed ~50 ms after it is up. */
export const POLL_INTERVAL_MS = 100;
/** Asking the engine whether the container still runs is a `docker inspect`: twice a second is enough. */
export const CONDITION_INTERVAL_MS = 500;
export const REQUEST_TIMEOUT_MS = 2000;
const LOG_LINES = 50;

/**
 * Run the built image, poll its health endpoint until it answers or the deadline passes, check the extra paths,
 * and always remove the container. Fails (GateError 'smoke') with the reason, the last HEALTHCHECK output and the
 * container's last log lines.
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
  const childEnv = Object.fromEntries(inputs['smoke-env'].map((e) => [e.key, e.value]));
  try {
    const started = env.now();
    await env.run(
      'docker',
      smokeRunArgs({
        name,
        image: build.imageId,
        containerPort,
        runId: env.ctx.runId,
        target: report.target,
        envNames: Object.keys(childEnv),
        hardened: inputs['smoke-hardened'],
      }),
      { env: childEnv },
    );
    const published = await env.run('docker', ['port', name, `${containerPort}/tcp`], { allowFailure: true });
    const hostPort = published.exitCode === 0 ? parseHostPort(published.stdout) : undefined;
    if (hostPort === undefined) {
      // A container that exits at once loses its published port before we can read it: say why it stopped.
      const condition = await containerCondition(env.run, name);
      const more = await explainFailure(env, name);
      const seconds = (env.now() - started) / 1000;
      const reason =
        condition.state === 'exited'
          ? exitedMessage(condition)
          : `Docker published no host port for container port ${containerPort} (${published.stderr.trim() || 'no port'})`;
      throw new GateError(
        'smoke',
        `Smoke test of ${report.target} failed: ${reason} (after ${seconds.toFixed(1)} s)${more}`,
        {
          status: 'failed',
          seconds,
          reason,
          containerPort,
        },
      );
    }
    const base = `http://127.0.0.1:${hostPort}`;
    if (inputs['smoke-hardened']) ui.info(`Hardened run: ${HARDENED_FLAGS.join(' ')}`);
    ui.info(
      `Started ${name} from ${build.tags[0]}; polling ${base}${inputs['health-path']} for HTTP ${inputs['health-status']} (up to ${inputs['smoke-timeout']} s)`,
    );

    const outcome = await pollHealth({
      probe: httpProbe(`${base}${inputs['health-path']}`),
      condition: () => containerCondition(env.run, name),
      expectedStatus: inputs['health-status'],
      deadline: started + inputs['smoke-timeout'] * 1000,
      intervalMs: POLL_INTERVAL_MS,
      conditionIntervalMs: CONDITION_INTERVAL_MS,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      now: env.now,
      sleep: env.sleep,
    });
    const seconds = (env.now() - started) / 1000;
    if (!outcome.ok) {
      const more = await explainFailure(env, name);
      const result: SmokeReport = { status: 'failed', seconds, reason: outcome.message, hostPort, containerPort };
      throw new GateError(
        'smoke',
        `Smoke test of ${report.target} failed: ${outcome.message} (GET ${inputs['health-path']} on port ${containerPort}, after ${seconds.toFixed(1)} s)${more}`,
        result,
      );
    }
    ui.info(`Healthy after ${seconds.toFixed(1)} s (${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'})`);

    for (const extra of inputs['smoke-paths']) {
      const answer = await httpProbe(`${base}${extra}`)(REQUEST_TIMEOUT_MS);
      if (!('status' in answer) || answer.status < 200 || answer.status > 299) {
        const more = await explainFailure(env, name);
        const what = 'status' in answer ? `answered HTTP ${answer.status}` : answer.error;
        const reason = `${extra} ${what}, expected 2xx`;
        throw new GateError('smoke', `Smoke test of ${report.target} failed: ${reason}${more}`, {
          status: 'failed',
          seconds,
          reason,
          hostPort,
          containerPort,
        });
      }
      ui.info(`${extra}: HTTP ${answer.status}`);
    }
    return { status: 'passed', seconds, hostPort, containerPort };
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
 * Print the last HEALTHCHECK output and the container's last log lines (inside the phase's collapsed group) and
 * return the sentence the failure message carries.
 */
async function explainFailure(env: PipelineEnv, name: string): Promise<string> {
  const probe = await lastHealthcheckOutput(env.run, name);
  const logs = await containerLogs(env.run, name, LOG_LINES);
  if (probe) env.ui.info(`Last HEALTHCHECK probe: ${probe}`);
  env.ui.info(`Last ${LOG_LINES} log lines of ${name}:`);
  env.ui.info(logs ? logs : '(the container wrote no logs)');
  return `${probe ? `; last HEALTHCHECK probe: ${probe}` : ''}; its last log lines are in the "Smoke test" group of the log`;
}
