import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Runner } from '../exec.js';
import { CommandError } from '../errors.js';
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
}

/** Run one buildx build, streaming its progress into the log, and read its metadata. */
export async function runBuild(plan: BuildPlan, options: BuildOptions): Promise<BuildRun> {
  const now = options.now ?? Date.now;
  const parser = new ProgressParser(path.basename(plan.file));
  const log: string[] = [];
  const started = now();
  const result = await options.run('docker', buildxArgs(plan), {
    env: options.env,
    stream: true,
    allowFailure: true,
    onStderrLine: (line) => {
      parser.push(line);
      log.push(line);
    },
  });
  const seconds = (now() - started) / 1000;
  const progress = parser.result();
  if (result.exitCode !== 0) {
    if (log.length === 0)
      throw new CommandError('docker', buildxArgs(plan), result.exitCode, result.stderr, result.stdout);
    throw new BuildError(plan.target, progress, log.join('\n'), result.exitCode);
  }
  let metadata: Record<string, unknown> = {};
  if (fs.existsSync(plan.metadataFile)) {
    metadata = JSON.parse(fs.readFileSync(plan.metadataFile, 'utf8')) as Record<string, unknown>;
  }
  return { seconds, progress, metadata };
}
