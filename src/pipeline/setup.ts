import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Inputs } from '../inputs.js';
import type { RunContext } from '../context.js';
import type { Runner } from '../exec.js';
import type { Ui } from '../ui.js';
import { Background, once, systemClock, type Clock } from '../runtime.js';
import { TrivyTurns } from '../scan/phase.js';
import type { CleanupRecorder } from '../state.js';
import { ConfigurationError, errorMessage } from '../errors.js';
import { parseList, splitKeyValue } from '../lists.js';
import type { LayerMemo } from '../analysis/layers.js';
import { checkEngine, detectCapabilities, type BuildxCapabilities, type EngineFacts } from '../build/capabilities.js';
import { cacheFlags, type CacheDecision } from '../build/args.js';
import { buildSettings, type BuildSettings } from '../build/plan.js';
import type { BuildAnnotation } from '../build/phase.js';
import { findStage, parseDockerfile, type Dockerfile } from '../dockerfile/parse.js';
import { setUpTrivy, type TrivySetup } from '../scan/setup.js';
import { actionsToolCaches } from '../tools/caches.js';
import type { CodeScanningApi } from '../sarif/upload.js';
import { readRefContext, type RefContext } from '../meta/event.js';
import { nameTargets, type TargetNames } from '../meta/naming.js';
import { decideRelease, type ReleasePlan } from '../release/plan.js';
import { checkKey, setUpCosign, type CosignSetup } from '../release/cosign.js';

/** Everything decided once before any work, read-only afterwards. */
export interface RunPlan {
  inputs: Inputs;
  ctx: RunContext;
  dockerfile: Dockerfile;
  caps: BuildxCapabilities;
  settings: BuildSettings;
  annotation: BuildAnnotation;
  /** Platforms the gated (loaded) image is built for: [] = the engine's own. */
  gatePlatforms: string[];
  /** A folder of this run's own (mode 0700), removed by the post step. */
  tempDir: string;
  /** Where SARIF files are written (the temp dir on GitHub, the working folder on the command line). */
  outputDir: string;
  startedAt: number;
  /** The cache flags of a target's builds: its own gha scope unless cache-scope says otherwise. */
  cacheFor: (target: string) => CacheDecision;
  /** Each target's tags, labels and annotations. */
  names: Map<string, TargetNames>;
  /** How what passes is pushed, attested and signed. */
  release: ReleasePlan;
  /**
   * On a pull request that gets a comment: each target's image as the base branch's pushes name it (its first tag
   * for a push to that branch), to tell the size change against.
   */
  baseImages?: Map<string, { reference: string; branch: string }>;
}

/** The services the phases use, each handed to a phase only when it needs it. */
export interface RunServices {
  run: Runner;
  ui: Ui;
  clock: Clock;
  background: Background;
  cleanup: CleanupRecorder;
  /** Trivy and its DB, set up on first use (the first build overlaps it). */
  trivy: () => Promise<TrivySetup>;
  /** The engine's answer (`docker version`), asked alongside the first build; awaited before the run reports. */
  engine: Promise<EngineFacts>;
  /** The run's Trivy scans, as many at once as is safe (scan/phase.ts TrivyTurns). */
  scanTurns: TrivyTurns;
  /** The code scanning API client, loaded on first use. */
  codeScanning: (token: string) => Promise<CodeScanningApi>;
  /** cosign, found or installed on first use. */
  cosign: () => Promise<CosignSetup>;
  /** What the builds learnt about the builder (build/phase.ts). */
  builder: { oneOutput: boolean };
  /** The layers the build analyses read, by digest: a base or stage the targets share is read once. */
  layers: LayerMemo;
}

