import type { TargetReport } from '../report/types.js';
import type { Failure } from '../errors.js';
import * as fs from 'node:fs';
import { failureMessage } from '../errors.js';
import { describeWarning, mergeWarnings, metadataWarnings, reportChecks, runBuildChecks } from '../build/checks.js';
import { parseVersion, versionAtLeast } from '../build/capabilities.js';
import { heldUi } from '../ui.js';
import { turns } from '../runtime.js';
import type { RunPlan, RunServices } from './setup.js';
import { nothingPushed, runTarget, runTestStage, stagesOf } from './road.js';

/**
 * Take every target down the road: the test stage once, then each target (build -> smoke test with the scan
 * alongside -> upload -> fail-on gate -> push). One target's failure stops that target only; every report says
 * what was learned and what stopped it. Waits for background work (container removal) before it returns.
 */
export async function runPipeline(plan: RunPlan, services: RunServices): Promise<TargetReport[]> {
  const { inputs } = plan;
  // checks: warn reads BuildKit's check warnings from each build's own metadata (told at the end, no extra build);
  // error runs the checks first, as a gate.
  const checksFailure = inputs.checks === 'error' ? await buildChecks(plan, services) : undefined;
  const { tests, failure } = checksFailure
    ? { tests: undefined, failure: checksFailure }
    : inputs['test-target']
      ? await runTestStage(plan, services)
      : {};
  if (inputs.scan && !failure) {
    // Trivy's install and DB restore overlap the first build; the scan awaits the same promise (and its error).
    services.trivy().catch(() => undefined);
    // The API client (Octokit and its plugins) loads while the build runs, not when the upload is due.
    if (inputs['upload-sarif'] && inputs.token) import('../sarif/octokit.js').catch(() => undefined);
  }
  if (failure) {
    const reports = inputs.targets.map((target): TargetReport => {
      if (inputs.push) services.ui.warning(nothingPushed(target, failure));
      return { target, image: inputs.image, stages: stagesOf(plan, target), tests, pushed: false, failure };
    });
    await services.background.settle();
    await services.engine;
    return reports;
  }
  const reports = await everyTarget(plan, services, async (target, targetServices) => {
    const report = await runTarget(plan, targetServices, target);
    if (tests) report.tests = tests;
    return report;
  });
  await services.background.settle();
  // Asked alongside the builds: an engine that did not answer is what stopped them all, said as such.
  const engine = await services.engine;
  if (inputs.checks === 'warn') await tellChecks(plan, services, reports, engine.version);
  return reports;
}

/**
 * checks: warn: the warnings BuildKit's checks wrote into each build's metadata, once each, in a group after the
 * targets'. A builder whose frontend cannot lint writes none: the docker driver of an engine before 27.0 (BuildKit
 * before 0.15) without a `# syntax=` directive is said to be one, once.
 */
async function tellChecks(
  plan: RunPlan,
  services: RunServices,
  reports: TargetReport[],
  engineVersion: string,
): Promise<void> {
  const built = reports.filter((r) => r.build);
  if (built.length === 0) return;
  const warnings = mergeWarnings(
    built.map((r) => ({ target: r.target, warnings: metadataWarnings(r.build?.metadata ?? {}) })),
  );
  const engine = parseVersion(engineVersion);
  const oldFrontend =
    warnings.length === 0 &&
    built.some((r) => r.build?.driver === 'docker') &&
    engine !== undefined &&
    !versionAtLeast(engine, [27, 0, 0]) &&
    !hasSyntaxDirective(plan.settings.file);
  await services.ui.group('Build checks', async () =>
    reportChecks(
      services.ui,
      oldFrontend
        ? {
            warnings: [],
            unsupported: `Docker Engine ${engineVersion}'s built-in Dockerfile frontend (BuildKit before 0.15) has no build checks; add "# syntax=docker/dockerfile:1" to the Dockerfile to use the current frontend`,
          }
        : { warnings },
      plan.annotation.file,
    ),
  );
}

/** The Dockerfile names its frontend (`# syntax=...` before any instruction). */
function hasSyntaxDirective(file: string): boolean {
  try {
    const head = fs.readFileSync(file, 'utf8').slice(0, 4096);
    for (const line of head.split('\n')) {
      if (/^\s*#\s*syntax\s*=/i.test(line)) return true;
      if (!/^\s*(#.*)?$/.test(line)) return false;
    }
  } catch {
    // unreadable now: the build said so already
  }
  return false;
}

/**
 * Each target down its road, `parallel` of them at once (BuildKit builds the stages they share once). With more
 * than one at a time each target's log is held and told in one piece, in its own groups, as soon as it is done (the
 * first done is told first), so no target's lines land in another's. One target's failure is in its report and
 * stops only it; a bug in one waits for the others before it is thrown.
 */
async function everyTarget(
  plan: RunPlan,
  services: RunServices,
  road: (target: string, services: RunServices) => Promise<TargetReport>,
): Promise<TargetReport[]> {
  const { targets, parallel } = plan.inputs;
  const atOnce = Math.min(parallel, targets.length);
  if (atOnce <= 1) {
    const reports: TargetReport[] = [];
    for (const target of targets) reports.push(await road(target, services));
    return reports;
  }
  services.ui.info(
    `Taking ${targets.length} targets down the road ${atOnce === targets.length ? 'at once' : `${atOnce} at a time`}: ` +
      `${targets.join(', ')}. Each target's log follows in its own groups as soon as that target is done.`,
  );
  const take = turns(parallel);
  let telling: Promise<void> = Promise.resolve();
  const results = await Promise.allSettled(
    targets.map((target) =>
      take(async () => {
        const ui = heldUi(services.ui);
        try {
          return await road(target, { ...services, ui });
        } finally {
          const mine = telling.then(() => ui.tell());
          telling = mine.catch(() => undefined);
          await mine;
        }
      }),
    ),
  );
  const bug = results.find((result) => result.status === 'rejected');
  if (bug) throw bug.reason;
  return results.map((result) => (result as PromiseFulfilledResult<TargetReport>).value);
}

/**
 * checks: error: BuildKit's build checks for every target (and the test stage), before anything is built; any
 * warning stops every target before its build (the build gate).
 */
async function buildChecks(plan: RunPlan, services: RunServices): Promise<Failure | undefined> {
  const { inputs } = plan;
  const targets = [...new Set([...(inputs['test-target'] ? [inputs['test-target']] : []), ...inputs.targets])];
  const result = await services.ui.group('Build checks', async () => {
    const checked = await runBuildChecks(services, plan.settings, targets);
    reportChecks(services.ui, checked, plan.annotation.file);
    return checked;
  });
  if (result.warnings.length === 0) return undefined;
  const shown = result.warnings.slice(0, 10).map((w) => `  - ${describeWarning(w)}`);
  if (result.warnings.length > 10) shown.push(`  - ... and ${result.warnings.length - 10} more`);
  const count = `${result.warnings.length} build check warning${result.warnings.length === 1 ? '' : 's'}`;
  return {
    kind: 'gate',
    phase: 'build',
    message: failureMessage(
      'gate',
      'build',
      inputs.targets.join(', '),
      `${count} (checks: error):\n${shown.join('\n')}`,
    ),
  };
}
