import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { CommandError } from './errors.js';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Ended by the runner because it ran past `timeoutMs`. */
  timedOut?: boolean;
}

export interface RunOptions {
  cwd?: string;
  /** Extra environment for the child, on top of the action's own. Secret values travel here, never in argv. */
  env?: Record<string, string>;
  /** The child's stdin: text, bytes, or a stream (piped, with back-pressure; a stream that fails fails the run). */
  input?: string | Buffer | Readable;
  /** Return the result instead of throwing when the exit code is non-zero. */
  allowFailure?: boolean;
  /**
   * Called with each line of the child's output as it arrives (split at "\n"; a "\r" stays inside the line, and a
   * line longer than MAX_LINE_CHARS comes in pieces). The text is the child's: print it only as untrusted text.
   */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** End the child's process group after this long (the result says `timedOut`). */
  timeoutMs?: number;
  /**
   * Stream the child's stdout into this writable (with back-pressure) instead of keeping it: output too big to hold,
   * such as an image archive. The run ends when the writable has finished; a writable that fails ends the child and
   * fails the run.
   */
  output?: Writable;
}

/**
 * The one seam through which every external program runs: an argv array, never a shell string. Throws a
 * CommandError carrying the command, exit code and stderr tail on a non-zero exit unless `allowFailure`.
 */
export type Runner = (command: string, args: readonly string[], options?: RunOptions) => Promise<CommandResult>;

/** A process the action started, as the post step needs it to end the right one (pids are reused). */
export interface ProcessRecord {
  pid: number;
  /** Its start time in clock ticks since boot (/proc/<pid>/stat field 22); undefined where there is no /proc. */
  start?: number;
}

/** Told when a child starts and ends, so a cancelled or killed main leaves the post step a list to end. */
export interface ProcessRecorder {
  addProcess(process: ProcessRecord): void;
  removeProcess(pid: number): void;
}

/** What the runner keeps of one stream: at most this much from the start, and the end of what follows. */
export const MAX_CAPTURE_BYTES = 32 * 1024 * 1024;
const TAIL_BYTES = 64 * 1024;
/** A line with no newline in sight is handed on in pieces of this size, so no child can make one line huge. */
export const MAX_LINE_CHARS = 64 * 1024;
/** After SIGTERM, a process group gets this long before SIGKILL. */
export const KILL_GRACE_MS = 2000;

/**
 * Start time of a live process from /proc (Linux); undefined when it cannot be read or the process has ended (a
 * zombie waiting for a parent that may never reap it counts as ended).
 */
export function processStart(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    const start = Number(fields[19]);
    return Number.isSafeInteger(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

/** The process is still the one recorded: alive, and (where /proc tells) started when it was recorded. */
export function isSameProcess(record: ProcessRecord): boolean {
  try {
    process.kill(record.pid, 0);
  } catch {
    return false;
  }
  if (record.start === undefined) return false;
  return processStart(record.pid) === record.start;
}

function alive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** End a process group: SIGTERM, then SIGKILL after the grace period if anything of it is still there. */
export async function endProcessGroup(pid: number, graceMs = KILL_GRACE_MS): Promise<void> {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && alive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone
  }
}

/** How much of a child's output the runner keeps (the defaults above; tests use small ones). */
export interface CaptureLimits {
  maxCaptureBytes: number;
  tailBytes: number;
  maxLineChars: number;
}

export const CAPTURE_LIMITS: CaptureLimits = {
  maxCaptureBytes: MAX_CAPTURE_BYTES,
  tailBytes: TAIL_BYTES,
  maxLineChars: MAX_LINE_CHARS,
};

class Capture {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer = Buffer.alloc(0);
  private dropped = 0;

  constructor(private readonly limits: CaptureLimits) {}

  push(chunk: Buffer): void {
    if (this.headBytes < this.limits.maxCaptureBytes) {
      const room = this.limits.maxCaptureBytes - this.headBytes;
      this.head.push(chunk.subarray(0, room));
      this.headBytes += Math.min(room, chunk.length);
      chunk = chunk.subarray(room);
      if (chunk.length === 0) return;
    }
    const joined = Buffer.concat([this.tail, chunk]);
    this.dropped += Math.max(0, joined.length - this.limits.tailBytes);
    this.tail = joined.subarray(Math.max(0, joined.length - this.limits.tailBytes));
  }

  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    if (this.tail.length === 0) return head;
    const gap = this.dropped > 0 ? `\n[... ${this.dropped} bytes left out ...]\n` : '';
    return `${head}${gap}${this.tail.toString('utf8')}`;
  }
}

class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(
    private readonly emit: (line: string) => void,
    private readonly maxLineChars: number,
  ) {}

  push(chunk: Buffer): void {
    this.pending += this.decoder.write(chunk);
    let newline: number;
    while ((newline = this.pending.indexOf('\n')) >= 0) {
      this.emit(this.pending.slice(0, newline));
      this.pending = this.pending.slice(newline + 1);
    }
    while (this.pending.length > this.maxLineChars) {
      this.emit(this.pending.slice(0, this.maxLineChars));
      this.pending = this.pending.slice(this.maxLineChars);
    }
  }

  end(): void {
    this.pending += this.decoder.end();
    if (this.pending) this.emit(this.pending);
    this.pending = '';
  }
}

