import type { TargetReport } from './types.js';
import { formatBytes } from './summary.js';

/** The summary as a plain-text table for a terminal. */
export function terminalTable(reports: readonly TargetReport[]): string {
  const header = ['target', 'result', 'size', 'build', 'cache', 'tests', 'smoke', 'vulns C/H/M/L/U', 'pushed'];
  const rows = reports.map((r) => [
    r.target,
    r.failure ? `FAILED (${r.failure.phase})` : 'passed',
    r.build ? formatBytes(r.build.sizeBytes) : '-',
    r.build ? `${r.build.seconds.toFixed(1)}s` : '-',
    r.build ? `${Math.round(r.build.cacheHitRatio * 100)}%` : '-',
    r.tests ? `${r.tests.totals.passed}/${r.tests.totals.total} passed` : '-',
    r.smoke
      ? `${r.smoke.status}${r.smoke.status === 'passed' && r.smoke.seconds !== undefined ? ` ${r.smoke.seconds.toFixed(1)}s` : ''}`
      : '-',
    r.scan?.counts
      ? ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'].map((s) => r.scan?.counts?.[s as 'LOW']).join('/')
      : (r.scan?.status ?? '-'),
    r.pushed ? 'yes' : 'no',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  for (const r of reports.filter((x) => x.failure)) out.push('', `${r.target}: ${r.failure?.message}`);
  return out.join('\n');
}
