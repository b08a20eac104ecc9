import * as path from 'node:path';
import type { PipelineEnv } from '../pipeline.js';
import { inspectImage } from '../docker/image.js';
import type { BuildReport } from '../report/types.js';
import { cacheFlags, type CacheDecision } from './args.js';
import { runBuild, BuildError } from './build.js';
import { buildPlan, defaultLabels, defaultTags, mergeLabels, secretEnv } from './plan.js';

/** The cache flags of a target's builds (its own gha scope unless cache-scope says otherwise), said once if degraded. */
export function cacheFor(env: PipelineEnv, target: string): CacheDecision {
  const { inputs } = env;
  const cache = cacheFlags(
    {
      cache: inputs.cache,
      scope: inputs['cache-scope'] || target,
      cacheFrom: inputs['cache-from'],
      cacheTo: inputs['cache-to'],
    },
    env.caps,
    env.ctx.cacheService,
  );
  if (cache.notice) env.noticeOnce(cache.notice);
  return cache;
}

/** Build a target and load it into the engine for the later phases. */
export async function buildPhase(env: PipelineEnv, target: string): Promise<BuildReport> {
  const { inputs, ctx, ui } = env;
  const tags = defaultTags(inputs, target, ctx.sha);
  const cache = cacheFor(env, target);
  const labels = mergeLabels(defaultLabels(ctx, target, new Date(env.now())), inputs.labels);
  const plan = buildPlan(inputs, ctx, {
    target,
    tags,
    labels,
    cache,
    output: { type: 'load' },
    platforms: env.gatePlatforms,
    metadataFile: path.join(env.tempDir, `metadata-${target}.json`),
  });
  try {
    const run = await runBuild(plan, {
      run: env.run,
      env: secretEnv(inputs),
      now: env.now,
      log: (line) => ui.info(line),
    });
    const image = await inspectImage(env.run, tags[0]);
    const digest =
      typeof run.metadata['containerimage.digest'] === 'string' ? run.metadata['containerimage.digest'] : undefined;
    return {
      imageId: image.id,
      digest,
      tags,
      sizeBytes: image.size,
      seconds: run.seconds,
      steps: run.progress.steps,
      cached: run.progress.cached,
      cacheHitRatio: run.progress.cacheHitRatio,
      metadata: run.metadata,
      labels,
      exposedPorts: image.exposedPorts,
      gatedPlatform: env.gatePlatforms.length === 1 && inputs.platforms.length > 1 ? env.gatePlatforms[0] : undefined,
    };
  } catch (error: unknown) {
    if (error instanceof BuildError) {
      const stage = error.progress.failedStage ? env.stageLine(error.progress.failedStage) : undefined;
      ui.error(error.message, {
        title: `multistage: build of ${target} failed`,
        file: path.relative(ctx.workspace, plan.file),
        startLine: error.progress.failedLine ?? stage,
      });
    }
    throw error;
  }
}
