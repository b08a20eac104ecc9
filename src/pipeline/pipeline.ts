import type { TargetReport } from '../report/types.js';
import type { RunPlan, RunServices } from './setup.js';
import { nothingPushed, runTarget, runTestStage, stagesOf } from './road.js';

/**
 * Take every target down the road: the test stage once, then each target (build -> smoke test with the scan
 * alongside -> upload -> fail-on gate -> push). One target's failure stops that target only; every report says
 * what was learned and what stopped it. Waits for background work (container removal) before it returns.
 */
export async function runPipeline(plan: RunPlan, services: RunServices): Promise<TargetReport[]> {
  const { inputs } = plan;
  const { tests, failure } = inputs['test-target'] ? await runTestStage(plan, services) : {};
  if (inputs.scan && !failure) {
    // Trivy's install and DB restore overlap the first build; the scan awaits the same promise (and its error).
    services.trivy().catch(() => undefined);
    // The API client (Octokit and its plugins) loads while the build runs, not when the upload is due.
    if (inputs['upload-sarif'] && inputs.token) import('../sarif/octokit.js').catch(() => undefined);
  }
  const reports: TargetReport[] = [];
  for (const target of inputs.targets) {
    if (failure) {
      reports.push({ target, image: inputs.image, stages: stagesOf(plan, target), tests, pushed: false, failure });
      if (inputs.push) services.ui.warning(nothingPushed(target, failure));
      continue;
    }
    const report = await runTarget(plan, services, target);
    if (tests) report.tests = tests;
    reports.push(report);
  }
  await services.background.settle();
  return reports;
}
