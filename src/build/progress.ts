/**
 * Reads buildx's plain progress (`#N [stage i/n] RUN ...`, `#N CACHED`, `#N ERROR: ...`) as it streams, for
 * the cache-hit ratio and for naming the stage and Dockerfile line of a failure.
 */
export interface BuildProgress {
  /** Dockerfile steps (not FROM, not internal). */
  steps: number;
  cached: number;
  /** cached / steps, 0 when there were no steps. */
  cacheHitRatio: number;
  /** The step that failed, e.g. "[testing 3/3] RUN npm test". */
  failedStep?: string;
  /** The stage of the failed step. */
  failedStage?: string;
  /** The Dockerfile line buildx pointed at. */
  failedLine?: number;
  /** buildx's final error line. */
  error?: string;
  /** Every Dockerfile step BuildKit ran or found cached (FROM included), in the order it first said them. */
  stepDetails: StepProgress[];
  /** The builder's driver as buildx's first line says it (`#0 building with "default" instance using docker driver`). */
  driver?: string;
}

/** One Dockerfile step as BuildKit's progress told it. */
export interface StepProgress {
  stage: string;
  /** 1-based position in its stage as BuildKit counts (the FROM is 1). */
  index: number;
  /** `RUN npm ci`, `COPY . .`, `FROM node:20`. */
  text: string;
  cached: boolean;
  failed: boolean;
  /** BuildKit's own duration (`#N DONE 1.2s`); 0 when cached or not done. */
  seconds: number;
}

const VERTEX = /^#(\d+) (\[[^\]]+\] .*)$/;
const STEP = /^\[([^\]\s]+) (\d+)\/\d+\] (.*)$/;

export class ProgressParser {
  private readonly names = new Map<string, string>();
  private readonly cachedIds = new Set<string>();
  private driver: string | undefined;
  private readonly durations = new Map<string, number>();
  private failedId?: string;
  private failedLine?: number;
  private error?: string;
  private readonly dockerfileName: string;

  constructor(dockerfileName = 'Dockerfile') {
    this.dockerfileName = dockerfileName;
  }

  push(line: string): void {
    const builder = /^#0 building with "[^"]*" instance using (\S+) driver/.exec(line);
    if (builder) this.driver ??= builder[1];
    const vertex = VERTEX.exec(line);
    if (vertex) {
      if (!this.names.has(vertex[1])) this.names.set(vertex[1], vertex[2]);
      return;
    }
    const cached = /^#(\d+) CACHED\s*$/.exec(line);
    if (cached) {
      this.cachedIds.add(cached[1]);
      return;
    }
    const done = /^#(\d+) DONE (\d+(?:\.\d+)?)s\s*$/.exec(line);
    if (done) {
      this.durations.set(done[1], Number(done[2]));
      return;
    }
    const failed = /^#(\d+) ERROR: /.exec(line);
    if (failed && this.failedId === undefined && this.names.has(failed[1])) {
      this.failedId = failed[1];
      return;
    }
    const where = new RegExp(`^(?:${escapeRegExp(this.dockerfileName)}|Dockerfile[^:\\s]*):(\\d+)\\s*$`).exec(line);
    if (where && this.failedLine === undefined) {
      this.failedLine = Number(where[1]);
      return;
    }
    if (line.startsWith('ERROR: ')) this.error = line.slice('ERROR: '.length);
  }

  result(): BuildProgress {
    let steps = 0;
    let cached = 0;
    const stepDetails: StepProgress[] = [];
    for (const [id, name] of this.names) {
      const step = STEP.exec(name);
      if (!step) continue;
      stepDetails.push({
        stage: step[1],
        index: Number(step[2]),
        text: step[3],
        cached: this.cachedIds.has(id),
        failed: id === this.failedId,
        seconds: this.durations.get(id) ?? 0,
      });
      if (/^FROM /.test(step[3])) continue;
      steps++;
      if (this.cachedIds.has(id)) cached++;
    }
    const failedStep = this.failedId ? this.names.get(this.failedId) : undefined;
    return {
      steps,
      cached,
      cacheHitRatio: steps === 0 ? 0 : cached / steps,
      failedStep,
      failedStage: failedStep ? STEP.exec(failedStep)?.[1] : undefined,
      failedLine: this.failedLine,
      error: this.error,
      stepDetails,
      ...(this.driver ? { driver: this.driver } : {}),
    };
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
