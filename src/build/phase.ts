import * as path from 'node:path';
import type { Runner } from '../exec.js';
import type { Ui } from '../ui.js';
import type { Clock } from '../runtime.js';
import { CommandError, GateFailure } from '../errors.js';
import { inspectImage, type ImageInfo } from '../docker/image.js';
import {
  checkLoaded,
  layoutImage,
  loadIntoEngine,
  OciLayout,
  platformText,
  type Descriptor,
} from '../release/layout.js';
import type { BuildReport } from '../report/types.js';
import { BuildError, runBuild, type BuildRun } from './build.js';
import { buildPlan, type BuildRequest, type BuildSettings } from './plan.js';

export interface BuildDeps {
  run: Runner;
  ui: Ui;
  clock: Clock;
  /** What the run learnt about its builder: it takes one output per build (BuildKit < 0.13). Shared by the builds. */
  builder?: { oneOutput: boolean };
}

/** buildx's refusal of a second `--output` by a BuildKit older than 0.13 (buildx build/opt.go). */
const ONE_OUTPUT = /multiple outputs currently unsupported/;

function refusedSecondOutput(error: unknown): boolean {
  if (error instanceof CommandError) return ONE_OUTPUT.test(error.stderr);
  return error instanceof BuildError && ONE_OUTPUT.test(error.log);
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
  let output = request.output;
  if (output.type === 'oci-layout' && output.load && deps.builder?.oneOutput) output = { ...output, load: false };
  try {
    try {
      run = await buildOnce(deps, settings, { ...request, output });
    } catch (error: unknown) {
      if (!(output.type === 'oci-layout' && output.load && refusedSecondOutput(error))) throw error;
      // An older BuildKit: the layout alone, and the tested platform loaded from it after.
      if (deps.builder) deps.builder.oneOutput = true;
      output = { ...output, load: false };
      deps.ui.info('This builder takes one output per build (BuildKit < 0.13): building the layout, then loading it');
      run = await buildOnce(deps, settings, { ...request, output });
    }
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
  let layout: OciLayout | undefined;
  let tested: Descriptor | undefined;
  let loaded: ImageInfo | undefined;
  if (output.type === 'oci-layout') {
    // The gates run on one platform of the very result that is pushed: loaded by the build itself, or from the
    // layout's blobs.
    layout = new OciLayout(output.dest);
    const gated = layoutImage(layout, annotation.gatePlatform);
    tested = gated.manifest;
    if (!output.load) await loadIntoEngine(deps.run, layout, gated, request.tags);
    loaded = await inspectImage(deps.run, request.tags[0]);
    checkLoaded(loaded.id, layout, gated, request.tags[0]);
    deps.ui.info(
      `${output.load ? 'The build loaded' : 'Loaded'} ${platformText(tested.platform) || 'the image'} (${tested.digest}) into the engine for the gates`,
    );
  }
  const image = loaded ?? (await inspectImage(deps.run, request.tags[0]));
  const digest = run.metadata['containerimage.digest'];
  return {
    imageId: image.id,
    digest: tested?.digest ?? (typeof digest === 'string' ? digest : undefined),
    ...(tested && layout ? { layout: { dir: layout.dir, tested } } : {}),
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
