import * as path from 'node:path';
import type { Inputs } from '../inputs.js';
import type { RunContext } from '../context.js';
import type { BuildPlan, BuildOutput, CacheDecision } from './args.js';

/** What every build of a run shares, decided once from the inputs: the Dockerfile, its context, args and secrets. */
export interface BuildSettings {
  context: string;
  file: string;
  buildArgs: string[];
  buildContexts: string[];
  /** Secret ids with the environment variable that carries each value to buildx (never argv). */
  secretEnvs: { id: string; env: string }[];
  /** The child environment that carries the secret values. */
  secretValues: Record<string, string>;
  /** checks: warn: BuildKit's check warnings go into each build's metadata (BUILDX_METADATA_WARNINGS=1). */
  metadataWarnings?: boolean;
  secretFiles: { id: string; path: string }[];
  ssh: string[];
  builder: string;
  network: string;
  allow: string[];
  addHosts: string[];
  shmSize: string;
  ulimits: string[];
  noCache: boolean;
  noCacheFilters: string[];
  pull: boolean;
}

/** What one build asks for: a target, where it goes, under which names. */
export interface BuildRequest {
  target: string;
  tags: string[];
  labels: string[];
  /** OCI annotations: only where the result is exported as is (an OCI layout). */
  annotations?: string[];
  cache: CacheDecision;
  output: BuildOutput;
  platforms: string[];
  metadataFile: string;
  /** `--provenance`: attributes, or `false`; undefined leaves buildx to its default. */
  provenance?: string;
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
    buildContexts: inputs['build-contexts'].map(({ key, value }) => {
      const source = value.trim();
      const local =
        !/^[a-z][a-z0-9+.-]*:\/\//i.test(source) && !source.startsWith('target:') && !source.startsWith('git@');
      return `${key}=${local ? path.resolve(ctx.workspace, source) : source}`;
    }),
    secretEnvs: [
      ...inputs.secrets.map((secret, i) => ({ id: secret.id, env: secretEnvName(i) })),
      ...inputs['secret-envs'],
    ],
    secretValues: Object.fromEntries(inputs.secrets.map((secret, i) => [secretEnvName(i), secret.value])),
    metadataWarnings: inputs.checks === 'warn',
    secretFiles: inputs['secret-files'],
    ssh: inputs.ssh,
    builder: inputs.builder,
    network: inputs.network,
    allow: inputs.allow,
    addHosts: inputs['add-hosts'],
    shmSize: inputs['shm-size'],
    ulimits: inputs.ulimit,
    noCache: inputs['no-cache'],
    noCacheFilters: inputs['no-cache-filters'],
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
    annotations: request.annotations ?? [],
    buildArgs: settings.buildArgs,
    buildContexts: settings.buildContexts,
    secretEnvs: settings.secretEnvs,
    secretFiles: settings.secretFiles,
    ssh: settings.ssh,
    platforms: request.platforms,
    builder: settings.builder,
    network: settings.network,
    allow: settings.allow,
    addHosts: settings.addHosts,
    shmSize: settings.shmSize,
    ulimits: settings.ulimits,
    noCache: settings.noCache,
    noCacheFilters: settings.noCacheFilters,
    pull: settings.pull,
    provenance: request.provenance,
    cacheFrom: request.cache.cacheFrom,
    cacheTo: request.cache.cacheTo,
    output: request.output,
    metadataFile: request.metadataFile,
  };
}
