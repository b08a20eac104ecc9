import { isSeverity, severityRank, SEVERITIES, type Severity } from '../severity.js';

/** What Trivy's scanners find; each is counted, shown and gated the same way. */
export const FINDING_KINDS = ['vulnerability', 'secret', 'misconfiguration', 'license'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** The `scanners` input's name for each kind. */
export const SCANNER_OF: Record<FindingKind, string> = {
  vulnerability: 'vuln',
  secret: 'secret',
  misconfiguration: 'misconfig',
  license: 'license',
};

/** One finding in Trivy's JSON report (`Results[].Vulnerabilities|Secrets|Misconfigurations|Licenses[]`). */
export interface Finding {
  kind: FindingKind;
  /** CVE id, secret rule id, check id, or license name. */
  id: string;
  severity: Severity;
  /** Where in the image: Trivy's target (a package type, a file). */
  target: string;
  /** Vulnerabilities: the package and its versions. Licenses: the package or file. */
  pkg?: string;
  installed?: string;
  fixed?: string;
  title?: string;
  url?: string;
  /** Secrets and misconfigurations: the line in the target. */
  line?: number;
}

export type SeverityCounts = Record<Severity, number>;
export type FindingCounts = Partial<Record<FindingKind, SeverityCounts>>;

interface RawVulnerability {
  VulnerabilityID?: string;
  PkgName?: string;
  InstalledVersion?: string;
  FixedVersion?: string;
  Severity?: string;
  Title?: string;
  PrimaryURL?: string;
}

interface RawSecret {
  RuleID?: string;
  Category?: string;
  Severity?: string;
  Title?: string;
  StartLine?: number;
}

interface RawMisconfiguration {
  ID?: string;
  AVDID?: string;
  Title?: string;
  Severity?: string;
  PrimaryURL?: string;
  Status?: string;
  CauseMetadata?: { StartLine?: number };
}

interface RawLicense {
  Severity?: string;
  Category?: string;
  PkgName?: string;
  FilePath?: string;
  Name?: string;
  Link?: string;
}

interface RawResult {
  Target?: string;
  Class?: string;
  Type?: string;
  Vulnerabilities?: RawVulnerability[] | null;
  Secrets?: RawSecret[] | null;
  Misconfigurations?: RawMisconfiguration[] | null;
  Licenses?: RawLicense[] | null;
}

interface RawReport {
  SchemaVersion?: number;
  Results?: RawResult[] | null;
}

export class TrivyReportError extends Error {
  override readonly name = 'TrivyReportError';
}

function severityOf(value: string | undefined): Severity {
  return value !== undefined && isSeverity(value) ? value : 'UNKNOWN';
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const list = <T>(value: T[] | null | undefined): T[] => (Array.isArray(value) ? value : []);
const lineOf = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;

/** Read Trivy's JSON report (schema 2), every scanner's findings. Throws on anything that is not one. */
export function parseTrivyReport(json: string): Finding[] {
  let raw: RawReport;
  try {
    raw = JSON.parse(json) as RawReport;
  } catch (error: unknown) {
    throw new TrivyReportError(
      `Trivy's report is not JSON (${(error as Error).message}); it starts with: ${JSON.stringify(json.slice(0, 80))}`,
    );
  }
  if (typeof raw !== 'object' || raw === null || raw.SchemaVersion !== 2) {
    throw new TrivyReportError(
      `Trivy's report is not a schema 2 JSON report (SchemaVersion: ${JSON.stringify((raw as RawReport | null)?.SchemaVersion)})`,
    );
  }
  const findings: Finding[] = [];
  for (const result of list(raw.Results)) {
    const target = text(result.Target) ?? '';
    for (const v of list(result.Vulnerabilities)) {
      findings.push({
        kind: 'vulnerability',
        id: text(v.VulnerabilityID) ?? '(no id)',
        severity: severityOf(v.Severity),
        target,
        pkg: text(v.PkgName) ?? '',
        installed: text(v.InstalledVersion) ?? '',
        fixed: text(v.FixedVersion),
        title: text(v.Title),
        url: text(v.PrimaryURL),
      });
    }
    for (const s of list(result.Secrets)) {
      findings.push({
        kind: 'secret',
        id: text(s.RuleID) ?? '(no rule)',
        severity: severityOf(s.Severity),
        target,
        title: text(s.Title),
        line: lineOf(s.StartLine),
      });
    }
    for (const m of list(result.Misconfigurations)) {
      // Trivy lists only failed checks unless asked for the others; PASS and EXCEPTION are not findings.
      if (m.Status !== undefined && m.Status !== 'FAIL') continue;
      findings.push({
        kind: 'misconfiguration',
        id: text(m.ID) ?? text(m.AVDID) ?? '(no id)',
        severity: severityOf(m.Severity),
        target,
        title: text(m.Title),
        url: text(m.PrimaryURL),
        line: lineOf(m.CauseMetadata?.StartLine),
      });
    }
    for (const l of list(result.Licenses)) {
      findings.push({
        kind: 'license',
        id: text(l.Name) ?? '(unknown license)',
        severity: severityOf(l.Severity),
        target,
        pkg: text(l.PkgName) ?? text(l.FilePath),
        title: text(l.Category),
        url: text(l.Link),
      });
    }
  }
  return findings;
}

/** The results need Trivy's Java DB (a JAR, WAR or a Maven/Gradle project was found in the image). */
export function needsJavaDb(json: string): boolean {
  try {
    const raw = JSON.parse(json) as RawReport;
    return list(raw.Results).some((r) => ['jar', 'pom', 'gradle', 'sbt'].includes(String(r.Type)));
  } catch {
    return false;
  }
}

export function zeroCounts(): SeverityCounts {
  return Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as SeverityCounts;
}

/** Vulnerabilities by severity (the `vulnerabilities` output). */
export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts = zeroCounts();
  for (const f of findings) if (f.kind === 'vulnerability') counts[f.severity]++;
  return counts;
}

/** Every kind's findings by severity, for the kinds whose scanner ran (the `findings` output). */
export function countByKind(findings: readonly Finding[], scanners: readonly string[]): FindingCounts {
  const counts: FindingCounts = {};
  for (const kind of FINDING_KINDS) if (scanners.includes(SCANNER_OF[kind])) counts[kind] = zeroCounts();
  for (const f of findings) (counts[f.kind] ??= zeroCounts())[f.severity]++;
  return counts;
}

/** Most severe first, then fixable first, then by kind and id: the order a person triages in. */
export function rankFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      Number(Boolean(b.fixed)) - Number(Boolean(a.fixed)) ||
      FINDING_KINDS.indexOf(a.kind) - FINDING_KINDS.indexOf(b.kind) ||
      a.id.localeCompare(b.id) ||
      (a.pkg ?? a.target).localeCompare(b.pkg ?? b.target),
  );
}

