import type { PushReport } from '../report/types.js';
import { CommandError, errorMessage, GateFailure, ToolError } from '../errors.js';
import { inspectImage } from '../docker/image.js';
import type { CacheDecision } from '../build/args.js';
import { BuildError } from '../build/build.js';
import { buildOnce, metadataFile, type BuildDeps } from '../build/phase.js';
import type { BuildSettings } from '../build/plan.js';
import { PUSH_RETRY_DELAYS_MS, retryTransient, type RetryOptions } from './retry.js';

/** `docker push` ends with "<tag>: digest: sha256:... size: N". */
export function digestFromPush(output: string): string | undefined {
  const matches = [...output.matchAll(/digest: (sha256:[0-9a-f]{64})/g)];
  return matches.at(-1)?.[1];
}

export interface PushRequest {
  target: string;
  /** The tested image: its id, its tags, its labels, the platform the gates ran on. */
  image: { imageId: string; tags: string[]; labels: string[]; gatedPlatform?: string };
  /** Every platform asked for (several: a multi-platform push from the same cache). */
  platforms: string[];
  cache: CacheDecision;
  tempDir: string;
}

/**
 * `docker push` gives up on the first 5xx of a manifest upload; a registry's 5xx, 429 or dropped connection is
 * retried twice here, with a warning that says what failed.
 */
function pushRetry(deps: BuildDeps, tag: string): RetryOptions {
  return {
    delaysMs: PUSH_RETRY_DELAYS_MS,
    sleep: deps.clock.sleep,
    onRetry: (message, attempt, delayMs) => {
      const reason = message.trim().split('\n').at(-1) ?? message;
      deps.ui.warning(
        `Pushing ${tag}: the registry failed (${reason}); retrying in ${delayMs / 1000} s ` +
          `(retry ${attempt} of ${PUSH_RETRY_DELAYS_MS.length})`,
      );
    },
  };
}

/**
 * Push what passed every gate. One platform: the very image that was tested (its id checked under every tag, or
 * the push gate fails), every tag. Several platforms: build and push the multi-platform image from the same cache,
 * after the runner's own platform passed. A registry or buildx that fails is a tool failure.
 */
export async function push(deps: BuildDeps, settings: BuildSettings, request: PushRequest): Promise<PushReport> {
  const { ui } = deps;
  const { image, target } = request;
  if (request.platforms.length > 1) {
    ui.info(
      `Gates passed on ${image.gatedPlatform}; building and pushing ${request.platforms.join(', ')} from the same cache`,
    );
    try {
      // BuildKit retries a registry's 5xx itself (1, 2, 4, 8 s), so this path needs no retry of ours.
      const run = await buildOnce(deps, settings, {
        target,
        tags: image.tags,
        labels: image.labels,
        cache: request.cache,
        output: { type: 'push' },
        platforms: request.platforms,
        metadataFile: metadataFile(request.tempDir, target, '-push'),
      });
      const digest = run.metadata['containerimage.digest'];
      if (typeof digest !== 'string') throw new ToolError('buildx', 'buildx reported no digest for the pushed image');
      ui.info(`Pushed ${image.tags.join(', ')} (${request.platforms.join(', ')}) as ${digest}`);
      return { digest };
    } catch (error: unknown) {
      if (error instanceof ToolError || error instanceof BuildError) {
        throw new ToolError(
          'buildx',
          `Pushing ${target} for ${request.platforms.join(', ')} failed: ${errorMessage(error)}`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  // The tags must still name the image that was tested (another build could have moved them).
  for (const tag of image.tags) {
    const current = await inspectImage(deps.run, tag);
    if (current.id !== image.imageId) {
      throw new GateFailure(
        'push',
        `Not pushing ${tag}: it now names ${current.id}, not the tested image ${image.imageId}`,
      );
    }
  }
  const pushed: string[] = [];
  let digest: string | undefined;
  for (const tag of image.tags) {
    try {
      const result = await retryTransient(() => deps.run('docker', ['push', tag]), pushRetry(deps, tag));
      digest = digestFromPush(result.stdout) ?? digest;
      pushed.push(tag);
      ui.info(`Pushed ${tag}${digest ? ` (${digest})` : ''}`);
    } catch (error: unknown) {
      if (!(error instanceof CommandError)) throw error;
      const done = pushed.length > 0 ? ` (already pushed: ${pushed.join(', ')})` : ' (nothing was pushed)';
      throw new ToolError('docker push', `Pushing ${tag} failed${done}: ${error.message}`, { cause: error });
    }
  }
  if (!digest) throw new ToolError('docker push', `docker push reported no digest for ${image.tags.join(', ')}`);
  return { digest };
}
