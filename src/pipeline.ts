import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Inputs } from './inputs.js';
import type { RunContext } from './context.js';
import type { Runner } from './exec.js';
import { bufferedUi, type Ui } from './ui.js';
import type { CleanupRecorder } from './state.js';
import type { BuildxCapabilities } from './build/capabilities.js';
import { detectCapabilities } from './build/capabilities.js';
import { findStage, parseDockerfile, stageLabel, stagesNeeded, type Dockerfile } from './dockerfile/parse.js';
import { splitKeyValue } from './lists.js';
import { ConfigurationError, GateError, errorMessage, settled } from './errors.js';
import { buildPhase } from './build/phase.js';
import { smokePhase } from './smoke/phase.js';
import type { Phase, SmokeReport, TargetReport, TestReport } from './report/types.js';
import { actionsToolCaches, scanGate, scanPhase, startScanSession, type ScanSession } from './scan/phase.js';
import type { ActionsCache, ToolCache } from './scan/install.js';
import { uploadPhase } from './sarif/phase.js';
import { pushPhase } from './push/phase.js';
import type { CodeScanningApi } from './sarif/upload.js';

/** Everything a phase needs, decided once before any work. */
export interface PipelineEnv {
  inputs: Inputs;
  ctx: RunContext;
  run: Runner;
  ui: Ui;
  caps: BuildxCapabilities;
  dockerfile: Dockerfile;
  /** A folder of this run's own, removed by the post step. */
  tempDir: string;
  cleanup: CleanupRecorder;
  /** Platforms the gated (loaded) image is built for: [] = the engine's own. */
  gatePlatforms: string[];
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  noticeOnce: (message: string) => void;
  /** The Dockerfile line of a stage's FROM, for annotations. */
  stageLine: (stage: string) => number | undefined;
  /** Where SARIF files are written (the temp dir on GitHub, the working folder on the command line). */
  outputDir: string;
  startedAt: number;
  /** Trivy and its DB, set up on first use. */
  scanSession: () => Promise<ScanSession>;
  caches: { toolCache: ToolCache; actionsCache: ActionsCache };
  codeScanning: (token: string) => Promise<CodeScanningApi>;
  /** Work that may finish in the background (container removal); the pipeline waits for all of it before it ends. */
  defer: (work: Promise<unknown>) => void;
  settle: () => Promise<void>;
}

