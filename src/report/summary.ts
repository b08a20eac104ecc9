import type { Dockerfile } from '../dockerfile/parse.js';
import { stageLabel } from '../dockerfile/parse.js';
import type { TargetReport } from './types.js';
import { FINDING_KINDS, type FindingKind, type SeverityCounts } from '../scan/report.js';
import { htmlText, mdCode, mdCodeBlock, mdLink } from '../untrusted.js';

/**
 * The job summary. Everything in it that a build, a container, a test report or a scanned image produced goes
 * through `untrusted.ts` (code spans and fences that nothing inside can close; entities inside HTML), and the whole
 * stays under GitHub's limit of 1 MiB per step.
 */

/** GitHub refuses a step summary over 1 MiB; the action keeps its own under this many bytes. */
export const SUMMARY_BUDGET_BYTES = 1_000_000;
/** Findings listed per target. */
const FINDINGS_LISTED = 10;

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

function testsCell(r: TargetReport): string {
  if (!r.tests) return r.failure?.phase === 'test' ? '❌ failed' : '—';
  const { passed, failed, skipped } = r.tests.totals;
  return `${failed > 0 ? '❌' : '✅'} ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}

function smokeCell(r: TargetReport): string {
  switch (r.smoke?.status) {
    case 'passed':
      return `✅ healthy in ${r.smoke.seconds?.toFixed(1)} s`;
    case 'failed':
      return '❌ failed';
    case 'skipped':
      return '⏭️ skipped';
    default:
      return '—';
  }
}

const SEVERITY_LETTERS: [keyof SeverityCounts, string][] = [
  ['CRITICAL', 'C'],
  ['HIGH', 'H'],
  ['MEDIUM', 'M'],
  ['LOW', 'L'],
  ['UNKNOWN', 'U'],
];

const KIND_LABEL: Record<FindingKind, string> = {
  vulnerability: 'vulns',
  secret: 'secrets',
  misconfiguration: 'misconfig',
  license: 'licenses',
};

function letters(counts: SeverityCounts): string {
  return SEVERITY_LETTERS.map(([s, letter]) => `${counts[s]}${letter}`).join(' ');
}

function findingsCell(r: TargetReport): string {
  if (!r.scan) return '—';
  if (r.scan.status === 'skipped' || !r.scan.counts) return '⏭️ skipped';
  const gated = (r.scan.gated?.length ?? 0) > 0;
  const byKind = r.scan.findings ?? { vulnerability: r.scan.counts };
  const kinds = FINDING_KINDS.filter((k) => byKind[k]);
  const parts = kinds.map((k) => {
    const counts = byKind[k] as SeverityCounts;
    return kinds.length === 1 && k === 'vulnerability' ? letters(counts) : `${KIND_LABEL[k]} ${letters(counts)}`;
  });
  return `${gated ? '❌' : '✅'} ${parts.join('<br>')}`;
}

function sarifCell(r: TargetReport): string {
  switch (r.upload?.status) {
    case 'uploaded':
      return `✅ ${mdCode(r.upload.category ?? '', { inTable: true })}`;
    case 'forbidden':
      return '⚠️ refused (403)';
    case 'skipped':
      return r.scan?.sarifFile ? '📄 file only' : '—';
    default:
      return '—';
  }
}

function statusCell(r: TargetReport): string {
  return r.failure ? `❌ ${r.failure.phase} failed` : '✅ passed';
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
  const rows = reports.map((r) => [
    mdCode(r.target, { inTable: true }),
    statusCell(r),
    r.build
      ? `${mdCode(r.build.tags[0], { inTable: true })}${r.build.gatedPlatform ? ` (gated on ${r.build.gatedPlatform})` : ''}`
      : '—',
    r.build ? formatBytes(r.build.sizeBytes) : '—',
    r.build ? `${r.build.seconds.toFixed(1)} s` : '—',
    r.build ? `${Math.round(r.build.cacheHitRatio * 100)}% (${r.build.cached}/${r.build.steps})` : '—',
    testsCell(r),
    smokeCell(r),
    findingsCell(r),
    sarifCell(r),
    r.pushed ? `✅ ${r.pushDigest ? mdCode(`${r.pushDigest.slice(0, 19)}…`) : 'yes'}` : 'no',
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

/** A Mermaid graph of the Dockerfile's stages; stages the targets needed are marked. */
export function stageGraph(dockerfile: Dockerfile, reports: readonly TargetReport[]): string {
  const needed = new Set(reports.flatMap((r) => r.stages));
  const targets = new Set(reports.map((r) => r.target.toLowerCase()));
  const id = (index: number): string => `s${index}`;
  const lines = ['```mermaid', 'graph LR'];
  for (const stage of dockerfile.stages.slice(0, 200)) {
    const label = stageLabel(stage);
    lines.push(`  ${id(stage.index)}["${mermaidLabel(label, stage.index)}"]`);
    if (targets.has(label.toLowerCase())) lines.push(`  class ${id(stage.index)} target`);
    else if (needed.has(label)) lines.push(`  class ${id(stage.index)} needed`);
  }
  for (const stage of dockerfile.stages.slice(0, 200)) {
    for (const dep of stage.dependsOn) if (dep < 200) lines.push(`  ${id(dep)} --> ${id(stage.index)}`);
  }
  lines.push('  classDef target fill:#c8e6c9,stroke:#2e7d32', '  classDef needed fill:#e1f5fe,stroke:#0277bd', '```');
  return lines.join('\n');
}

function testName(t: { name: string; classname?: string }): string {
  return t.classname && t.classname !== 'test' ? `${t.classname} › ${t.name}` : t.name;
}

/**
 * Every failed test the reader kept, collapsed, as far as `budget` bytes go; the rest are counted with where to
 * find them (the exported reports).
 */
function failedTestsSection(r: TargetReport, budget: number): string[] {
  const tests = r.tests;
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

function findingsSection(r: TargetReport): string[] {
  const reported = r.scan?.reported ?? [];
  if (reported.length === 0) return [];
  const shown = reported.slice(0, FINDINGS_LISTED);
  const lines = [
    '',
    `<details><summary>Top findings in <code>${htmlText(r.target)}</code> (${shown.length} of ${reported.length})</summary>`,
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
  for (const r of reports.filter((x) => x.failure)) {
    const failure = r.failure as { phase: string; message: string };
    parts.push(
      '',
      `### ❌ ${htmlText(r.target)}: ${failure.phase} failed`,
      '',
      mdCodeBlock(failure.message, { max: 4000 }),
    );
    if (!r.pushed) parts.push('', 'Nothing was pushed for this target.');
  }
  for (const r of reports) parts.push(...findingsSection(r));
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
