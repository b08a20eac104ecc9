import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Runner } from '../exec.js';
import { CommandError } from '../errors.js';
import { BUILDX_NEEDED, buildxMissing } from './capabilities.js';
import { buildxArgs, type BuildPlan } from './args.js';
import { ProgressParser, type BuildProgress } from './progress.js';

export interface BuildRun {
  seconds: number;
  progress: BuildProgress;
  /** buildx's --metadata-file, parsed. */
  metadata: Record<string, unknown>;
}

/** A build that failed: which stage, which Dockerfile line, buildx's own error, and the build log for callers. */
export class BuildError extends Error {
  override readonly name = 'BuildError';
  constructor(
    readonly target: string,
    readonly progress: BuildProgress,
    readonly log: string,
    readonly exitCode: number,
  ) {
    const where = progress.failedStep ? ` at ${progress.failedStep}` : '';
    const line = progress.failedLine ? ` (Dockerfile line ${progress.failedLine})` : '';
    super(
      `Building target "${target}" failed${where}${line}: ${progress.error ?? `buildx exited with code ${exitCode}`}`,
    );
  }
}

export interface BuildOptions {
  run: Runner;
  env: Record<string, string>;
  now?: () => number;
  /** Each line of the build's progress, for the log: the build's own text, so printed as untrusted text. */
  log: (line: string) => void;
}

/** An argument as a person would type it in a shell (for reading only: nothing is ever run through a shell). */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Lines of a build's progress kept for reading failed test names from it. */
const MAX_LOG_LINES = 100_000;

/** Run one buildx build, streaming its progress into the log, and read its metadata. */
export async function runBuild(plan: BuildPlan, options: BuildOptions): Promise<BuildRun> {
  const now = options.now ?? Date.now;
  const parser = new ProgressParser(path.basename(plan.file));
  const log: string[] = [];
  const started = now();
  const args = buildxArgs(plan);
  // The command as the log shows it (as @actions/exec and build-push-action echo theirs); secrets are not in argv.
  options.log(`[command]docker ${args.map(shellQuote).join(' ')}`);
  const result = await options.run('docker', args, {
    env: options.env,
    allowFailure: true,
    onLine: (line, stream) => {
      options.log(line);
      if (stream !== 'stderr') return;
      parser.push(line);
      if (log.length < MAX_LOG_LINES) log.push(line);
    },
  });
  const seconds = (now() - started) / 1000;
  const progress = parser.result();
  if (result.exitCode !== 0) {
    // No build step at all (`#1 ...` is BuildKit's first): buildx itself failed (missing, a flag it does not know).
    if (!log.some((line) => /^#\d+ /.test(line))) {
      const missing = buildxMissing(result.stderr);
      throw new CommandError(
        'docker',
        buildxArgs(plan),
        result.exitCode,
        missing ? `${result.stderr}\n${BUILDX_NEEDED}` : result.stderr,
        result.stdout,
      );
    }
    throw new BuildError(plan.target, progress, log.join('\n'), result.exitCode);
  }
  let metadata: Record<string, unknown> = {};
  if (fs.existsSync(plan.metadataFile)) {
    metadata = JSON.parse(fs.readFileSync(plan.metadataFile, 'utf8')) as Record<string, unknown>;
  }
  return { seconds, progress, metadata };
}