export interface ProcessRunner {
  run: Runner;
  /**
   * Start nothing more (a later `run` fails at once) and end every child still running, each in its own process
   * group so its own children go too. For a cancelled run: cleanup that follows uses a runner of its own.
   */
  endAll(graceMs?: number): Promise<void>;
}

/** The run was cancelled: no new process is started. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
}

/**
 * The runner: each child in a process group of its own (so ending it ends what it started too), its pid recorded
 * while it runs, its output kept within bounds. `debug` gets each argv.
 */
export function createProcessRunner(
  debug: (message: string) => void,
  recorder?: ProcessRecorder,
  limits: CaptureLimits = CAPTURE_LIMITS,
): ProcessRunner {
  const running = new Set<number>();
  let stopped = false;
  const run: Runner = (command, args, options = {}) =>
    new Promise((resolve, reject) => {
      if (stopped) {
        reject(new CancelledError(`not started, the run is being cancelled: ${command} ${args.slice(0, 2).join(' ')}`));
        return;
      }
      debug(`exec: ${JSON.stringify([command, ...args])}`);
      const child = spawn(command, [...args], {
        cwd: options.cwd,
        // Always the action's own environment (as it is now), plus what the caller adds.
        env: { ...process.env, ...options.env },
        stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        detached: true,
        shell: false,
        windowsHide: true,
      });
      const pid = child.pid;
      if (pid !== undefined) {
        running.add(pid);
        recorder?.addProcess({ pid, start: processStart(pid) });
      }
      const out = new Capture(limits);
      const err = new Capture(limits);
      const onLine = options.onLine;
      const outLines = onLine ? new LineSplitter((line) => onLine(line, 'stdout'), limits.maxLineChars) : undefined;
      const errLines = onLine ? new LineSplitter((line) => onLine(line, 'stderr'), limits.maxLineChars) : undefined;
      let outputFailed: Error | undefined;
      const output = options.output;
      const outputDone = output
        ? finished(output).catch((error: unknown) => {
            outputFailed = error instanceof Error ? error : new Error(String(error));
            child.stdout?.unpipe(output);
            child.stdout?.resume();
            if (pid !== undefined) void endProcessGroup(pid, 500);
          })
        : Promise.resolve();
      if (output && child.stdout) child.stdout.pipe(output);
      else
        child.stdout?.on('data', (chunk: Buffer) => {
          out.push(chunk);
          outLines?.push(chunk);
        });
      child.stderr?.on('data', (chunk: Buffer) => {
        err.push(chunk);
        errLines?.push(chunk);
      });
      let inputFailed: Error | undefined;
      if (options.input !== undefined && child.stdin) {
        child.stdin.on('error', () => undefined);
        const input = options.input;
        if (input instanceof Readable) {
          input.on('error', (error: Error) => {
            inputFailed = error;
            child.stdin?.destroy();
          });
          input.pipe(child.stdin);
        } else {
          child.stdin.end(input);
        }
      }
      let failedToStart: Error | undefined;
      child.on('error', (error) => {
        failedToStart = error;
      });
      let timedOut = false;
      const timer =
        options.timeoutMs !== undefined && pid !== undefined
          ? setTimeout(() => {
              timedOut = true;
              void endProcessGroup(pid, 500);
            }, options.timeoutMs)
          : undefined;
      child.on('close', (code, signal) => void outputDone.then(() => closed(code, signal)));
      const closed = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (timer) clearTimeout(timer);
        if (pid !== undefined) {
          running.delete(pid);
          recorder?.removeProcess(pid);
        }
        outLines?.end();
        errLines?.end();
        if (failedToStart) {
          // The program could not be started at all (not installed, not executable).
          reject(new CommandError(command, args, 127, failedToStart.message, '', { cause: failedToStart }));
          return;
        }
        if (outputFailed) {
          const message = `its output could not be read: ${outputFailed.message}`;
          reject(new CommandError(command, args, code ?? 1, `${err.text()}\n${message}`, '', { cause: outputFailed }));
          return;
        }
        if (inputFailed) {
          const message = `its input could not be written: ${inputFailed.message}`;
          reject(
            new CommandError(command, args, code ?? 1, `${err.text()}\n${message}`, out.text(), { cause: inputFailed }),
          );
          return;
        }
        const result: CommandResult = {
          exitCode: code ?? 128 + signalNumber(signal),
          stdout: out.text(),
          stderr: err.text(),
          ...(timedOut ? { timedOut } : {}),
        };
        if (result.exitCode !== 0 && !options.allowFailure) {
          reject(new CommandError(command, args, result.exitCode, result.stderr, result.stdout));
          return;
        }
        resolve(result);
      };
    });
  return {
    run,
    endAll: async (graceMs) => {
      stopped = true;
      await Promise.all([...running].map((pid) => endProcessGroup(pid, graceMs)));
    },
  };
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return (signal && numbers[signal]) || 1;
}
