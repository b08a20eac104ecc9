import type { StepProgress } from '../build/progress.js';
import { stageLabel, stepInstruction, type Stage } from '../dockerfile/parse.js';
import { formatBytes } from '../units.js';
import { computeWaste, layerBytes, type SavedImage } from './layers.js';

/**
 * The tutorial's build-analysis script (practice 5), on every build: time, steps and cache per stage, the final
 * image's layers and wasted bytes, and its three rules of thumb as recommendations on the Dockerfile line concerned.
 */

/** The tutorial's rules of thumb, as thresholds (README, "Build analysis"). */
export const THRESHOLDS = {
  /** A stage that takes longer should be split or parallelised. */
  slowStageSeconds: 300,
  /**
   * A final image whose own layers (what this Dockerfile adds to its base image) are bigger than this carries what
   * it does not need (decimal MB, as docker shows sizes). The base image's size is reported, not judged.
   */
  bigImageBytes: 100_000_000,
  /** Bytes written in one layer and deleted or overwritten in a later one, past which cleaning up pays. */
  wastedBytes: 10_000_000,
};

export interface StageAnalysis {
  name: string;
  /** BuildKit's durations of its steps, summed. */
  seconds: number;
  /** Steps (FROM not counted) and how many of them were cached. */
  steps: number;
  cached: number;
  status: 'built' | 'cached' | 'failed';
  line: number;
}

export interface LayerAnalysis {
  /** Bytes of the files it adds. */
  size: number;
  createdBy: string;
  /** The Dockerfile line that made it, when it is one of this build's steps (not the base image's). */
  line?: number;
}

export type RecommendationRule = 'cache-order' | 'slow-stage' | 'big-image' | 'wasted-bytes';

export interface Recommendation {
  rule: RecommendationRule;
  message: string;
  stage?: string;
  line?: number;
}

export interface Analysis {
  stages: StageAnalysis[];
  layers: LayerAnalysis[];
  /** Unpacked bytes (its layers' files); the engine's figure when the layers could not be read. */
  imageSize: number;
  /** Its layers as a registry stores them (compressed), when measured: what a size change is told in. */
  compressedSize?: number;
  wastedBytes: number;
  /** The biggest wasted files, for the summary. */
  wasted: { path: string; bytes: number; line?: number }[];
  recommendations: Recommendation[];
}

/** Per stage, from BuildKit's steps: every stage the target needed that BuildKit ran or found cached. */
export function stageStats(steps: readonly StepProgress[], needed: readonly Stage[]): StageAnalysis[] {
  return needed.flatMap((stage) => {
    const label = stageLabel(stage);
    const own = steps.filter((s) => s.stage === label);
    if (own.length === 0) return [];
    const work = own.filter((s) => !/^FROM /i.test(s.text));
    const cached = work.filter((s) => s.cached).length;
    return [
      {
        name: label,
        seconds: Number(own.reduce((n, s) => n + s.seconds, 0).toFixed(2)),
        steps: work.length,
        cached,
        status: own.some((s) => s.failed) ? 'failed' : cached === work.length ? 'cached' : 'built',
        line: stage.line,
      },
    ];
  });
}

