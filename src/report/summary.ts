import type { Dockerfile } from '../dockerfile/parse.js';
import { stageLabel } from '../dockerfile/parse.js';
import type { TargetReport } from './types.js';
import type { Failure } from '../errors.js';
import { FINDING_KINDS, type FindingKind, type SeverityCounts } from '../scan/report.js';
import { SEVERITIES_DESCENDING } from '../severity.js';
import { htmlText, mdCode, mdCodeBlock, mdLink, mdText } from '../untrusted.js';
import { formatBytes } from '../units.js';
import { biggestLayers } from '../analysis/analyze.js';

/**
 * The job summary. Everything in it that a build, a container, a test report or a scanned image produced goes
 * through `untrusted.ts` (code spans and fences that nothing inside can close; entities inside HTML), and the whole
 * stays under GitHub's limit of 1 MiB per step.
 */

/** GitHub refuses a step summary over 1 MiB; the action keeps its own under this many bytes. */
export const SUMMARY_BUDGET_BYTES = 1_000_000;
/** Findings listed per target. */
const FINDINGS_LISTED = 10;

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

function testsCell(report: TargetReport): string {
  if (!report.tests) return report.failure?.phase === 'test' ? '❌ failed' : '—';
  const { passed, failed, skipped } = report.tests.totals;
  return `${failed > 0 ? '❌' : '✅'} ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}

function smokeCell(report: TargetReport): string {
  switch (report.smoke?.status) {
    case 'passed':
      return `✅ healthy in ${report.smoke.seconds?.toFixed(1)} s`;
    case 'failed':
      return '❌ failed';
    case 'skipped':
      return '⏭️ skipped';
    default:
      return '—';
  }
}

const KIND_LABEL: Record<FindingKind, string> = {
  vulnerability: 'vulns',
  secret: 'secrets',
  misconfiguration: 'misconfig',
  license: 'licenses',
};

function letters(counts: SeverityCounts): string {
  return SEVERITIES_DESCENDING.map((severity) => `${counts[severity]}${severity[0]}`).join(' ');
}

function findingsCell(report: TargetReport): string {
  if (!report.scan) return '—';
  if (report.scan.status === 'skipped' || !report.scan.counts) return '⏭️ skipped';
  const gated = (report.scan.gated?.length ?? 0) > 0;
  const byKind = report.scan.findings ?? { vulnerability: report.scan.counts };
  const kinds = FINDING_KINDS.filter((k) => byKind[k]);
  const parts = kinds.map((k) => {
    const counts = byKind[k] as SeverityCounts;
    return kinds.length === 1 && k === 'vulnerability' ? letters(counts) : `${KIND_LABEL[k]} ${letters(counts)}`;
  });
  return `${gated ? '❌' : '✅'} ${parts.join('<br>')}`;
}

function sarifCell(report: TargetReport): string {
  switch (report.upload?.status) {
    case 'uploaded':
      return `✅ ${mdCode(report.upload.category ?? '', { inTable: true })}`;
    case 'forbidden':
      return '⚠️ refused (403)';
    case 'skipped':
      return report.scan?.sarifFile ? '📄 file only' : '—';
    default:
      return '—';
  }
}

/** How a target ended, naming the kind of failure: a gate, a tool, a bug of the action, an input. */
export function outcomeLabel(failure: Failure | undefined): string {
  if (!failure) return '✅ passed';
  switch (failure.kind) {
    case 'gate':
      return `❌ ${failure.phase} did not pass`;
    case 'tool':
      return `⚠️ ${failure.phase}: a tool failed`;
    case 'bug':
      return `🐞 ${failure.phase}: bug in the action`;
    case 'configuration':
      return '❌ input';
  }
}

/** What was pushed, and the proof it carries: provenance, SBOM, signature. */
function pushedCell(report: TargetReport): string {
  const sbom =
    report.scan?.packages !== undefined
      ? `SBOM (${report.scan.packages} packages${report.push?.sbomAttached ? ', attached' : ''})`
      : undefined;
  if (!report.pushed) return sbom ? `no; ${sbom}` : 'no';
  const proof = [
    report.push?.provenance ? `provenance (mode=${report.push.provenance})` : undefined,
    sbom,
    report.push?.signedWith ? `signed (${report.push.signedWith})` : undefined,
  ].filter(Boolean);
  const digest = report.pushDigest ? mdCode(`${report.pushDigest.slice(0, 19)}…`) : 'yes';
  return `✅ ${digest}${proof.length ? `<br>${proof.join(', ')}` : ''}`;
}

/** The rows a person reads at a glance: one per target. */
export function summaryTable(reports: readonly TargetReport[]): string {
  const header = [
    'Target',
    'Result',
    'Image',
    'Size',
    'Build',
    'Cache hits',
    'Tests',
    'Smoke',
    'Findings',
    'SARIF',
    'Pushed',
  ];
  const rows = reports.map((report) => [
    mdCode(report.target, { inTable: true }),
    outcomeLabel(report.failure),
    report.build
      ? `${mdCode(report.build.tags[0], { inTable: true })}${report.build.gatedPlatform ? ` (gated on ${report.build.gatedPlatform})` : ''}`
      : '—',
    report.build ? formatBytes(report.build.sizeBytes) : '—',
    report.build ? `${report.build.seconds.toFixed(1)} s` : '—',
    report.build
      ? `${Math.round(report.build.cacheHitRatio * 100)}% (${report.build.cached}/${report.build.steps})`
      : '—',
    testsCell(report),
    smokeCell(report),
    findingsCell(report),
    sarifCell(report),
    pushedCell(report),
  ]);
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

/** A stage name fit for a Mermaid label: what BuildKit allows in a name, nothing else. */
function mermaidLabel(label: string, index: number): string {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(label) ? label : `stage-${index}`;
}

/**
 * A Mermaid graph of the Dockerfile's stages, each marked with what happened to it in this run (built, cached,
 * failed, not needed) and its time; the targets are outlined.
 */
export function stageGraph(dockerfile: Dockerfile, reports: readonly TargetReport[]): string {
  const needed = new Set(reports.flatMap((r) => r.stages));
  const targets = new Set(reports.map((r) => r.target.toLowerCase()));
  const stats = new Map<string, { status: string; seconds: number }>();
  for (const report of reports) {
    for (const stage of report.analysis?.stages ?? []) {
      const seen = stats.get(stage.name);
      // A stage several targets needed: its first build says what happened (later ones find it cached).
      if (!seen || (seen.status === 'cached' && stage.status !== 'cached')) stats.set(stage.name, stage);
    }
    const failed =
      report.failure?.phase === 'build' ? /\[([^\]\s]+) \d+\/\d+\]/.exec(report.failure.message)?.[1] : undefined;
    if (failed) stats.set(failed, { status: 'failed', seconds: stats.get(failed)?.seconds ?? 0 });
  }
  const id = (index: number): string => `s${index}`;
  const lines = ['```mermaid', 'graph LR'];
  for (const stage of dockerfile.stages.slice(0, 200)) {
    const label = stageLabel(stage);
    const stat = stats.get(label);
    const status = stat?.status ?? (needed.has(label) ? 'needed' : 'unused');
    const detail = stat ? ` · ${stat.status} ${stat.seconds.toFixed(1)} s` : needed.has(label) ? '' : ' · not needed';
    lines.push(`  ${id(stage.index)}["${mermaidLabel(label, stage.index)}${detail}"]`);
    lines.push(`  class ${id(stage.index)} ${status}`);
    // Mermaid's `class a,b name` lists nodes, not classes: a second class is its own statement.
    if (targets.has(label.toLowerCase())) lines.push(`  class ${id(stage.index)} target`);
  }
  for (const stage of dockerfile.stages.slice(0, 200)) {
    for (const dep of stage.dependsOn) if (dep < 200) lines.push(`  ${id(dep)} --> ${id(stage.index)}`);
  }
  lines.push(
    '  classDef built fill:#c8e6c9,stroke:#2e7d32',
    '  classDef cached fill:#e1f5fe,stroke:#0277bd',
    '  classDef failed fill:#ffcdd2,stroke:#c62828',
    '  classDef needed fill:#fff9c4,stroke:#f9a825',
    '  classDef unused fill:#eeeeee,stroke:#9e9e9e,color:#757575',
    '  classDef target stroke-width:3px',
    '```',
  );
  return lines.join('\n');
}

