import * as path from 'node:path';
import type { PipelineEnv } from '../pipeline.js';
import type { TargetReport } from '../report/types.js';
import { GateError, errorMessage } from '../errors.js';
import { inspectImage } from '../docker/image.js';
import { cacheFor } from '../build/phase.js';
import { runBuild } from '../build/build.js';
import { buildPlan, secretEnv } from '../build/plan.js';
import { PUSH_RETRY_DELAYS_MS, retryTransient, type RetryOptions } from './retry.js';

/** `docker push` ends with "<tag>: digest: sha256:... size: N". */
export function digestFromPush(output: string): string | undefined {
  const matches = [...output.matchAll(/digest: (sha256:[0-9a-f]{64})/g)];
  return matches.at(-1)?.[1];
}

export interface PushResult {
  digest: string;
}

/**
 * `docker push` gives up on the first 5xx of a manifest upload; a registry's 5xx, 429 or dropped connection is
 * retried twice here, with a warning that says what failed.
 */
function pushRetry(env: PipelineEnv, what: string): RetryOptions {
  return {
    delaysMs: PUSH_RETRY_DELAYS_MS,
    sleep: env.sleep,
    onRetry: (message, attempt, delayMs) => {
      const reason = message.trim().split('\n').at(-1) ?? message;
      env.ui.warning(
        `Pushing ${what}: the registry failed (${reason}); retrying in ${delayMs / 1000} s ` +
          `(retry ${attempt} of ${PUSH_RETRY_DELAYS_MS.length})`,
      );
    },
  };
}

/**
 * Push what passed every gate. One platform: the very image that was tested (its id checked), every tag. Several
 * platforms: build and push the multi-platform image from the same cache, after the runner's own platform passed.
 */
export async function pushPhase(env: PipelineEnv, report: TargetReport): Promise<PushResult> {
  const { inputs, ui } = env;
  const build = report.build;
  if (!build) throw new Error('push needs a built image');
  if (inputs.platforms.length > 1) {
    ui.info(
      `Gates passed on ${build.gatedPlatform}; building and pushing ${inputs.platforms.join(', ')} from the same cache`,
    );
    const plan = buildPlan(inputs, env.ctx, {
      target: report.target,
      tags: build.tags,
      labels: build.labels,
      cache: cacheFor(env, report.target),
      output: { type: 'push' },
      platforms: inputs.platforms,
      metadataFile: path.join(env.tempDir, `metadata-${report.target}-push.json`),
    });
    try {
      // BuildKit retries a registry's 5xx itself (1, 2, 4, 8 s), so this path needs no retry of ours.
      const run = await runBuild(plan, {
        run: env.run,
        env: secretEnv(inputs),
        now: env.now,
        log: (line) => ui.info(line),
      });
      const digest = run.metadata['containerimage.digest'];
      if (typeof digest !== 'string') throw new Error('buildx reported no digest for the pushed image');
      ui.info(`Pushed ${build.tags.join(', ')} (${inputs.platforms.join(', ')}) as ${digest}`);
      return { digest };
    } catch (error: unknown) {
      throw new GateError(
        'push',
        `Pushing ${report.target} for ${inputs.platforms.join(', ')} failed: ${errorMessage(error)}`,
      );
    }
  }

  // The tags must still name the image that was tested (another build could have moved them).
  for (const tag of build.tags) {
    const current = await inspectImage(env.run, tag);
    if (current.id !== build.imageId) {
      throw new GateError(
        'push',
        `Not pushing ${tag}: it now names ${current.id}, not the tested image ${build.imageId}`,
      );
    }
  }
  const pushed: string[] = [];
  let digest: string | undefined;
  for (const tag of build.tags) {
    try {
      const result = await retryTransient(() => env.run('docker', ['push', tag]), pushRetry(env, tag));
      digest = digestFromPush(result.stdout) ?? digest;
      pushed.push(tag);
      ui.info(`Pushed ${tag}${digest ? ` (${digest})` : ''}`);
    } catch (error: unknown) {
      const done = pushed.length > 0 ? ` (already pushed: ${pushed.join(', ')})` : ' (nothing was pushed)';
      throw new GateError('push', `Pushing ${tag} failed${done}: ${errorMessage(error)}`);
    }
  }
  if (!digest) throw new GateError('push', `docker push reported no digest for ${build.tags.join(', ')}`);
  return { digest };
}
