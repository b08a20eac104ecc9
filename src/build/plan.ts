import * as path from 'node:path';
import type { Inputs } from '../inputs.js';
import type { RunContext } from '../context.js';
import type { BuildPlan, BuildOutput, CacheDecision } from './args.js';

/** The tags a target gets: the user's, or `<image>:<target>` and `<image>:<target>-<short sha>`. */
export function defaultTags(inputs: Pick<Inputs, 'image' | 'tags'>, target: string, sha: string | undefined): string[] {
  if (inputs.tags.length > 0) return inputs.tags;
  const tags = [`${inputs.image}:${target}`];
  if (sha) tags.push(`${inputs.image}:${target}-${sha.slice(0, 7)}`);
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
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`);
}

export function mergeLabels(defaults: string[], user: string[]): string[] {
  const key = (label: string): string => label.slice(0, label.indexOf('='));
  const userKeys = new Set(user.map(key));
  return [...defaults.filter((label) => !userKeys.has(key(label))), ...user];
}

/** Environment variable names that carry secret values to buildx (`--secret id=x,env=NAME`). */
export function secretEnvName(index: number): string {
  return `MULTISTAGE_SECRET_${index}`;
}

export interface PlanOptions {
  target: string;
  tags: string[];
  labels: string[];
  cache: CacheDecision;
  output: BuildOutput;
  platforms: string[];
  metadataFile: string;
}

export function buildPlan(inputs: Inputs, ctx: RunContext, options: PlanOptions): BuildPlan {
  return {
    target: options.target,
    context: path.resolve(ctx.workspace, inputs.context),
    file: path.resolve(ctx.workspace, inputs.file),
    tags: options.tags,
    labels: options.labels,
    buildArgs: inputs['build-args'],
    secretEnvs: inputs.secrets.map((s, i) => ({ id: s.id, env: secretEnvName(i) })),
    secretFiles: inputs['secret-files'],
    ssh: inputs.ssh,
    platforms: options.platforms,
    builder: inputs.builder,
    noCache: inputs['no-cache'],
    pull: inputs.pull,
    cacheFrom: options.cache.cacheFrom,
    cacheTo: options.cache.cacheTo,
    output: options.output,
    metadataFile: options.metadataFile,
  };
}

/** The child environment that carries secret values (never argv, never logged). */
export function secretEnv(inputs: Pick<Inputs, 'secrets'>): Record<string, string> {
  return Object.fromEntries(inputs.secrets.map((s, i) => [secretEnvName(i), s.value]));
}
