import * as path from 'node:path';
import type { Inputs } from '../inputs.js';
import type { RunContext } from '../context.js';
import type { BuildPlan, BuildOutput, CacheDecision } from './args.js';

/** What every build of a run shares, decided once from the inputs: the Dockerfile, its context, args and secrets. */
export interface BuildSettings {
  context: string;
  file: string;
  buildArgs: string[];
  /** Secret ids with the environment variable that carries each value to buildx (never argv). */
  secretEnvs: { id: string; env: string }[];
  /** The child environment that carries the secret values. */
  secretValues: Record<string, string>;
  secretFiles: { id: string; path: string }[];
  ssh: string[];
  builder: string;
  noCache: boolean;
  pull: boolean;
}

/** What one build asks for: a target, where it goes, under which names. */
export interface BuildRequest {
  target: string;
  tags: string[];
  labels: string[];
  cache: CacheDecision;
  output: BuildOutput;
  platforms: string[];
  metadataFile: string;
}

/** Environment variable names that carry secret values to buildx (`--secret id=x,env=NAME`). */
export function secretEnvName(index: number): string {
  return `MULTISTAGE_SECRET_${index}`;
}

export function buildSettings(inputs: Inputs, ctx: RunContext): BuildSettings {
  return {
    context: path.resolve(ctx.workspace, inputs.context),
    file: path.resolve(ctx.workspace, inputs.file),
    buildArgs: inputs['build-args'],
    secretEnvs: inputs.secrets.map((secret, i) => ({ id: secret.id, env: secretEnvName(i) })),
    secretValues: Object.fromEntries(inputs.secrets.map((secret, i) => [secretEnvName(i), secret.value])),
    secretFiles: inputs['secret-files'],
    ssh: inputs.ssh,
    builder: inputs.builder,
    noCache: inputs['no-cache'],
    pull: inputs.pull,
  };
}

/** The one way a build is planned: the run's settings and one request. */
export function buildPlan(settings: BuildSettings, request: BuildRequest): BuildPlan {
  return {
    target: request.target,
    context: settings.context,
    file: settings.file,
    tags: request.tags,
    labels: request.labels,
    buildArgs: settings.buildArgs,
    secretEnvs: settings.secretEnvs,
    secretFiles: settings.secretFiles,
    ssh: settings.ssh,
    platforms: request.platforms,
    builder: settings.builder,
    noCache: settings.noCache,
    pull: settings.pull,
    cacheFrom: request.cache.cacheFrom,
    cacheTo: request.cache.cacheTo,
    output: request.output,
    metadataFile: request.metadataFile,
  };
}

/** The tags a target gets: the user's, or `<image>:<target>` and `<image>:<target>-<short sha>`. */
export function defaultTags(
  image: string,
  userTags: readonly string[],
  target: string,
  sha: string | undefined,
): string[] {
  if (userTags.length > 0) return [...userTags];
  const tags = [`${image}:${target}`];
  if (sha) tags.push(`${image}:${target}-${sha.slice(0, 7)}`);
  return tags;
}

/** OCI labels added to every image; a user's label with the same key wins. */
export function defaultLabels(ctx: RunContext, target: string, now: Date): string[] {
  const labels: Record<string, string> = {
    'org.opencontainers.image.title': target,
    'org.opencontainers.image.created': now.toISOString(),
  };
  if (ctx.repository) labels['org.opencontainers.image.source'] = `${ctx.serverUrl}/${ctx.repository}`;
  if (ctx.sha) labels['org.opencontainers.image.revision'] = ctx.sha;
  return Object.entries(labels).map(([key, value]) => `${key}=${value}`);
}

export function mergeLabels(defaults: readonly string[], user: readonly string[]): string[] {
  const key = (label: string): string => label.slice(0, label.indexOf('='));
  const userKeys = new Set(user.map(key));
  return [...defaults.filter((label) => !userKeys.has(key(label))), ...user];
}
