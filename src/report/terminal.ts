import type { TargetReport } from './types.js';
import { formatBytes } from '../units.js';
import { SEVERITIES_DESCENDING } from '../severity.js';

const OUTCOME = { gate: 'did not pass', tool: 'tool failed', bug: 'BUG', configuration: 'input' } as const;

/** The summary as a plain-text table for a terminal. */
export function terminalTable(reports: readonly TargetReport[]): string {
  const header = ['target', 'result', 'size', 'build', 'cache', 'tests', 'smoke', 'vulns C/H/M/L/U', 'pushed'];
  const rows = reports.map((report) => [
    report.target,
    report.failure ? `FAILED (${report.failure.phase}: ${OUTCOME[report.failure.kind]})` : 'passed',
    report.build ? formatBytes(report.build.sizeBytes) : '-',
    report.build ? `${report.build.seconds.toFixed(1)}s` : '-',
    report.build ? `${Math.round(report.build.cacheHitRatio * 100)}%` : '-',
    report.tests ? `${report.tests.totals.passed}/${report.tests.totals.total} passed` : '-',
    report.smoke
      ? `${report.smoke.status}${report.smoke.status === 'passed' && report.smoke.seconds !== undefined ? ` ${report.smoke.seconds.toFixed(1)}s` : ''}`
      : '-',
    report.scan?.counts
      ? SEVERITIES_DESCENDING.map((severity) => report.scan?.counts?.[severity]).join('/')
      : (report.scan?.status ?? '-'),
    report.pushed ? 'yes' : 'no',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
  for (const report of reports.filter((r) => r.failure)) out.push('', `${report.target}: ${report.failure?.message}`);
  return out.join('\n');
}
