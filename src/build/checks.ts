import type { Runner } from '../exec.js';
import type { Ui } from '../ui.js';
import { errorMessage, lastLines } from '../errors.js';
import { buildxArgs } from './args.js';
import { buildPlan, type BuildSettings } from './plan.js';

/** One warning of BuildKit's build checks (`docker buildx build --call check,format=json`). */
export interface CheckWarning {
  rule: string;
  description: string;
  detail: string;
  url: string;
  /** The Dockerfile line it is about, when BuildKit says. */
  line?: number;
  /** The targets whose check gave it. */
  targets: string[];
}

export interface ChecksResult {
  warnings: CheckWarning[];
  /** Why the checks could not run (a frontend that cannot lint); undefined when they ran. */
  unsupported?: string;
}

/** Each check's JSON is read whole; BuildKit's for a Dockerfile is a few KB plus the Dockerfile itself. */
const MAX_WARNINGS = 500;

function text(value: unknown, max = 2000): string {
  return typeof value === 'string' ? value.slice(0, max) : '';
}

/**
 * BuildKit's check result: `{ warnings: [{ ruleName, description, detail, url, location: { ranges: [{ start:
 * { line } }] } }], sources }`. undefined when the output is not that (a frontend without checks prints none).
 */
export function parseCheckOutput(stdout: string): Omit<CheckWarning, 'targets'>[] | undefined {
  const start = stdout.indexOf('{');
  if (start < 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout.slice(start));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { warnings } = parsed as { warnings?: unknown };
  if (warnings === undefined || warnings === null) return [];
  if (!Array.isArray(warnings)) return undefined;
  return warnings.slice(0, MAX_WARNINGS).flatMap((w: unknown) => {
    if (typeof w !== 'object' || w === null) return [];
    const o = w as Record<string, unknown>;
    const ranges = (o.location as { ranges?: { start?: { line?: unknown } }[] } | undefined)?.ranges;
    const line = Array.isArray(ranges) ? ranges[0]?.start?.line : undefined;
    return [
      {
        rule: text(o.ruleName, 200) || 'UnknownRule',
        description: text(o.description),
        detail: text(o.detail),
        url: text(o.url, 500),
        ...(typeof line === 'number' && Number.isInteger(line) && line > 0 ? { line } : {}),
      },
    ];
  });
}

/**
 * BuildKit's build checks for each target, before anything is built: the same Dockerfile, build args, contexts and
 * secrets as the builds, nothing exported. The same warning from several targets is one warning. A builder whose
 * frontend cannot lint (Docker Engine 26.1's built-in one) makes the result `unsupported`; a check that cannot run
 * for another reason (a Dockerfile that does not parse) is left to the build, which says it better.
 */
export async function runBuildChecks(
  deps: { run: Runner },
  settings: BuildSettings,
  targets: readonly string[],
): Promise<ChecksResult> {
  const results = await Promise.all(
    targets.map(async (target) => {
      const plan = buildPlan(settings, {
        target,
        tags: [],
        labels: [],
        cache: { cacheFrom: [], cacheTo: [] },
        output: { type: 'check' },
        platforms: [],
        metadataFile: '',
      });
      try {
        const result = await deps.run('docker', buildxArgs(plan), { env: settings.secretValues, allowFailure: true });
        return { target, result, warnings: parseCheckOutput(result.stdout) };
      } catch (error: unknown) {
        // buildx that cannot start at all: the build says so, as the tool failure it is.
        return { target, result: { exitCode: -1, stdout: '', stderr: errorMessage(error) }, warnings: undefined };
      }
    }),
  );
  for (const { result, warnings } of results) {
    if (warnings === undefined) {
      return {
        warnings: [],
        unsupported: lastLines(result.stderr || result.stdout, 3) || `exit code ${result.exitCode}`,
      };
    }
  }
  return {
    warnings: mergeWarnings(results.map(({ target, warnings }) => ({ target, warnings: warnings ?? [] }))),
  };
}

function base64Text(value: unknown, max = 2000): string {
  return typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8').slice(0, max) : '';
}

/**
 * The warnings of BuildKit's checks that a build wrote into its metadata (BUILDX_METADATA_WARNINGS=1, as
 * build-push-action reads them): `buildx.build.warnings: [{ short: base64 "Rule: detail (line N)", detail: [base64
 * description], url, sourceInfo: { filename }, range: [{ start: { line } }] }]`. Absent when there were none.
 */
export function metadataWarnings(metadata: Record<string, unknown>): Omit<CheckWarning, 'targets'>[] {
  const warnings = metadata['buildx.build.warnings'];
  if (!Array.isArray(warnings)) return [];
  return warnings.slice(0, MAX_WARNINGS).flatMap((w: unknown) => {
    if (typeof w !== 'object' || w === null) return [];
    const o = w as Record<string, unknown>;
    const short = base64Text(o.short);
    const m = /^([A-Za-z][\w]*): (.*?)(?: \(line \d+\))?$/s.exec(short);
    if (!m) return [];
    const range = Array.isArray(o.range) ? (o.range[0] as { start?: { line?: unknown } } | undefined) : undefined;
    const line = range?.start?.line;
    return [
      {
        rule: m[1].slice(0, 200),
        description: Array.isArray(o.detail) ? base64Text(o.detail[0]) : '',
        detail: m[2],
        url: text(o.url, 500),
        ...(typeof line === 'number' && Number.isInteger(line) && line > 0 ? { line } : {}),
      },
    ];
  });
}

/** Each target's warnings as one list: the same warning from several targets is one warning naming them all. */
export function mergeWarnings(
  perTarget: { target: string; warnings: Omit<CheckWarning, 'targets'>[] }[],
): CheckWarning[] {
  const byKey = new Map<string, CheckWarning>();
  for (const { target, warnings } of perTarget) {
    for (const w of warnings) {
      const key = `${w.rule}\u0000${w.line ?? ''}\u0000${w.detail}`;
      const seen = byKey.get(key);
      if (seen) {
        if (!seen.targets.includes(target)) seen.targets.push(target);
      } else byKey.set(key, { ...w, targets: [target] });
    }
  }
  return [...byKey.values()].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/** `FromAsCasing (line 3)`: a warning in a sentence. */
export function describeWarning(w: CheckWarning): string {
  return `${w.rule}${w.line ? ` (line ${w.line})` : ''}: ${w.detail || w.description}`;
}

/**
 * Each warning as an annotation on its Dockerfile line, as docker/build-push-action does; the list in the log. A
 * frontend that cannot lint is said once.
 */
export function reportChecks(ui: Ui, result: ChecksResult, file: string): void {
  if (result.unsupported !== undefined) {
    ui.notice(
      "Build checks skipped: this builder's Dockerfile frontend cannot run them (docker buildx build --call check); the build goes on without them",
    );
    ui.info(`What buildx said:\n${result.unsupported}`);
    return;
  }
  if (result.warnings.length === 0) {
    ui.info('Build checks: no warnings');
    return;
  }
  ui.info(`Build checks: ${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'}`);
  for (const w of result.warnings) {
    ui.info(`  - ${describeWarning(w)} [${w.targets.join(', ')}]${w.url ? ` ${w.url}` : ''}`);
    ui.warning(`${w.detail || w.description}${w.url ? `\nMore info: ${w.url}` : ''}`, {
      title: `Build check ${w.rule}: ${w.description}`,
      file,
      ...(w.line ? { startLine: w.line } : {}),
    });
  }
}
