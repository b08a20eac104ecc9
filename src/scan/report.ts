import { SEVERITIES, type Severity } from '../inputs.js';

/** One finding in Trivy's JSON report (`Results[].Vulnerabilities[]`). */
export interface Finding {
  id: string;
  pkg: string;
  installed: string;
  fixed?: string;
  severity: Severity;
  title?: string;
  url?: string;
  target: string;
}

export type SeverityCounts = Record<Severity, number>;

interface RawVulnerability {
  VulnerabilityID?: string;
  PkgName?: string;
  InstalledVersion?: string;
  FixedVersion?: string;
  Severity?: string;
  Title?: string;
  PrimaryURL?: string;
}

interface RawReport {
  SchemaVersion?: number;
  Results?: { Target?: string; Vulnerabilities?: RawVulnerability[] | null }[] | null;
}

export class TrivyReportError extends Error {
  override readonly name = 'TrivyReportError';
}

/** Read Trivy's JSON report (schema 2). Throws on anything that is not one, e.g. a crash's garbage. */
export function parseTrivyReport(text: string): Finding[] {
  let raw: RawReport;
  try {
    raw = JSON.parse(text) as RawReport;
  } catch (error: unknown) {
    throw new TrivyReportError(
      `Trivy's report is not JSON (${(error as Error).message}); it starts with: ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
  if (typeof raw !== 'object' || raw === null || raw.SchemaVersion !== 2) {
    throw new TrivyReportError(
      `Trivy's report is not a schema 2 JSON report (SchemaVersion: ${JSON.stringify((raw as RawReport | null)?.SchemaVersion)})`,
    );
  }
  const findings: Finding[] = [];
  for (const result of raw.Results ?? []) {
    for (const v of result.Vulnerabilities ?? []) {
      const severity = (SEVERITIES as readonly string[]).includes(v.Severity ?? '')
        ? (v.Severity as Severity)
        : 'UNKNOWN';
      findings.push({
        id: v.VulnerabilityID ?? '(no id)',
        pkg: v.PkgName ?? '',
        installed: v.InstalledVersion ?? '',
        fixed: v.FixedVersion || undefined,
        severity,
        title: v.Title,
        url: v.PrimaryURL,
        target: result.Target ?? '',
      });
    }
  }
  return findings;
}

export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as SeverityCounts;
  for (const f of findings) counts[f.severity]++;
  return counts;
}

const RANK: Record<Severity, number> = { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1, UNKNOWN: 0 };

/** Most severe first, then fixable first, then by id: the order a person triages in. */
export function rankFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      RANK[b.severity] - RANK[a.severity] ||
      Number(Boolean(b.fixed)) - Number(Boolean(a.fixed)) ||
      a.id.localeCompare(b.id) ||
      a.pkg.localeCompare(b.pkg),
  );
}

/** The findings that trip the `fail-on` gate. */
export function gateFindings(findings: readonly Finding[], failOn: readonly Severity[]): Finding[] {
  return rankFindings(findings.filter((f) => failOn.includes(f.severity)));
}

export function describeFinding(f: Finding): string {
  return `${f.id} (${f.severity}) in ${f.pkg} ${f.installed}${f.fixed ? `, fixed in ${f.fixed}` : ', no fix yet'}`;
}
