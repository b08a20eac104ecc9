import * as path from 'node:path';
import type { Runner } from '../exec.js';
import type { Ui } from '../ui.js';
import type { Clock } from '../runtime.js';
import { GateFailure } from '../errors.js';
import { inspectImage } from '../docker/image.js';
import { loadIntoEngine, OciLayout, platformText, type Descriptor } from '../release/layout.js';
import type { BuildReport } from '../report/types.js';
import { BuildError, runBuild, type BuildRun } from './build.js';
import { buildPlan, type BuildRequest, type BuildSettings } from './plan.js';

export interface BuildDeps {
  run: Runner;
  ui: Ui;
  clock: Clock;
}

/** Where a failed build is annotated: the Dockerfile (relative to the workspace) and the line of a stage's FROM. */
export interface BuildAnnotation {
  file: string;
  stageLine: (stage: string) => number | undefined;
  /** The platform the gates run on, when several are built ('' or undefined: the only one). */
  gatePlatform?: string;
}

/**
 * The one way a build runs (the target's, the test stage's, the multi-platform push): plan it from the run's
 * settings and this request, stream its progress into the log (as untrusted text), and read its metadata. A failure
 * of the Dockerfile's own steps is a BuildError (its step, stage and line); a buildx that cannot run at all is a
 * tool failure (CommandError).
 */
export async function buildOnce(deps: BuildDeps, settings: BuildSettings, request: BuildRequest): Promise<BuildRun> {
  return runBuild(buildPlan(settings, request), {
    run: deps.run,
    env: settings.metadataWarnings
      ? { ...settings.secretValues, BUILDX_METADATA_WARNINGS: '1' }
      : settings.secretValues,
    now: deps.clock.now,
    log: (line) => deps.ui.info(line),
  });
}

/**
 * Build a target, load it into the engine for the later phases, and say what was built. A failed Dockerfile step
 * is annotated on its line and thrown as the build gate's failure.
 */
export async function buildImage(
  deps: BuildDeps,
  settings: BuildSettings,
  request: BuildRequest,
  annotation: BuildAnnotation,
): Promise<BuildReport> {
  let run: BuildRun;
  try {
    run = await buildOnce(deps, settings, request);
  } catch (error: unknown) {
    if (!(error instanceof BuildError)) throw error;
    const stage = error.progress.failedStage ? annotation.stageLine(error.progress.failedStage) : undefined;
    deps.ui.error(error.message, {
      title: `multistage: build of ${request.target} failed`,
      file: annotation.file,
      startLine: error.progress.failedLine ?? stage,
    });
    throw new GateFailure('build', error.message, { cause: error });
  }
  let tested: Descriptor | undefined;
  if (request.output.type === 'oci-layout') {
    // The gates run on one platform of the very result that is pushed, loaded from its blobs.
    const layout = new OciLayout(request.output.dest);
    const loaded = await loadIntoEngine(deps.run, layout, annotation.gatePlatform, request.tags);
    tested = loaded.manifest;
    deps.ui.info(
      `Loaded ${platformText(tested.platform) || 'the image'} of the build (${tested.digest}) into the engine for the gates`,
    );
  }
  const image = await inspectImage(deps.run, request.tags[0]);
  const digest = run.metadata['containerimage.digest'];
  return {
    imageId: image.id,
    digest: tested?.digest ?? (typeof digest === 'string' ? digest : undefined),
    ...(tested && request.output.type === 'oci-layout' ? { layout: { dir: request.output.dest, tested } } : {}),
    tags: request.tags,
    sizeBytes: image.size,
    seconds: run.seconds,
    steps: run.progress.steps,
    cached: run.progress.cached,
    cacheHitRatio: run.progress.cacheHitRatio,
    stepDetails: run.progress.stepDetails,
    metadata: run.metadata,
    ...(run.progress.driver ? { driver: run.progress.driver } : {}),
    labels: request.labels,
    exposedPorts: image.exposedPorts,
  };
}

/** A run's metadata file for a target's build (several builds of one target get their own suffix). */
export function metadataFile(tempDir: string, target: string, suffix = ''): string {
  return path.join(tempDir, `metadata-${target}${suffix}.json`);
}