/** The findings, of every kind, that trip the `fail-on` gate. */
export function gateFindings(findings: readonly Finding[], failOn: readonly Severity[]): Finding[] {
  return rankFindings(findings.filter((f) => failOn.includes(f.severity)));
}

/** One line per finding, for messages and annotations (the text is the image's: print it as untrusted). */
export function describeFinding(f: Finding): string {
  switch (f.kind) {
    case 'vulnerability':
      return `${f.id} (${f.severity}) in ${f.pkg} ${f.installed}${f.fixed ? `, fixed in ${f.fixed}` : ', no fix yet'}`;
    case 'secret':
      return `secret ${f.id}${f.title ? ` (${f.title})` : ''}, ${f.severity}, in ${f.target}${f.line ? ` line ${f.line}` : ''}`;
    case 'misconfiguration':
      return `misconfiguration ${f.id}${f.title ? ` (${f.title})` : ''}, ${f.severity}, in ${f.target}${f.line ? ` line ${f.line}` : ''}`;
    case 'license':
      return `license ${f.id}${f.title ? ` (${f.title})` : ''}, ${f.severity}, in ${f.pkg ?? f.target}`;
  }
}

/** "3 vulnerabilities, 1 secret" for the gate's message. */
export function describeCounts(findings: readonly Finding[]): string {
  const parts: string[] = [];
  for (const kind of FINDING_KINDS) {
    const n = findings.filter((f) => f.kind === kind).length;
    if (n === 0) continue;
    const plural = kind === 'vulnerability' ? 'vulnerabilities' : `${kind}s`;
    parts.push(`${n} ${n === 1 ? kind : plural}`);
  }
  return parts.join(', ');
}

/** C0 controls and DEL: what Go's net/url refuses in a URL. */
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f]/g;

/**
 * The report with every path Trivy's SARIF writer turns into a URI (a result's `Target`, a vulnerability's
 * `PkgPath`) freed of control characters, percent-encoded (`\n` -> `%0A`), or undefined when no path holds one.
 * Trivy 0.74's `convert --format sarif` panics on such a path (pkg/report/sarif.go: url.Parse fails, the nil URL is
 * used), and the image decides its file names: without this, a file named with a line break would keep every
 * finding of its image out of code scanning. The counts, the gate and the summary read the report as Trivy wrote it.
 */
export function sarifSafeReport(json: string): string | undefined {
  // In JSON text a control character can only be an escape: no such escape, nothing to do (a quick look; an
  // escaped backslash before an n is a false alarm that the walk below settles).
  if (!/\\(?:[bfnrt]|u00[01][0-9a-fA-F]|u007[fF])/.test(json)) return undefined;
  const raw = JSON.parse(json) as { Results?: { Target?: unknown; Vulnerabilities?: { PkgPath?: unknown }[] }[] };
  const encode = (value: string): string =>
    value.replace(CONTROL_RE, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  let changed = false;
  const safe = (value: unknown): unknown => {
    if (typeof value !== 'string') return value;
    const encoded = encode(value);
    if (encoded !== value) changed = true;
    return encoded;
  };
  for (const result of list(raw.Results)) {
    result.Target = safe(result.Target);
    for (const vuln of list(result.Vulnerabilities)) vuln.PkgPath = safe(vuln.PkgPath);
  }
  return changed ? JSON.stringify(raw) : undefined;
}
