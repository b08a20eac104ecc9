/** Trivy's severities, least severe first: the one list every count, rank, input and table derives from. */
export const SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

/** Higher is more severe. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Most severe first, for tables a person reads. */
export const SEVERITIES_DESCENDING: readonly Severity[] = [...SEVERITIES].reverse();