/** The tutorial's build analysis for one target: stages, biggest layers, waste. */
function analysisSection(report: TargetReport): string[] {
  const a = report.analysis;
  if (!a) return [];
  const lines = [
    '',
    `<details><summary>Build analysis of <code>${htmlText(report.target)}</code>: ${a.stages.length} stages, ${formatBytes(a.imageSize)} unpacked, ${formatBytes(a.wastedBytes)} wasted, ${a.recommendations.length} recommendation${a.recommendations.length === 1 ? '' : 's'}</summary>`,
    '',
    '| Stage | Result | Time | Steps cached |',
    '| --- | --- | --- | --- |',
  ];
  for (const stage of a.stages.slice(0, 50)) {
    lines.push(
      `| ${mdCode(stage.name, { inTable: true, max: 100 })} | ${stage.status} | ${stage.seconds.toFixed(1)} s | ${stage.cached}/${stage.steps} |`,
    );
  }
  const biggest = biggestLayers(a.layers, 5);
  if (biggest.length > 0) {
    lines.push('', '| Layer | Size | Dockerfile line |', '| --- | --- | --- |');
    for (const layer of biggest) {
      lines.push(
        `| ${mdCode(layer.createdBy.replace(/\s+# buildkit$/, ''), { inTable: true, max: 80 }) || '—'} | ${formatBytes(layer.size)} | ${layer.line ?? 'base image'} |`,
      );
    }
  }
  if (a.wasted.length > 0) {
    lines.push(
      '',
      `Wasted: ${formatBytes(a.wastedBytes)}, written and then deleted or overwritten, e.g. ${a.wasted
        .slice(0, 3)
        .map((w) => `${mdCode(w.path, { max: 100 })} (${formatBytes(w.bytes)})`)
        .join(', ')}.`,
    );
  }
  lines.push('', '</details>');
  return lines;
}

