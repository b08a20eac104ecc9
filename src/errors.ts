import { PHASE_NAMES, type Phase } from './phases.js';

/**
 * Four kinds of failure, told apart where they are caught and named in what the user reads:
 * - a user's mistake (`ConfigurationError`): names the input or environment variable and what would be valid;
 * - a gate that did not pass (`GateFailure`): the image did not build, tests failed, the service was not healthy,
 *   findings at fail-on, a tag that no longer names the tested image; the evidence is in the phase's report;
 * - a tool that failed (`ToolError`): docker, buildx, trivy, the GitHub API, a registry; names the tool and what it said;
 * - a bug of the action: anything else, reported as such with its stack in the log.
 * Wrapping keeps `{ cause }`; no kind is ever turned into another.
 */
export type FailureKind = 'configuration' | 'gate' | 'tool' | 'bug';

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(
    readonly input: string,
    detail: string,
    readonly source: 'input' | 'environment' = 'input',
  ) {
    super(`${source === 'input' ? 'Input' : 'Environment variable'} "${input}": ${detail}`);
  }
}

export class GateFailure extends Error {
  override readonly name = 'GateFailure';
  constructor(
    readonly gate: Phase,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class ToolError extends Error {
  override readonly name: string = 'ToolError';
  constructor(
    /** The program or service: docker, trivy, the GitHub API. */
    readonly tool: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An external command that exited non-zero (or could not start). Carries what a user needs to see. */
export class CommandError extends ToolError {
  override readonly name = 'CommandError';
  constructor(
    readonly command: string,
    readonly args: readonly string[],
    readonly exitCode: number,
    readonly stderr: string,
    readonly stdout: string = '',
    options?: { cause?: unknown },
  ) {
    const tail = lastLines(stderr || stdout, 15);
    super(
      command.split('/').at(-1) ?? command,
      `${describeCommand(command, args)} failed with exit code ${exitCode}${tail ? `:\n${tail}` : ''}`,
      options,
    );
  }
}

/** `docker buildx build` and the like: the program and its subcommands, never argument values. */
export function describeCommand(command: string, args: readonly string[]): string {
  const words = [command];
  for (const arg of args) {
    if (arg.startsWith('-') || words.length >= 3) break;
    words.push(arg);
  }
  return words.join(' ');
}

/** The last lines of a text, each cut to 1,000 characters: a tool's output can hold lines of any length. */
export function lastLines(text: string, count: number): string {
  return text
    .trimEnd()
    .split('\n')
    .slice(-count)
    .map((line) => (line.length > 1000 ? `${line.slice(0, 1000)}…` : line))
    .join('\n');
}

/** A message for anything thrown, Error or not. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

export function failureKind(error: unknown): FailureKind {
  if (error instanceof ConfigurationError) return 'configuration';
  if (error instanceof GateFailure) return 'gate';
  if (error instanceof ToolError) return 'tool';
  return 'bug';
}

/** How a target stopped: which kind of failure, in which phase, and the sentence the user reads. */
export interface Failure {
  kind: FailureKind;
  phase: Phase;
  message: string;
}

export const BUG_REPORT_HINT =
  'this is not your image or your inputs: please report it to multistage-action with the stack printed in the log';

/** The sentence for a failure: it names its kind, the phase and the target, then what broke. */
export function failureMessage(kind: FailureKind, phase: Phase, target: string, detail: string): string {
  const where = `the ${PHASE_NAMES[phase]} of ${target}`;
  switch (kind) {
    case 'configuration':
      return detail;
    case 'gate':
      return `${capitalize(where)} did not pass: ${detail}`;
    case 'tool':
      return `A tool failed in ${where}: ${detail}`;
    case 'bug':
      return `Bug in multistage-action in ${where}: ${detail} (${BUG_REPORT_HINT})`;
  }
}

/** A failure from what was thrown: a non-Error or an unknown class is a bug, with its name kept. */
export function failureFrom(error: unknown, phase: Phase, target: string): Failure {
  const kind = failureKind(error);
  const detail = kind === 'bug' && error instanceof Error ? `${error.name}: ${error.message}` : errorMessage(error);
  return {
    kind,
    phase: error instanceof GateFailure ? error.gate : phase,
    message: failureMessage(kind, error instanceof GateFailure ? error.gate : phase, target, detail),
  };
}

function capitalize(text: string): string {
  return `${text[0].toUpperCase()}${text.slice(1)}`;
}

/** A promise that never rejects: its value or its error, for work that runs while something else is awaited. */
export async function settled<T>(work: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  try {
    return { value: await work };
  } catch (error: unknown) {
    return { error };
  }
}
