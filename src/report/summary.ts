import type { Dockerfile } from '../dockerfile/parse.js';
import { stageLabel } from '../dockerfile/parse.js';
import type { TargetReport } from './types.js';
import type { SeverityCounts } from '../scan/report.js';

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

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}

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

const SEVERITY_ICONS: [keyof SeverityCounts, string][] = [
  ['CRITICAL', 'C'],
  ['HIGH', 'H'],
  ['MEDIUM', 'M'],
  ['LOW', 'L'],
  ['UNKNOWN', 'U'],
];

function vulnerabilitiesCell(r: TargetReport): string {
  if (!r.scan) return '—';
  if (r.scan.status === 'skipped' || !r.scan.counts) return '⏭️ skipped';
  const counts = r.scan.counts;
  const gated = (r.scan.gated?.length ?? 0) > 0;
  return `${gated ? '❌' : '✅'} ${SEVERITY_ICONS.map(([s, letter]) => `${counts[s]}${letter}`).join(' ')}`;
}

function sarifCell(r: TargetReport): string {
  switch (r.upload?.status) {
    case 'uploaded':
      return `✅ \`${r.upload.category}\``;
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
    'Vulnerabilities',
    'SARIF',
    'Pushed',
  ];
  const rows = reports.map((r) => [
    `\`${r.target}\``,
    statusCell(r),
    r.build ? `\`${r.build.tags[0]}\`${r.build.gatedPlatform ? ` (gated on ${r.build.gatedPlatform})` : ''}` : '—',
    r.build ? formatBytes(r.build.sizeBytes) : '—',
    r.build ? `${r.build.seconds.toFixed(1)} s` : '—',
    r.build ? `${Math.round(r.build.cacheHitRatio * 100)}% (${r.build.cached}/${r.build.steps})` : '—',
    testsCell(r),
    smokeCell(r),
    vulnerabilitiesCell(r),
    sarifCell(r),
    r.pushed ? `✅ ${r.pushDigest ? `\`${r.pushDigest.slice(0, 19)}…\`` : 'yes'}` : 'no',
  ]);
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ].join('\n');
}

/** A Mermaid graph of the Dockerfile's stages; stages the targets needed are marked. */
export function stageGraph(dockerfile: Dockerfile, reports: readonly TargetReport[]): string {
  const needed = new Set(reports.flatMap((r) => r.stages));
  const targets = new Set(reports.map((r) => r.target.toLowerCase()));
  const id = (index: number): string => `s${index}`;
  const lines = ['```mermaid', 'graph LR'];
  for (const stage of dockerfile.stages) {
    const label = stageLabel(stage);
    lines.push(`  ${id(stage.index)}["${label.replace(/"/g, "'")}"]`);
    if (targets.has(label.toLowerCase())) lines.push(`  class ${id(stage.index)} target`);
    else if (needed.has(label)) lines.push(`  class ${id(stage.index)} needed`);
  }
  for (const stage of dockerfile.stages) {
    for (const dep of stage.dependsOn) lines.push(`  ${id(dep)} --> ${id(stage.index)}`);
  }
  lines.push('  classDef target fill:#c8e6c9,stroke:#2e7d32', '  classDef needed fill:#e1f5fe,stroke:#0277bd', '```');
  return lines.join('\n');
}

function failedTestsSection(r: TargetReport): string[] {
  if (!r.tests || r.tests.failed.length === 0) return [];
  const lines = ['', '| Failed test | Message |', '| --- | --- |'];
  for (const t of r.tests.failed.slice(0, 50)) {
    lines.push(
      `| ${escapeCell(t.classname && t.classname !== 'test' ? `${t.classname} › ${t.name}` : t.name)} | ${escapeCell((t.message ?? '').slice(0, 200))} |`,
    );
  }
  return lines;
}

function findingsSection(r: TargetReport, limit = 10): string[] {
  const reported = r.scan?.reported ?? [];
  if (reported.length === 0) return [];
  const lines = [
    '',
    `<details><summary>Top vulnerabilities in <code>${r.target}</code> (${Math.min(limit, reported.length)} of ${reported.length})</summary>`,
    '',
    '| Vulnerability | Package | Installed | Fixed | Severity |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const f of reported.slice(0, limit)) {
    const id = f.url ? `[${f.id}](${f.url})` : f.id;
    lines.push(
      `| ${escapeCell(id)} | ${escapeCell(f.pkg)} | ${escapeCell(f.installed)} | ${escapeCell(f.fixed ?? 'no fix')} | ${f.severity} |`,
    );
  }
  lines.push('', '</details>');
  return lines;
}

/** The whole job summary section of this step, as Markdown. */
export function summaryMarkdown(reports: readonly TargetReport[], dockerfile: Dockerfile): string {
  const parts = ['## multistage-action', '', summaryTable(reports)];
  for (const r of reports.filter((x) => x.failure)) {
    const failure = r.failure as { phase: string; message: string };
    parts.push('', `### ❌ ${r.target}: ${failure.phase} failed`, '', '```text', failure.message, '```');
    parts.push(...failedTestsSection(r));
    if (!r.pushed && reports.length > 0) parts.push('', 'Nothing was pushed for this target.');
  }
  for (const r of reports) parts.push(...findingsSection(r));
  const testsOnce = reports.find((r) => r.tests)?.tests;
  if (testsOnce && !reports.some((r) => r.failure?.phase === 'test')) parts.push(...failedTestsSection(reports[0]));
  parts.push('', '<details><summary>Stage graph</summary>', '', stageGraph(dockerfile, reports), '', '</details>', '');
  return parts.join('\n');
}
