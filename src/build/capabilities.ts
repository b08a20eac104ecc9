import type { Runner } from '../exec.js';
import { CommandError, ToolError } from '../errors.js';

export interface BuildxCapabilities {
  /** e.g. "0.13.1"; "" when unknown. */
  buildxVersion: string;
  /** The builder's driver: docker, docker-container, kubernetes, remote. */
  driver: string;
  /** The engine keeps images in containerd's store (as opposed to the classic graph drivers). */
  containerdStore: boolean;
  /**
   * The builder can use a build cache other than its own (the gha cache, cache-to): every driver but `docker` on the
   * classic image store.
   */
  cacheExport: boolean;
  /** The builder can build several platforms at once: every driver but `docker` on the classic image store. */
  multiPlatform: boolean;
  /** buildx speaks GitHub's v2 cache service (buildx >= 0.21). */
  ghaCacheV2: boolean;
  /** The engine's own platform, e.g. linux/amd64 ('' when not asked). */
  enginePlatform: string;
  /** The engine's version, e.g. 28.5.1 ('' or absent when not asked). */
  engineVersion?: string;
}

export function parseVersion(text: string): [number, number, number] | undefined {
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function versionAtLeast(version: [number, number, number] | undefined, min: [number, number, number]): boolean {
  if (!version) return false;
  for (let i = 0; i < 3; i++) {
    if (version[i] !== min[i]) return version[i] > min[i];
  }
  return true;
}

/** Pure: read the capabilities from the outputs of `buildx version`, `buildx inspect` and `docker info`. */
export function capabilitiesFrom(
  versionText: string,
  inspectText: string,
  driverStatus: string,
  enginePlatform = '',
): BuildxCapabilities {
  const version = parseVersion(versionText.replace(/^\S*buildx\S*\s*/, ''));
  const driver = /^Driver:\s*(\S+)/m.exec(inspectText)?.[1] ?? 'unknown';
  const containerdStore = driverStatus.includes('io.containerd.snapshotter');
  return {
    buildxVersion: version ? version.join('.') : '',
    driver,
    containerdStore,
    cacheExport: driver !== 'docker' || containerdStore,
    multiPlatform: driver !== 'docker' || containerdStore,
    ghaCacheV2: versionAtLeast(version, [0, 21, 0]),
    enginePlatform,
  };
}

/** The engine's platform and version (`docker version`); an engine that does not answer is a tool failure. */
export interface EngineFacts {
  platform: string;
  version: string;
}

/** Ask the engine whether it answers, and what it runs (one docker CLI start, about 35 ms). */
export async function checkEngine(run: Runner, dockerHost?: string): Promise<EngineFacts> {
  const engine = await run('docker', ['version', '--format', '{{.Server.Os}}/{{.Server.Arch}} {{.Server.Version}}'], {
    allowFailure: true,
  });
  if (engine.exitCode !== 0) {
    const why = (engine.stderr || engine.stdout).trim().split('\n').slice(-3).join(' ');
    throw new ToolError(
      'docker',
      `The Docker engine is not reachable${dockerHost ? ` at DOCKER_HOST=${dockerHost}` : ''}: ${why || `docker exited with code ${engine.exitCode}`}. Start the engine (or docker/setup-docker-action) before this step; nothing was built.`,
    );
  }
  const [platform = '', version = ''] = engine.stdout.trim().split(/\s+/);
  return { platform, version };
}

/** buildx missing: what to do about it. */
export const BUILDX_NEEDED = 'buildx is needed: install the docker-buildx plugin or use docker/setup-buildx-action';

/** What a run needs to know about its builder (each question is a docker CLI start). */
export interface BuilderQuestions {
  /** The builder's driver and the engine's image store (`buildx inspect`, `docker info`): caching, platforms, push. */
  driver: boolean;
  /** buildx's own version (`buildx version`): only whether it speaks GitHub's v2 cache service. */
  buildxVersion: boolean;
}

/** buildx itself is missing (as docker 28.5 says an unknown command). */
export function buildxMissing(stderr: string): boolean {
  return /unknown command: docker buildx|'buildx' is not a docker command/.test(stderr);
}

/**
 * Ask what the builder can do, all at once and alongside the engine's own facts (`engine`, checkEngine). The
 * driver and the engine's image store only matter to the cache flags, several platforms and the push, and buildx's
 * version only to GitHub's v2 cache service, so each is asked only then: `docker info` alone costs about 200 ms,
 * and `docker buildx version` about 200 ms (the CLI starts the plugin twice). Without them nothing is asked, and a
 * missing buildx is told by the build itself (runBuild: a failure before any build step is buildx's, not the
 * Dockerfile's).
 */
export async function detectCapabilities(
  run: Runner,
  builder: string,
  ask: BuilderQuestions,
  engine: Promise<EngineFacts>,
): Promise<BuildxCapabilities> {
  if (!ask.driver && !ask.buildxVersion) return capabilitiesFrom('', '', '', '');
  const skipped = Promise.resolve({ exitCode: 0, stdout: '', stderr: '' });
  const [facts, version, inspect, info] = await Promise.all([
    engine,
    ask.buildxVersion ? run('docker', ['buildx', 'version'], { allowFailure: true }) : skipped,
    ask.driver ? run('docker', ['buildx', 'inspect', ...(builder ? [builder] : [])], { allowFailure: true }) : skipped,
    ask.driver ? run('docker', ['info', '--format', '{{json .DriverStatus}}'], { allowFailure: true }) : skipped,
  ]);
  for (const [answer, args] of [
    [version, ['buildx', 'version']],
    [inspect, ['buildx', 'inspect', builder]],
  ] as const) {
    if (answer.exitCode === 0) continue;
    const why = buildxMissing(answer.stderr)
      ? BUILDX_NEEDED
      : args[1] === 'inspect' && builder
        ? `(the builder input names "${builder}")`
        : '';
    throw new CommandError('docker', args, answer.exitCode, why ? `${answer.stderr}\n${why}` : answer.stderr);
  }
  return {
    ...capabilitiesFrom(version.stdout, inspect.stdout, info.stdout, facts.platform),
    engineVersion: facts.version,
  };
}