export interface PrepareOptions {
  inputs: Inputs;
  ctx: RunContext;
  run: Runner;
  ui: Ui;
  cleanup: CleanupRecorder;
  clock?: Clock;
  /** Where SARIF files go; default: this run's temp dir. */
  outputDir?: string;
  /** The code scanning client; default: Octokit (tests hand in their own). */
  codeScanning?: (token: string) => Promise<CodeScanningApi>;
  /** Trivy's setup; default: install or find it, restore its DB. */
  trivy?: () => Promise<TrivySetup>;
  /** The environment (the step's env: secret-envs, OIDC, BUILDX_NO_DEFAULT_ATTESTATIONS); default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Read the Dockerfile and check every stage name before anything is built. Pure apart from reading the file. */
export function readDockerfile(inputs: Inputs, ctx: RunContext): Dockerfile {
  const file = path.resolve(ctx.workspace, inputs.file);
  const args: Record<string, string> = {};
  for (const entry of inputs['build-args']) {
    const pair = splitKeyValue(entry);
    if (pair) args[pair.key] = pair.value;
  }
  const dockerfile = parseDockerfile(fs.readFileSync(file, 'utf8'), args);
  const named = dockerfile.stages.filter((s) => s.name).map((s) => s.name as string);
  const valid = named.length > 0 ? named.join(', ') : '(none: the Dockerfile has no "FROM ... AS name" stages)';
  for (const target of inputs.targets) {
    if (!findStage(dockerfile, target)) {
      throw new ConfigurationError(
        inputs.targets.length > 1 ? 'targets' : 'target',
        `stage "${target}" is not in ${inputs.file}; its stages are: ${valid}`,
      );
    }
  }
  for (const stage of inputs['no-cache-filters']) {
    if (!findStage(dockerfile, stage)) {
      throw new ConfigurationError(
        'no-cache-filters',
        `stage "${stage}" is not in ${inputs.file}; its stages are: ${valid}`,
      );
    }
  }
  if (inputs['test-target'] && !findStage(dockerfile, inputs['test-target'])) {
    throw new ConfigurationError(
      'test-target',
      `stage "${inputs['test-target']}" is not in ${inputs.file}; its stages are: ${valid}`,
    );
  }
  return dockerfile;
}

/**
 * The platform the gates run on. One platform asked: that one. Several: the engine's own (the only one its
 * containers run without emulation), or the first listed with a warning when the engine's is not among them.
 */
export function gatePlatforms(platforms: string[], native: string, ui: Ui): string[] {
  if (platforms.length <= 1) return platforms;
  const match = platforms.find((p) => p === native || p.startsWith(`${native}/`));
  if (match) return [match];
  ui.warning(`The engine runs ${native}, which is not in platforms; the gates run ${platforms[0]} (needs emulation)`);
  return [platforms[0]];
}

/** This run's own folder under RUNNER_TEMP (mode 0700); an unusable RUNNER_TEMP is named before any work. */
export function makeTempDir(runnerTemp: string): string {
  try {
    fs.mkdirSync(runnerTemp, { recursive: true });
    return fs.mkdtempSync(path.join(runnerTemp, 'multistage-'));
  } catch (error: unknown) {
    throw new ConfigurationError(
      'RUNNER_TEMP',
      `"${runnerTemp}" cannot hold the run's temporary files (${errorMessage(error)}); point it at a writable folder`,
      'environment',
    );
  }
}

/** Decide everything once: the Dockerfile's stages, the engine's capabilities, the run's folder, the services. */
export async function prepare(options: PrepareOptions): Promise<{ plan: RunPlan; services: RunServices }> {
  const { inputs, ctx, run, ui } = options;
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const dockerfile = readDockerfile(inputs, ctx);
  for (const secret of inputs.secrets) ui.secret(secret.value);
  for (const secret of inputs['secret-envs']) ui.secret(env[secret.env] ?? '');
  ui.secret(inputs['cosign-key']);
  ui.secret(inputs['cosign-password']);
  const ref = readRefContext(ctx, new Date(clock.now()), env, (message) => ui.warning(message));
  const names = nameTargets(inputs, ref, (message) => ui.notice(message));
  const baseImages = commentWanted(inputs, ctx) ? baseBranchImages(inputs, ref) : undefined;
  const tempDir = makeTempDir(ctx.runnerTemp);
  options.cleanup.addTempDir(tempDir);
  if (inputs.scan && inputs['trivy-download-url'].startsWith('http:')) {
    ui.warning(
      `trivy-download-url is plain http (${inputs['trivy-download-url']}); only a mirror on loopback is taken that way`,
    );
  }
  const cacheInPlay =
    inputs.cache &&
    (inputs['cache-to'].length > 0 || inputs['cache-from'].length > 0 || ctx.cacheService !== undefined);
  const ask = {
    driver: cacheInPlay || inputs.platforms.length > 1 || inputs.push,
    // Only the default cache on GitHub's v2 cache service depends on buildx's version.
    buildxVersion:
      inputs.cache && inputs['cache-from'].length === 0 && inputs['cache-to'].length === 0 && ctx.cacheService === 'v2',
  };
  // The engine is asked alongside the first build unless something before it needs its answer (the builder's
  // facts, the pull request comment's platform): one docker CLI start off the critical path. An engine that does
  // not answer fails the builds too, and the pipeline then names it (runPipeline awaits this before it reports).
  const engine = checkEngine(run, ctx.dockerHost);
  const builderFacts = ask.driver || ask.buildxVersion;
  if (!builderFacts && baseImages === undefined) engine.catch(() => undefined);
  const detected = await detectCapabilities(run, inputs.builder, ask, engine);
  const facts = !builderFacts && baseImages !== undefined ? await engine : undefined;
  const caps = facts ? { ...detected, enginePlatform: facts.platform, engineVersion: facts.version } : detected;
  ui.debug(
    `buildx ${caps.buildxVersion}, driver ${caps.driver}, containerd store ${caps.containerdStore}, cache export ${caps.cacheExport}`,
  );
  if (inputs.platforms.length > 1 && !caps.multiPlatform) {
    throw new ConfigurationError(
      'platforms',
      `lists ${inputs.platforms.length} platforms, but the "${caps.driver}" driver on the classic image store builds one at a time; use docker/setup-buildx-action (a docker-container builder), a remote builder, or turn on the containerd image store`,
    );
  }
  const cacheFor = (target: string): CacheDecision =>
    cacheFlags(
      {
        cache: inputs.cache,
        scope: inputs['cache-scope'] || target,
        cacheFrom: inputs['cache-from'],
        cacheTo: inputs['cache-to'],
      },
      caps,
      ctx.cacheService,
    );
  // Whether the default cache can be used depends on the builder, not the target: said once.
  const notice = cacheFor(inputs.targets[0]).notice;
  if (notice) ui.warning(notice);
  const release = decideRelease(inputs, caps, ctx, ref, env);
  for (const message of release.notices) ui.notice(message);
  const settings = buildSettings(inputs, ctx);
  const gates = gatePlatforms(inputs.platforms, caps.enginePlatform, ui);
  const plan: RunPlan = {
    inputs,
    ctx,
    dockerfile,
    caps,
    settings,
    annotation: {
      file: path.relative(ctx.workspace, settings.file),
      stageLine: (stage) => findStage(dockerfile, stage)?.line,
      gatePlatform: gates[0],
    },
    gatePlatforms: gates,
    tempDir,
    outputDir: options.outputDir ?? tempDir,
    startedAt: clock.now(),
    cacheFor,
    names,
    ...(baseImages ? { baseImages } : {}),
    release,
  };
  const caches = actionsToolCaches(ctx.cacheService !== undefined);
  const cosign = once(() =>
    setUpCosign({ run, version: inputs['cosign-version'], toolCacheRoot: ctx.toolCache, caches }),
  );
  const services: RunServices = {
    run,
    ui,
    clock,
    background: new Background((message) => ui.warning(message)),
    cleanup: options.cleanup,
    trivy:
      options.trivy ??
      once(() =>
        setUpTrivy({
          run,
          now: clock.now,
          version: inputs['trivy-version'],
          downloadUrl: inputs['trivy-download-url'],
          toolCacheRoot: ctx.toolCache,
          home: ctx.home,
          caches,
          dbRepositories: dbSources(inputs),
        }),
      ),
    engine,
    scanTurns: new TrivyTurns(),
    cosign,
    builder: { oneOutput: false },
    layers: new Map(),
    codeScanning:
      options.codeScanning ??
      (async (token) => {
        ui.secret(token);
        const { octokitCodeScanning } = await import('../sarif/octokit.js');
        return octokitCodeScanning(token, ctx.apiUrl, (message) => ui.info(message));
      }),
  };
  if (release.signer?.mode === 'key') {
    // A key that does not open with its password is the user's mistake: said now, before anything is built.
    const { command } = await cosign();
    if (!(await checkKey(run, command, release.signer))) {
      throw new ConfigurationError(
        'cosign-password',
        'does not open cosign-key (cosign public-key could not decrypt it); check both secrets',
      );
    }
  }
  return { plan, services };
}

/** A pull request comment will be attempted (`comment` not false, a pull request event on GitHub). */
export function commentWanted(
  inputs: Pick<Inputs, 'comment'>,
  ctx: Pick<RunContext, 'onGitHub' | 'eventName'>,
): boolean {
  return (
    inputs.comment !== 'false' &&
    ctx.onGitHub &&
    (ctx.eventName === 'pull_request' || ctx.eventName === 'pull_request_target')
  );
}

/** Each target's first tag as a push to the pull request's base branch would name it; none without a base branch. */
function baseBranchImages(
  inputs: Inputs,
  ref: RefContext,
): Map<string, { reference: string; branch: string }> | undefined {
  if (!ref.baseRef) return undefined;
  const branch = ref.baseRef;
  try {
    const names = nameTargets(
      { ...inputs, push: false },
      { ...ref, eventName: 'push', ref: `refs/heads/${branch}` },
      () => undefined,
    );
    return new Map([...names].map(([target, n]) => [target, { reference: n.tags[0], branch }]));
  } catch {
    return undefined;
  }
}

/**
 * Where this run's Trivy DBs come from, as far as it differs from Trivy's defaults: the inputs, else Trivy's own
 * environment variables (which it reads when no flag is passed). Empty when both DBs come from the defaults.
 */
export function dbSources(
  inputs: Pick<Inputs, 'trivy-db-repository' | 'trivy-java-db-repository'>,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const pick = (given: readonly string[], name: string): string[] =>
    given.length > 0 ? [...given] : parseList(env[name] ?? '');
  const db = pick(inputs['trivy-db-repository'], 'TRIVY_DB_REPOSITORY');
  const java = pick(inputs['trivy-java-db-repository'], 'TRIVY_JAVA_DB_REPOSITORY');
  return db.length + java.length === 0 ? [] : [...db, '', ...java];
}
