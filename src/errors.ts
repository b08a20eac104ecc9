/**
 * A user's mistake in the action's inputs, or in the environment the step runs in: the message names the input (or
 * the environment variable) and what would be valid.
 */
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

/** An external command that exited non-zero (or could not start). Carries what a user needs to see. */
export class CommandError extends Error {
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
    super(`${describeCommand(command, args)} failed with exit code ${exitCode}${tail ? `:\n${tail}` : ''}`, options);
  }
}

/** A phase gate that did not pass (tests failed, smoke failed, vulnerabilities over the threshold). */
export class GateError extends Error {
  override readonly name = 'GateError';
  constructor(
    readonly gate: 'build' | 'test' | 'smoke' | 'scan' | 'upload' | 'push',
    message: string,
    /** What the gate found (a test report, a smoke result), for the summary. */
    readonly details?: unknown,
  ) {
    super(message);
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

/** A promise that never rejects: its value or its error, for work that runs while something else is awaited. */
export async function settled<T>(work: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  try {
    return { value: await work };
  } catch (error: unknown) {
    return { error };
  }
}