/** Every recommendation of every target, where a person looks first. */
function recommendationsSection(reports: readonly TargetReport[]): string[] {
  const all = reports.flatMap((r) => (r.analysis?.recommendations ?? []).map((rec) => ({ target: r.target, rec })));
  if (all.length === 0) return [];
  return [
    '',
    '### Recommendations',
    '',
    ...all
      .slice(0, 30)
      .map(
        ({ target, rec }) =>
          `- ${mdCode(target, { max: 100 })}${rec.line ? `, line ${rec.line}` : ''} (${rec.rule}): ${mdText(rec.message, 1000)}`,
      ),
  ];
}

function testName(test: { name: string; classname?: string }): string {
  return test.classname && test.classname !== 'test' ? `${test.classname} › ${test.name}` : test.name;
}

/**
 * Every failed test the reader kept, collapsed, as far as `budget` bytes go; the rest are counted with where to
 * find them (the exported reports).
 */
function failedTestsSection(report: TargetReport, budget: number): string[] {
  const tests = report.tests;
  if (!tests || tests.failed.length === 0) return [];
  const total = tests.totals.failed;
  const head = [
    '',
    `<details${total <= 20 ? ' open' : ''}><summary>Failed tests (${total})</summary>`,
    '',
    '| Failed test | Message |',
    '| --- | --- |',
  ];
  const tail = ['', '</details>'];
  let used = bytes(head.join('\n')) + bytes(tail.join('\n')) + 400;
  const rows: string[] = [];
  for (const t of tests.failed) {
    const row = `| ${mdCode(testName(t), { inTable: true, max: 300 }) || '—'} | ${mdCode(t.message ?? '', { inTable: true, max: 300 }) || '—'} |`;
    if (used + bytes(row) + 1 > budget) break;
    rows.push(row);
    used += bytes(row) + 1;
  }
  const left = total - rows.length;
  const more =
    left > 0
      ? [
          '',
          `… and ${left} more failed test${left === 1 ? '' : 's'}: every one is in the exported reports (${mdCode(tests.resultsPath)}, the \`test-results-path\` output).`,
        ]
      : [];
  return [...head, ...rows, ...more, ...tail];
}

function findingsSection(report: TargetReport): string[] {
  const reported = report.scan?.reported ?? [];
  if (reported.length === 0) return [];
  const shown = reported.slice(0, FINDINGS_LISTED);
  const lines = [
    '',
    `<details><summary>Top findings in <code>${htmlText(report.target)}</code> (${shown.length} of ${reported.length})</summary>`,
    '',
    '| Finding | Kind | Where | Installed | Fixed | Severity |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const f of shown) {
    const where = f.pkg ? f.pkg : `${f.target}${f.line ? `:${f.line}` : ''}`;
    lines.push(
      `| ${mdLink(f.id, f.url, true)} | ${f.kind} | ${mdCode(where, { inTable: true, max: 120 }) || '—'} | ${mdCode(f.installed ?? '', { inTable: true, max: 60 }) || '—'} | ${f.kind === 'vulnerability' ? mdCode(f.fixed ?? '', { inTable: true, max: 60 }) || 'no fix' : '—'} | ${f.severity} |`,
    );
  }
  lines.push('', '</details>');
  return lines;
}

/** The whole job summary section of this step, as Markdown, within SUMMARY_BUDGET_BYTES. */
export function summaryMarkdown(
  reports: readonly TargetReport[],
  dockerfile: Dockerfile,
  budget = SUMMARY_BUDGET_BYTES,
): string {
  const parts = ['## multistage-action', '', summaryTable(reports)];
  for (const report of reports) {
    if (!report.failure) continue;
    parts.push(
      '',
      `### ${htmlText(report.target)}: ${outcomeLabel(report.failure)}`,
      '',
      mdCodeBlock(report.failure.message, { max: 4000 }),
    );
    if (!report.pushed) parts.push('', 'Nothing was pushed for this target.');
  }
  parts.push(...recommendationsSection(reports));
  for (const report of reports) parts.push(...findingsSection(report));
  for (const report of reports) parts.push(...analysisSection(report));
  const graph = [
    '',
    '<details><summary>Stage graph</summary>',
    '',
    stageGraph(dockerfile, reports),
    '',
    '</details>',
    '',
  ];
  // The test stage ran once for every target: its failed tests are listed once.
  const tested = reports.find((r) => r.tests && r.tests.failed.length > 0);
  if (tested) {
    const room = budget - bytes(parts.join('\n')) - bytes(graph.join('\n'));
    parts.push(...failedTestsSection(tested, room));
  }
  parts.push(...graph);
  const markdown = parts.join('\n');
  if (bytes(markdown) <= budget) return markdown;
  // Only a great many targets get here: the table alone, and where the rest is.
  return [
    '## multistage-action',
    '',
    summaryTable(reports),
    '',
    'The details did not fit the summary; see the log.',
  ].join('\n');
}
