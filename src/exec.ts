import * as exec from '@actions/exec';
import * as core from '@actions/core';
import { CommandError } from './errors.js';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  /** Extra environment for the child, on top of the action's own. Secret values travel here, never in argv. */
  env?: Record<string, string>;
  input?: string | Buffer;
  /** Echo the child's output into the log as it arrives (a build's progress). Default: keep it quiet. */
  stream?: boolean;
  /** Return the result instead of throwing when the exit code is non-zero. */
  allowFailure?: boolean;
  /** Called with each complete line of stderr (buildx writes its progress there). */
  onStderrLine?: (line: string) => void;
}

/**
 * The one seam through which every external program runs: an argv array, never a shell string. Throws a
 * CommandError carrying the command, exit code and stderr tail on a non-zero exit unless `allowFailure`.
 */
export type Runner = (command: string, args: readonly string[], options?: RunOptions) => Promise<CommandResult>;

/** A runner that reports each argv to `debug` (the step's debug log on GitHub, --verbose on the command line). */
export const createRunner =
  (debug: (message: string) => void): Runner =>
  async (command, args, options = {}) => {
    debug(`exec: ${JSON.stringify([command, ...args])}`);
    let pending = '';
    const onStderr = options.onStderrLine;
    // Always the action's own environment (as it is now), plus what the caller adds.
    const env = { ...(process.env as Record<string, string>), ...options.env };
    let result: exec.ExecOutput;
    try {
      result = await exec.getExecOutput(command, [...args], {
        cwd: options.cwd,
        env,
        input: options.input === undefined ? undefined : Buffer.from(options.input),
        silent: !options.stream,
        ignoreReturnCode: true,
        listeners: onStderr
          ? {
              stderr: (data: Buffer) => {
                pending += data.toString();
                const lines = pending.split('\n');
                pending = lines.pop() ?? '';
                for (const line of lines) onStderr(line);
              },
            }
          : undefined,
      });
    } catch (error: unknown) {
      // The program could not be started at all (not installed, not executable).
      throw new CommandError(command, args, 127, error instanceof Error ? error.message : String(error));
    }
    if (onStderr && pending) onStderr(pending);
    if (result.exitCode !== 0 && !options.allowFailure) {
      throw new CommandError(command, args, result.exitCode, result.stderr, result.stdout);
    }
    return result;
  };

export const runCommand: Runner = createRunner((message) => core.debug(message));