/** `RUN /bin/sh -c npm ci # buildkit` -> `RUN npm ci`, to compare with the Dockerfile's text. */
function normalizeCommand(text: string): string {
  return text
    .replace(/\s+# buildkit$/, '')
    .replace(/^\/bin\/sh -c #\(nop\)\s*/, '')
    .replace(/^(RUN )?(\|\d+ (\S+=\S*\s+)*)?\/bin\/sh -c /, 'RUN ')
    .replace(/^RUN (--mount=\S+\s+)+/, 'RUN ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The Dockerfile line a layer's history entry came from: the last matching step of the target's stages. */
export function lineOfLayer(createdBy: string, needed: readonly Stage[]): number | undefined {
  const wanted = normalizeCommand(createdBy);
  let line: number | undefined;
  for (const stage of needed) {
    for (const instruction of stage.body) {
      if (instruction.keyword === 'FROM') continue;
      const args = instruction.args.replace(/(--[a-z-]+=\S+\s+)+/g, '').replace(/\s+/g, ' ');
      const text = `${instruction.keyword} ${args}`.trim();
      if (text === wanted || (wanted.startsWith(instruction.keyword) && wanted.endsWith(args) && args.length > 3)) {
        line = instruction.line;
      }
    }
  }
  return line;
}

const INSTALL =
  /\b(npm (ci|install|i)\b|yarn( install)?\b|pnpm (i|install)\b|pip3? install|poetry install|pipenv install|bundle install|go mod download|composer install|cargo (fetch|build)|mvn [^\n]*dependency:|gradle [^\n]*dependencies)/;
const COPY_ALL = /^COPY (--\S+\s+)*(\.\/?|\.\/\*|\*)\s+\S+$/;

/**
 * The tutorial's rules, each with the stage and line it concerns:
 * - cache-order: a dependency install step ran again while an earlier step of its stage was cached, because a
 *   `COPY . .` before it changed: copy the dependency manifests first, install, then copy the sources;
 * - slow-stage: a stage over THRESHOLDS.slowStageSeconds;
 * - big-image: a final image over THRESHOLDS.bigImageBytes, with its biggest layers;
 * - wasted-bytes: over THRESHOLDS.wastedBytes written in one layer and deleted or overwritten later.
 */
export function recommend(
  analysis: Omit<Analysis, 'recommendations'>,
  steps: readonly StepProgress[],
  needed: readonly Stage[],
  thresholds = THRESHOLDS,
): Recommendation[] {
  const out: Recommendation[] = [];
  for (const stage of needed) {
    const label = stageLabel(stage);
    const own = steps.filter((s) => s.stage === label).sort((a, b) => a.index - b.index);
    const copyAll = own.findIndex((s) => COPY_ALL.test(s.text) && !s.cached);
    if (copyAll < 0) continue;
    const rebuild = own.slice(0, copyAll).some((s) => s.cached && !/^FROM /i.test(s.text));
    const install = own.slice(copyAll + 1).find((s) => /^RUN /.test(s.text) && INSTALL.test(s.text) && !s.cached);
    if (!rebuild || !install) continue;
    const copyLine = stepInstruction(stage, own[copyAll].index, own[copyAll].text)?.line;
    const installLine = stepInstruction(stage, install.index, install.text)?.line;
    out.push({
      rule: 'cache-order',
      stage: label,
      line: copyLine,
      message: `Stage ${label}: \`${install.text.slice(0, 80)}\`${installLine ? ` (line ${installLine})` : ''} ran again because \`${own[copyAll].text.slice(0, 60)}\`${copyLine ? ` (line ${copyLine})` : ''} comes before it and the sources changed. Copy the dependency manifests (package.json and its lock file, requirements.txt, go.mod/go.sum) first, install, then copy the sources: the install stays cached until the dependencies change.`,
    });
  }
  for (const stage of analysis.stages) {
    if (stage.seconds > thresholds.slowStageSeconds) {
      out.push({
        rule: 'slow-stage',
        stage: stage.name,
        line: stage.line,
        message: `Stage ${stage.name} took ${Math.round(stage.seconds)} s (over ${thresholds.slowStageSeconds} s): split it into stages BuildKit can build in parallel, or move what rarely changes earlier so it stays cached.`,
      });
    }
  }
  const own = analysis.layers.filter((l) => l.line !== undefined);
  const added = own.reduce((n, l) => n + l.size, 0);
  if (added > thresholds.bigImageBytes) {
    const biggest = biggestLayers(own, 3);
    out.push({
      rule: 'big-image',
      line: biggest[0]?.line,
      message: `The Dockerfile adds ${formatBytes(added)} to its base image (over ${formatBytes(thresholds.bigImageBytes)}; the image is ${formatBytes(analysis.imageSize)} unpacked): it carries what it does not need. Biggest layers: ${biggest.map(describeLayer).join('; ')}. Copy only the build's output into the final stage, and leave build tools and caches in earlier stages.`,
    });
  }
  if (analysis.wastedBytes > thresholds.wastedBytes) {
    const first = analysis.wasted[0];
    out.push({
      rule: 'wasted-bytes',
      line: first?.line,
      message: `${formatBytes(analysis.wastedBytes)} are written in one layer and deleted or overwritten in a later one${first ? ` (the most: ${first.path}, ${formatBytes(first.bytes)}${first.line ? `, written at line ${first.line}` : ''})` : ''}: remove files in the same RUN that creates them, or build them in an earlier stage and copy only the result.`,
    });
  }
  return out;
}

/** The `count` biggest layers, biggest first. */
export function biggestLayers(layers: readonly LayerAnalysis[], count: number): LayerAnalysis[] {
  return [...layers].sort((a, b) => b.size - a.size).slice(0, count);
}

export function describeLayer(layer: LayerAnalysis): string {
  const what = layer.line ? `line ${layer.line}` : 'the base image';
  const how = layer.createdBy.replace(/\s+# buildkit$/, '').slice(0, 60);
  return `${formatBytes(layer.size)} from ${what}${how ? ` (${how})` : ''}`;
}

/** Everything together, for one target. */
export function analyze(
  steps: readonly StepProgress[],
  needed: readonly Stage[],
  image: SavedImage,
  imageSize: number,
  thresholds = THRESHOLDS,
): Analysis {
  const layers: LayerAnalysis[] = image.layers.map((layer, i) => {
    const createdBy = image.history[i]?.createdBy ?? '';
    const line = createdBy ? lineOfLayer(createdBy, needed) : undefined;
    return { size: layerBytes(layer), createdBy, ...(line !== undefined ? { line } : {}) };
  });
  const waste = computeWaste(image.layers);
  const base: Omit<Analysis, 'recommendations'> = {
    stages: stageStats(steps, needed),
    layers,
    // Unpacked: what its layers' files add up to, the same on either image store (the engine's own figure is the
    // compressed content on the containerd store).
    imageSize: layers.length > 0 ? layers.reduce((n, l) => n + l.size, 0) : imageSize,
    ...(image.compressedBytes !== undefined ? { compressedSize: image.compressedBytes } : {}),
    wastedBytes: waste.wastedBytes,
    wasted: waste.top.map((w) => ({
      path: w.path,
      bytes: w.bytes,
      ...(layers[w.layer]?.line !== undefined ? { line: layers[w.layer].line } : {}),
    })),
  };
  return { ...base, recommendations: recommend(base, steps, needed, thresholds) };
}
