import type { BuildxCapabilities } from './capabilities.js';
import type { CacheProtocol } from '../context.js';

export type BuildOutput =
  | { type: 'load' }
  | { type: 'local'; dest: string }
  /**
   * The whole build result (every platform, its attestations) as an OCI layout folder, pushed later. `load`: the
   * same build also loads it into the engine (a second exporter, `type=docker` with the layout's OCI media types, so
   * the engine holds the very index the layout does); without it the tested platform is loaded from the layout.
   */
  | { type: 'oci-layout'; dest: string; load?: boolean }
  /** `--call check`: BuildKit's build checks, as JSON on stdout; nothing is built. */
  | { type: 'check' };

/** One `docker buildx build` invocation, fully decided. Pure data: `buildxArgs` turns it into argv. */
export interface BuildPlan {
  target: string;
  context: string;
  file: string;
  tags: string[];
  labels: string[];
  /** `--annotation` values (OCI annotations of what is exported). */
  annotations: string[];
  buildArgs: string[];
  /** `--build-context name=source`. */
  buildContexts: string[];
  /** Secret ids with the environment variable that carries each value to buildx (never argv). */
  secretEnvs: { id: string; env: string }[];
  secretFiles: { id: string; path: string }[];
  ssh: string[];
  platforms: string[];
  builder: string;
  network: string;
  allow: string[];
  addHosts: string[];
  shmSize: string;
  ulimits: string[];
  noCache: boolean;
  noCacheFilters: string[];
  pull: boolean;
  /** `--provenance` value: attributes, or `false` to keep buildx from adding its default; undefined: not said. */
  provenance?: string;
  cacheFrom: string[];
  cacheTo: string[];
  output: BuildOutput;
  metadataFile: string;
}

export function buildxArgs(plan: BuildPlan): string[] {
  const args = ['buildx', 'build'];
  if (plan.builder) args.push('--builder', plan.builder);
  args.push('--progress', 'plain', '--target', plan.target, '--file', plan.file);
  for (const tag of plan.tags) args.push('--tag', tag);
  for (const label of plan.labels) args.push('--label', label);
  for (const annotation of plan.annotations) args.push('--annotation', annotation);
  for (const arg of plan.buildArgs) args.push('--build-arg', arg);
  for (const context of plan.buildContexts) args.push('--build-context', context);
  for (const secret of plan.secretEnvs) args.push('--secret', `id=${secret.id},env=${secret.env}`);
  for (const secret of plan.secretFiles) args.push('--secret', `id=${secret.id},src=${secret.path}`);
  for (const ssh of plan.ssh) args.push('--ssh', ssh);
  if (plan.platforms.length > 0) args.push('--platform', plan.platforms.join(','));
  if (plan.network) args.push('--network', plan.network);
  if (plan.allow.length > 0) args.push('--allow', plan.allow.join(','));
  for (const host of plan.addHosts) args.push('--add-host', host);
  if (plan.shmSize) args.push('--shm-size', plan.shmSize);
  for (const ulimit of plan.ulimits) args.push('--ulimit', ulimit);
  if (plan.noCache) args.push('--no-cache');
  if (plan.noCacheFilters.length > 0) args.push('--no-cache-filter', plan.noCacheFilters.join(','));
  if (plan.pull) args.push('--pull');
  if (plan.provenance !== undefined) args.push('--provenance', plan.provenance);
  for (const from of plan.cacheFrom) args.push('--cache-from', from);
  for (const to of plan.cacheTo) args.push('--cache-to', to);
  switch (plan.output.type) {
    case 'load':
      args.push('--load');
      break;
    case 'local':
      args.push('--output', `type=local,dest=${plan.output.dest}`);
      break;
    case 'oci-layout':
      args.push('--output', `type=oci,dest=${plan.output.dest},tar=false`);
      if (plan.output.load) args.push('--output', 'type=docker,oci-mediatypes=true');
      break;
    case 'check':
      args.push('--call', 'check,format=json');
      break;
  }
  if (plan.output.type !== 'check') args.push('--metadata-file', plan.metadataFile);
  // `--` keeps a context that starts with "-" from being read as a flag.
  args.push('--', plan.context);
  return args;
}

export interface CacheSettings {
  cache: boolean;
  scope: string;
  cacheFrom: string[];
  cacheTo: string[];
}

export interface CacheDecision {
  cacheFrom: string[];
  cacheTo: string[];
  /** Said once in the log when the default gha cache cannot be used. */
  notice?: string;
}

/**
 * Which cache flags a build gets. User-given cache-from/cache-to replace the defaults. The default is the
 * GitHub Actions cache, one scope per target so matrix legs never evict each other, and never a failed build
 * because of a cache hiccup (ignore-error=true).
 */
export function cacheFlags(
  settings: CacheSettings,
  caps: BuildxCapabilities,
  cacheService: CacheProtocol | undefined,
): CacheDecision {
  if (!settings.cache) return { cacheFrom: [], cacheTo: [] };
  if (settings.cacheFrom.length > 0 || settings.cacheTo.length > 0) {
    if (settings.cacheTo.length > 0 && !caps.cacheExport) {
      return {
        cacheFrom: settings.cacheFrom,
        cacheTo: [],
        notice: `cache-to is ignored: the "${caps.driver}" driver on the classic image store cannot export a cache; use docker/setup-buildx-action (a docker-container builder) or turn on the containerd image store`,
      };
    }
    return { cacheFrom: settings.cacheFrom, cacheTo: settings.cacheTo };
  }
  if (!cacheService) return { cacheFrom: [], cacheTo: [] };
  // buildx picks the protocol from the same variables; before 0.21 it only speaks v1.
  if (cacheService === 'v2' && !caps.ghaCacheV2) {
    return {
      cacheFrom: [],
      cacheTo: [],
      notice: `building without the GitHub Actions cache: buildx ${caps.buildxVersion || '(unknown version)'} predates GitHub's v2 cache service (needs buildx >= 0.21); update buildx with docker/setup-buildx-action`,
    };
  }
  if (!caps.cacheExport) {
    return {
      cacheFrom: [],
      cacheTo: [],
      notice: `building without the GitHub Actions cache: the "${caps.driver}" driver on the classic image store cannot export a cache, so this job would never fill it; use docker/setup-buildx-action (a docker-container builder) or turn on the containerd image store`,
    };
  }
  return {
    cacheFrom: [`type=gha,scope=${settings.scope}`],
    cacheTo: [`type=gha,scope=${settings.scope},mode=max,ignore-error=true`],
  };
}
