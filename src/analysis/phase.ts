import type { Runner } from '../exec.js';
import type { Ui } from '../ui.js';
import type { BuildReport } from '../report/types.js';
import { CommandError, errorMessage, ToolError } from '../errors.js';
import { stagesNeeded, findStage, type Dockerfile } from '../dockerfile/parse.js';
import { formatBytes } from '../units.js';
import { analyze, biggestLayers, describeLayer, THRESHOLDS, type Analysis } from './analyze.js';
import { readLayoutImage, savedImageReader, type LayerMemo, type SavedImage } from './layers.js';
import { OciLayout } from '../release/layout.js';

export interface AnalysisDeps {
  run: Runner;
  ui: Ui;
  /** The run's layers already read (by digest), shared by its targets. */
  layers?: LayerMemo;
}

export interface AnalysisRequest {
  target: string;
  build: BuildReport;
  dockerfile: Dockerfile;
  /** The Dockerfile as annotations name it (relative to the workspace). */
  file: string;
  thresholds?: typeof THRESHOLDS;
  /** Count the layers' compressed size (gzip on the fly when the engine keeps them uncompressed). */
  measureCompressed?: boolean;
}

/**
 * Analyse a built image: its stages from the build's progress, its layers read as a stream: from the OCI layout the
 * build wrote (the release path: nothing exported again), else from `docker image save`. Recommendations are said as notices on their Dockerfile line.
 */
export async function analyzeImage(deps: AnalysisDeps, request: AnalysisRequest): Promise<Analysis> {
  const { build } = request;
  const stage = findStage(request.dockerfile, request.target);
  const needed = stage ? stagesNeeded(request.dockerfile, stage) : [];
  let image: SavedImage;
  if (build.layout) {
    // The build wrote the image to disk (an OCI layout): its tested manifest's blobs are read from there, each
    // layer once per run.
    const layout = new OciLayout(build.layout.dir);
    const manifest = layout.readBlob<{
      config?: { digest?: unknown };
      layers?: { digest?: unknown; size?: unknown }[];
    }>(build.layout.tested.digest);
    const config = manifest.config?.digest;
    const layers = manifest.layers ?? [];
    if (
      typeof config !== 'string' ||
      !layers.every((l) => typeof l.digest === 'string' && Number.isSafeInteger(l.size) && (l.size as number) >= 0)
    ) {
      throw new ToolError(
        'buildx',
        `the OCI layout's manifest ${build.layout.tested.digest} names no config or layers`,
      );
    }
    try {
      image = await readLayoutImage(
        {
          config,
          layers: layers as { digest: string; size: number }[],
          blobPath: (digest: string) => layout.blobPath(digest),
        },
        deps.layers,
      );
    } catch (error: unknown) {
      if (error instanceof ToolError) throw error;
      throw new ToolError('buildx', `Reading the layers of the OCI layout failed: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  } else {
    const reader = savedImageReader({ measureCompressed: request.measureCompressed });
    try {
      await deps.run('docker', ['image', 'save', build.tags[0]], { output: reader.writable });
    } catch (error: unknown) {
      if (error instanceof CommandError) {
        throw new ToolError('docker', `Reading the layers of ${build.tags[0]} failed: ${error.message}`, {
          cause: error,
        });
      }
      throw error;
    }
    image = reader.result();
  }
  const analysis = analyze(build.stepDetails ?? [], needed, image, build.sizeBytes, request.thresholds);
  const slowest = [...analysis.stages].sort((a, b) => b.seconds - a.seconds)[0];
  deps.ui.info(
    `Analysis: ${analysis.stages.length} stages${slowest ? ` (slowest ${slowest.name}, ${slowest.seconds.toFixed(1)} s)` : ''}, ${analysis.layers.length} layers, ${formatBytes(analysis.imageSize)}, ${formatBytes(analysis.wastedBytes)} wasted`,
  );
  for (const r of analysis.recommendations) {
    deps.ui.notice(r.message, {
      title: `Recommendation (${r.rule})${r.stage ? ` for ${r.stage}` : ''}`,
      file: request.file,
      ...(r.line ? { startLine: r.line } : {}),
    });
  }
  return analysis;
}

/**
 * `max-image-size`: an image over the budget does not pass (nothing is pushed). The message names the input, the
 * size and the three biggest layers with their Dockerfile lines. Returns why it does not pass, or undefined.
 */
export function budgetVerdict(
  target: string,
  sizeBytes: number,
  maxBytes: number | undefined,
  analysis: Analysis | undefined,
): string | undefined {
  if (maxBytes === undefined || sizeBytes <= maxBytes) return undefined;
  const biggest = analysis ? biggestLayers(analysis.layers, 3) : [];
  return `${target} is ${formatBytes(sizeBytes)}, over max-image-size (${formatBytes(maxBytes)})${biggest.length ? `; biggest layers: ${biggest.map(describeLayer).join('; ')}` : ''}`;
}
