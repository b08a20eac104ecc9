import * as path from 'node:path';
import type { Phase } from '../phases.js';
import { bufferedUi, type Ui } from '../ui.js';
import { errorMessage, failureFrom, failureMessage, settled, ToolError, type Failure } from '../errors.js';
import { findStage, stageLabel, stagesNeeded } from '../dockerfile/parse.js';
import type { TargetReport, TestReport, UploadReport } from '../report/types.js';
import { buildImage, metadataFile } from '../build/phase.js';
import { smoke } from '../smoke/phase.js';
import { findingsVerdict, scan } from '../scan/phase.js';
import { sendSarif } from '../sarif/phase.js';
import { push } from '../push/phase.js';
import { OciLayout } from '../release/layout.js';
import { analyzeImage, budgetVerdict } from '../analysis/phase.js';
import type { RunPlan, RunServices } from './setup.js';

/** A target stopped: the failure, already in the words the user reads. */
class Stop extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/**
 * Run `work` as the phase it is; whatever it throws becomes that phase's failure, of the kind the error is. A bug
 * (anything that is not a user's mistake, a gate or a tool) also prints its stack.
 */
async function inPhase<T>(services: RunServices, target: string, phase: Phase, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error: unknown) {
    throw stopFor(services, target, phase, error);
  }
}

function stopFor(services: RunServices, target: string, phase: Phase, error: unknown): Stop {
  const failure = failureFrom(error, phase, target);
  if (failure.kind === 'bug') {
    services.ui.info(
      `Stack of the bug in the ${phase} of ${target}:\n${error instanceof Error ? error.stack : errorMessage(error)}`,
    );
  }
  return new Stop(failure);
}

/** A gate that did not pass, with the evidence its phase reported. */
function gate(phase: Phase, target: string, reason: string | undefined): Stop {
  return new Stop({ kind: 'gate', phase, message: failureMessage('gate', phase, target, reason ?? 'no reason given') });
}

/** The test stage, once for every target; its failure stops every target. */
export async function runTestStage(
  plan: RunPlan,
  services: RunServices,
): Promise<{ tests?: TestReport; failure?: Failure }> {
  const target = plan.inputs['test-target'];
  const { ui } = services;
  try {
    // Loaded only when there is a test stage: the XML reader is not needed otherwise.
    const { testStage } = await import('../test-results/phase.js');
    const tests = await inPhase(services, target, 'test', () =>
      ui.group(`Test stage ${target}`, () =>
        testStage(services, plan.settings, {
          target,
          resultsPath: plan.inputs['test-results-path']
            ? path.resolve(plan.ctx.workspace, plan.inputs['test-results-path'])
            : path.join(plan.tempDir, 'test-results'),
          tempDir: plan.tempDir,
          workspace: plan.ctx.workspace,
          context: plan.inputs.context,
          cache: plan.cacheFor(target),
          platforms: plan.gatePlatforms,
          annotation: plan.annotation,
        }),
      ),
    );
    if (tests.status === 'failed') return { tests, failure: gate('test', target, tests.reason).failure };
    return { tests };
  } catch (error: unknown) {
    if (error instanceof Stop) return { failure: error.failure };
    throw error;
  }
}

/**
 * One target down the road: build -> smoke test (with the scan alongside) -> SARIF upload -> fail-on gate -> push.
 * Never throws for the target's failure: the report says what was learned and what stopped it.
 */
export async function runTarget(plan: RunPlan, services: RunServices, target: string): Promise<TargetReport> {
  const report: TargetReport = { target, image: plan.inputs.image, stages: stagesOf(plan, target), pushed: false };
  try {
    await road(plan, services, report);
  } catch (error: unknown) {
    if (!(error instanceof Stop)) throw error;
    report.failure = error.failure;
    if (plan.inputs.push && !report.pushed && error.failure.phase !== 'push') {
      services.ui.warning(nothingPushed(target, error.failure));
    }
  }
  return report;
}

/** The stages a target needs, for the stage graph. */
export function stagesOf(plan: RunPlan, target: string): string[] {
  const stage = findStage(plan.dockerfile, target);
  return stage ? stagesNeeded(plan.dockerfile, stage).map(stageLabel) : [];
}