export interface PrepareOptions {
  inputs: Inputs;
  ctx: RunContext;
  run: Runner;
  ui: Ui;
  cleanup: CleanupRecorder;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Where SARIF files go; default: this run's temp dir. */
  outputDir?: string;
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

export async function prepare(options: PrepareOptions): Promise<PipelineEnv> {
  const { inputs, ctx, run, ui } = options;
  const dockerfile = readDockerfile(inputs, ctx);
  for (const secret of inputs.secrets) ui.secret(secret.value);
  const tempDir = makeTempDir(ctx.runnerTemp);
  options.cleanup.addTempDir(tempDir);
  if (inputs.scan && inputs['trivy-download-url'].startsWith('http:'))
    ui.warning(
      `trivy-download-url is plain http (${inputs['trivy-download-url']}); only a mirror on loopback is taken that way`,
    );
  const cacheInPlay =
    inputs.cache &&
    (inputs['cache-to'].length > 0 || inputs['cache-from'].length > 0 || ctx.cacheService !== undefined);
  const caps = await detectCapabilities(run, inputs.builder, cacheInPlay, ctx.dockerHost);
  ui.debug(`buildx ${caps.buildxVersion}, driver ${caps.driver}, cache export ${caps.cacheExport}`);
  const said = new Set<string>();
  let session: Promise<ScanSession> | undefined;
  const now = options.now ?? Date.now;
  const deferred: Promise<unknown>[] = [];
  const env: PipelineEnv = {
    inputs,
    ctx,
    run,
    ui,
    caps,
    dockerfile,
    tempDir,
    cleanup: options.cleanup,
    gatePlatforms: gatePlatforms(inputs.platforms, caps.enginePlatform, ui),
    now,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    noticeOnce: (message) => {
      if (said.has(message)) return;
      said.add(message);
      ui.warning(message);
    },
    stageLine: (stage) => findStage(dockerfile, stage)?.line,
    outputDir: options.outputDir ?? tempDir,
    startedAt: now(),
    scanSession: () => (session ??= startScanSession(env)),
    caches: actionsToolCaches(ctx.cacheService !== undefined),
    defer: (work) => void deferred.push(work.catch((error: unknown) => ui.warning(errorMessage(error)))),
    settle: async () => {
      while (deferred.length > 0) await Promise.all(deferred.splice(0));
    },
    codeScanning: async (token) => {
      ui.secret(token);
      const { octokitCodeScanning } = await import('./sarif/octokit.js');
      return octokitCodeScanning(token, ctx.apiUrl, (m) => ui.info(m));
    },
  };
  return env;
}

function phaseOf(error: unknown, fallback: Phase): Phase {
  return error instanceof GateError && error.gate !== 'build' ? error.gate : fallback;
}

/**
 * Take every target down the road: test stage (once), then per target build -> smoke (with the scan alongside)
 * -> upload -> fail-on gate -> push. A failed gate stops that target (nothing pushed) and is recorded; the other
 * targets still run. Never throws for a target's failure: the caller reads `failure` on each report.
 */
export async function runPipeline(env: PipelineEnv): Promise<TargetReport[]> {
  const { inputs, ui } = env;
  const reports: TargetReport[] = inputs.targets.map((target) => {
    const stage = findStage(env.dockerfile, target);
    return {
      target,
      image: inputs.image,
      stages: stage ? stagesNeeded(env.dockerfile, stage).map(stageLabel) : [],
      pushed: false,
    };
  });

  let tests: TestReport | undefined;
  let testFailure: string | undefined;
  if (inputs['test-target']) {
    try {
      // Loaded when there is a test stage: the XML parser is not needed otherwise.
      const { testPhase } = await import('./test-results/phase.js');
      tests = await ui.group(`Test stage ${inputs['test-target']}`, () => testPhase(env));
    } catch (error: unknown) {
      testFailure = errorMessage(error);
      if (error instanceof GateError && error.details) tests = error.details as TestReport;
    }
  }

  if (inputs.scan && !testFailure) {
    // Trivy's install and DB restore overlap the first build; the scan phase awaits the same promise (and its error).
    env.scanSession().catch(() => undefined);
    // The API client (Octokit and its plugins) loads while the build runs, not when the upload is due.
    if (inputs['upload-sarif'] && inputs.token) import('./sarif/octokit.js').catch(() => undefined);
  }
  for (const report of reports) {
    if (tests) report.tests = tests;
    if (testFailure) {
      report.failure = { phase: 'test', message: testFailure };
      if (inputs.push) ui.warning(`Nothing pushed for ${report.target}: the test gate did not pass`);
      continue;
    }
    let phase: Phase = 'build';
    try {
      report.build = await ui.group(`Build ${report.target}`, () => buildPhase(env, report.target));
      // The scan does not need the container: it runs while the smoke test waits for the service, and what it
      // says is told in its own group after the smoke test's.
      const scanUi = bufferedUi(ui);
      const scanStarted = env.now();
      const scanning = settled(
        scanPhase({ ...env, ui: scanUi }, report).finally(() => {
          const took = `Scan took ${((env.now() - scanStarted) / 1000).toFixed(1)} s`;
          if (inputs.scan) scanUi.info(inputs.smoke ? `${took}, alongside the smoke test` : took);
        }),
      );
      phase = 'smoke';
      const smoke = await settled(ui.group(`Smoke test ${report.target}`, () => smokePhase(env, report)));
      const scanned = await ui.group(`Scan ${report.target}`, async () => {
        const result = await scanning;
        scanUi.replay();
        // An image that failed its smoke test still shows (and counts) its findings; they are not uploaded.
        if ('value' in result) report.scan = result.value;
        else if ('error' in smoke) ui.info(`The scan failed as well: ${errorMessage(result.error)}`);
        return result;
      });
      if ('error' in smoke) throw smoke.error;
      report.smoke = smoke.value;
      phase = 'scan';
      if ('error' in scanned) throw scanned.error;
      phase = 'upload';
      report.upload = await ui.group(`Upload SARIF of ${report.target}`, () => uploadPhase(env, report));
      phase = 'scan';
      scanGate(env, report);
      if (inputs.push) {
        phase = 'push';
        const pushed = await ui.group(`Push ${report.target}`, () => pushPhase(env, report));
        report.pushed = true;
        report.pushDigest = pushed.digest;
      }
    } catch (error: unknown) {
      report.failure = { phase: phaseOf(error, phase), message: errorMessage(error) };
      if (inputs.push && phase !== 'push')
        ui.warning(`Nothing pushed for ${report.target}: the ${report.failure.phase} gate did not pass`);
      if (error instanceof GateError && error.gate === 'smoke' && error.details)
        report.smoke = error.details as SmokeReport;
    }
  }
  await env.settle();
  return reports;
}
