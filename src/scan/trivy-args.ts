import { SEVERITIES, type Severity } from '../severity.js';

export interface ScanOptions {
  image: string;
  output: string;
  cacheDir: string;
  scanners: string[];
  ignoreUnfixed: boolean;
  ignoreFile: string;
  /** Today's DB is on disk (restored from the cache): do not download it again. */
  skipDbUpdate: boolean;
  /** Today's Java DB is on disk: do not download it again. */
  skipJavaDbUpdate: boolean;
  /** List every package, not only vulnerable ones (the SBOM is converted from this same report). */
  listAllPkgs: boolean;
  /** `trivy-db-repository`: empty leaves Trivy's own default (and TRIVY_DB_REPOSITORY). */
  dbRepositories?: readonly string[];
  /** `trivy-java-db-repository`: likewise. */
  javaDbRepositories?: readonly string[];
}

/**
 * One scan, every severity, JSON: the report everything else derives from (SARIF, counts, the gate). The exit
 * code stays 0 on findings: the gate is the action's, after the upload.
 */
export function trivyScanArgs(options: ScanOptions): string[] {
  const args = [
    'image',
    '--format',
    'json',
    '--output',
    options.output,
    '--severity',
    SEVERITIES.join(','),
    '--scanners',
    options.scanners.join(','),
    '--cache-dir',
    options.cacheDir,
    // The scan cache in memory: on disk it is a BoltDB one process locks for a whole scan (scans run at once).
    '--cache-backend',
    'memory',
    '--exit-code',
    '0',
    '--no-progress',
    '--quiet',
    // Said either way: the default changed in Trivy 0.67 (on), and without an SBOM the report stays small.
    options.listAllPkgs ? '--list-all-pkgs' : '--list-all-pkgs=false',
    // The action pins the version it runs, so Trivy's "a newer version exists" call home is noise; and a step run
    // in someone's CI sends no usage data to Aqua on their behalf (README, "Decisions").
    '--skip-version-check',
    '--disable-telemetry',
  ];
  // DB repositories only when the inputs name some: otherwise Trivy's own defaults (mirror.gcr.io, then ghcr.io, a
  // 429 or 5xx from one falling back to the next) and TRIVY_DB_REPOSITORY / TRIVY_JAVA_DB_REPOSITORY apply.
  if (options.dbRepositories?.length) args.push('--db-repository', options.dbRepositories.join(','));
  if (options.javaDbRepositories?.length) args.push('--java-db-repository', options.javaDbRepositories.join(','));
  if (options.ignoreUnfixed) args.push('--ignore-unfixed');
  if (options.ignoreFile) args.push('--ignorefile', options.ignoreFile);
  if (options.skipDbUpdate) args.push('--skip-db-update');
  if (options.skipJavaDbUpdate) args.push('--skip-java-db-update');
  args.push(options.image);
  return args;
}

/** Trivy's own conversion of its JSON report to SARIF, keeping the severities the user wants reported. */
export function trivyConvertArgs(report: string, output: string, severity: readonly Severity[]): string[] {
  return ['convert', '--format', 'sarif', '--severity', severity.join(','), '--output', output, report];
}

/**
 * Trivy's own conversion of the same JSON report (scanned with every package listed) to a CycloneDX SBOM. No
 * `--list-all-pkgs` here: Trivy 0.74 warns that it only applies to JSON, a CycloneDX document always lists them.
 */
export function trivySbomArgs(report: string, output: string): string[] {
  return ['convert', '--format', 'cyclonedx', '--output', output, report];
}