/** Why nothing was pushed for a target, by the kind of its failure. */
export function nothingPushed(target: string, failure: Failure): string {
  const why =
    failure.kind === 'gate'
      ? `the ${failure.phase} gate did not pass`
      : failure.kind === 'tool'
        ? `a tool failed in the ${failure.phase}`
        : failure.kind === 'bug'
          ? `a bug stopped the ${failure.phase}`
          : 'an input is wrong';
  return `Nothing pushed for ${target}: ${why}`;
}

/** No platform asked (the engine's own), or only the engine's own. */
function sameAsEngine(platforms: readonly string[], enginePlatform: string): boolean {
  return platforms.length === 0 || (platforms.length === 1 && platforms[0] === enginePlatform);
}

async function road(plan: RunPlan, services: RunServices, report: TargetReport): Promise<void> {
  const { inputs, ctx } = plan;
  const { ui, clock } = services;
  const { target } = report;
  const cache = plan.cacheFor(target);
  const names = plan.names.get(target);
  if (!names) throw new Error(`no names were decided for ${target}`);
  const { tags, labels } = names;
  if (names.version !== undefined) report.version = names.version;
  // The layout path builds every platform once, with its attestations, and the gates run on one of them.
  const layout = plan.release.path === 'layout';
  const build = await inPhase(services, target, 'build', () =>
    ui.group(`Build ${target}`, () =>
      buildImage(
        services,
        plan.settings,
        {
          target,
          tags,
          labels,
          cache,
          ...(layout
            ? {
                output: {
                  type: 'oci-layout',
                  dest: path.join(plan.tempDir, `layout-${target}`),
                  // The engine's own platform alone, into an engine that keeps indexes (the containerd image
                  // store): loaded by the build itself. Several platforms, another platform, or the classic store
                  // (which cannot take the attestations' index from buildx) load the tested one from the layout.
                  load: plan.caps.containerdStore && sameAsEngine(inputs.platforms, plan.caps.enginePlatform),
                },
                platforms: inputs.platforms,
                annotations: names.annotations,
                provenance: plan.release.provenance,
              }
            : { output: { type: 'load' }, platforms: plan.gatePlatforms }),
          metadataFile: metadataFile(plan.tempDir, target),
        },
        plan.annotation,
      ),
    ),
  );
  if (plan.gatePlatforms.length === 1 && inputs.platforms.length > 1) build.gatedPlatform = plan.gatePlatforms[0];
  report.build = build;

  // The build analysis (stages, layers, waste, recommendations) reads the image, not the container: it runs
  // alongside the smoke test and the scan, and is told in its own group after them.
  const analysisUi = bufferedUi(ui);
  const analysing = inputs.analysis
    ? settled(
        analyzeImage(
          { run: services.run, ui: analysisUi, layers: services.layers },
          {
            target,
            build,
            dockerfile: plan.dockerfile,
            file: plan.annotation.file,
            measureCompressed: plan.baseImages !== undefined,
          },
        ),
      )
    : undefined;

  // The scan does not need the container: it runs while the smoke test waits for the service, and what it says is
  // told in its own group after the smoke test's.
  const scanUi = bufferedUi(ui);
  const scanStarted = clock.now();
  const scanning = settled(
    scan(
      { run: services.run, ui: scanUi, trivy: services.trivy, scanTurns: services.scanTurns },
      {
        target,
        image: build.tags[0],
        settings: inputs,
        tempDir: plan.tempDir,
        outputDir: plan.outputDir,
        sbom: plan.release.sbom,
      },
    ).finally(() => {
      const took = `Scan took ${((clock.now() - scanStarted) / 1000).toFixed(1)} s`;
      if (inputs.scan) scanUi.info(inputs.smoke ? `${took}, alongside the smoke test` : took);
    }),
  );
  const smoked = await settled(
    ui.group(`Smoke test ${target}`, () =>
      smoke(
        {
          run: services.run,
          ui,
          clock,
          background: services.background,
          containers: services.cleanup,
        },
        { target, image: build, settings: inputs, tempDir: plan.tempDir, runId: ctx.runId },
      ),
    ),
  );
  const scanned = await ui.group(`Scan ${target}`, async () => {
    const result = await scanning;
    scanUi.replay();
    // An image that failed its smoke test still shows (and counts) its findings; they are not uploaded.
    if ('value' in result) report.scan = result.value;
    else if (!('value' in smoked) || smoked.value.status === 'failed')
      ui.info(`The scan failed as well: ${errorMessage(result.error)}`);
    return result;
  });
  // The upload needs the scan and a healthy image, not the analysis (unless the size budget, which reads it, may
  // still stop the target): it starts now, alongside the analysis, and is told in its own group after it.
  const sarifFile = report.scan?.sarifFile;
  const healthy = 'value' in smoked && smoked.value.status !== 'failed';
  const send = (sendUi: Ui, file: string) =>
    sendSarif(
      { ui: sendUi, clock, api: services.codeScanning },
      { target, sarifFile: file, settings: inputs, ctx, startedAt: plan.startedAt },
    );
  const uploadUi = bufferedUi(ui);
  const early =
    sarifFile && healthy && inputs['max-image-size'] === undefined && analysing
      ? settled(send(uploadUi, sarifFile))
      : undefined;
  if (analysing) {
    await ui.group(`Analysis of ${target}`, async () => {
      const result = await analysing;
      analysisUi.replay();
      if ('value' in result) report.analysis = result.value;
      else if (result.error instanceof ToolError) {
        ui.warning(
          `The build analysis of ${target} could not read the image (${result.error.message}); going on without it`,
        );
      } else {
        throw stopFor(services, target, 'build', result.error);
      }
    });
  }
  if ('error' in smoked) throw stopFor(services, target, 'smoke', smoked.error);
  report.smoke = smoked.value;
  if (report.smoke.status === 'failed') throw gate('smoke', target, report.smoke.reason);
  if ('error' in scanned) throw stopFor(services, target, 'scan', scanned.error);
  // The size budget, before the upload and the push.
  const overBudget = budgetVerdict(
    target,
    report.analysis?.imageSize ?? build.sizeBytes,
    inputs['max-image-size'],
    report.analysis,
  );
  if (overBudget) throw gate('build', target, overBudget);

  // Code scanning processes an upload in its own time (often 10-60 s on github.com): the wait runs alongside the
  // fail-on gate and the push (and the other targets), and is told in its own group at the end of the road.
  const processingUi = bufferedUi(ui);
  let processing: Promise<{ value: UploadReport } | { error: unknown }> | undefined;
  if (sarifFile) {
    const sent = await inPhase(services, target, 'upload', () =>
      ui.group(`Upload SARIF of ${target}`, async () => {
        if (!early) return send(ui, sarifFile);
        const result = await early;
        uploadUi.replay();
        if ('error' in result) throw result.error;
        return result.value;
      }),
    );
    report.upload = sent.report;
    if (sent.processed) processing = settled(sent.processed(processingUi));
  }
  const released = await settled(gateAndPush(plan, services, report));
  if (processing) {
    const result = await processing;
    await ui.group(`Code scanning processing of ${target}`, async () => {
      processingUi.replay();
      if ('value' in result) report.upload = result.value;
      else if ('error' in released) ui.info(`Code scanning's processing failed as well: ${errorMessage(result.error)}`);
    });
    if ('error' in released) throw released.error;
    // The push went on meanwhile: the step still fails for a SARIF code scanning could not process.
    if ('error' in result) throw stopFor(services, target, 'upload', result.error);
  }
  if ('error' in released) throw released.error;
}

/** The fail-on gate (on the scan's own findings) and, when it passes, the push. */
async function gateAndPush(plan: RunPlan, services: RunServices, report: TargetReport): Promise<void> {
  const { inputs } = plan;
  const { ui } = services;
  const { target } = report;
  const build = report.build;
  if (!build) throw new Error(`${target} has no build to push`);
  if (report.scan) {
    const verdict = findingsVerdict(ui, report.scan, target, inputs['fail-on']);
    if (verdict) throw gate('scan', target, verdict);
  }
  if (inputs.push) {
    const pushed = await inPhase(services, target, 'push', () =>
      ui.group(`Push ${target}`, () =>
        push(services, plan.release, {
          target,
          tags: build.tags,
          imageId: build.imageId,
          layout: build.layout ? { layout: new OciLayout(build.layout.dir), tested: build.layout.tested } : undefined,
          sbomFile: report.scan?.sbomFile,
          outputDir: plan.outputDir,
        }),
      ),
    );
    report.pushed = true;
    report.pushDigest = pushed.digest;
    report.push = pushed;
  }
}
