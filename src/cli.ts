#!/usr/bin/env node
import { readContext } from './context.js';
import { BOOLEAN_INPUTS, INPUT_NAMES, type InputReader } from './inputs.js';
import { createProcessRunner } from './exec.js';
import { errorMessage } from './errors.js';
import { execute, overallFailure, reportStop } from './main.js';
import type { Ui } from './ui.js';
import { inert, withoutControls } from './untrusted.js';
import { StateCleanup } from './state.js';
import { removeLeftovers, removeOnSignal } from './cancel.js';
import { terminalTable } from './report/terminal.js';

const USAGE = `multistage-action: build, test, smoke-test and push multi-stage Dockerfile targets from the command line.

Usage: multistage-action --target <stage> [--<input> <value>]...

Flags are the action's inputs (see action.yml / README), e.g.
  --target production-backend --context examples/fullstack --port 3001
  --build-args "NODE_IMAGE=node:20-alpine"     (repeat a list flag to add entries)
  --test-target test-results --smoke-hardened --push=false
Boolean inputs take no value (--push) or one (--push=false). --verbose shows every command.`;

export interface CliArgs {
  values: Record<string, string>;
  verbose: boolean;
  help: boolean;
}

/** Parse `--name value`, `--name=value` and bare boolean flags; a repeated list flag adds a line. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const names = new Set<string>(INPUT_NAMES);
  const values: Record<string, string> = {};
  let verbose = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--verbose' || arg === '-v') {
      verbose = true;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!m || !names.has(m[1])) {
      throw new Error(
        `unknown argument "${arg}"; the flags are the action's inputs: ${INPUT_NAMES.map((n) => `--${n}`).join(', ')}`,
      );
    }
    const name = m[1];
    let value = m[2];
    if (value === undefined) {
      if (BOOLEAN_INPUTS.has(name) && (i + 1 >= argv.length || argv[i + 1].startsWith('--'))) value = 'true';
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new Error(`--${name} needs a value`);
    }
    values[name] = values[name] !== undefined && !BOOLEAN_INPUTS.has(name) ? `${values[name]}\n${value}` : value;
  }
  return { values, verbose, help };
}

/**
 * Plain lines on a terminal, with control characters (terminal escapes) made visible; inside a workflow's `run:`
 * step (GITHUB_ACTIONS=true) the runner reads this output too, so nothing in it may become a workflow command.
 */
function terminalUi(verbose: boolean, onGitHub: boolean): Ui {
  const write = (stream: NodeJS.WriteStream, text: string): void =>
    void stream.write(`${onGitHub ? inert(text) : withoutControls(text)}\n`);
  return {
    info: (m) => write(process.stdout, m),
    debug: (m) => verbose && write(process.stderr, `debug: ${m}`),
    notice: (m) => write(process.stdout, `notice: ${m}`),
    warning: (m) => write(process.stderr, `warning: ${m}`),
    error: (m, p) =>
      write(process.stderr, `error: ${p?.file ? `${p.file}${p.startLine ? `:${p.startLine}` : ''}: ` : ''}${m}`),
    group: async (name, fn) => {
      const started = Date.now();
      write(process.stdout, `\n==> ${name}`);
      try {
        return await fn();
      } finally {
        write(process.stdout, `<== ${name} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
      }
    },
    secret: () => undefined,
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error: unknown) {
    process.stderr.write(`error: ${errorMessage(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // @actions/tool-cache keeps downloads under these; off a runner they point into the user's own folders.
  const ctx = readContext();
  const ui = terminalUi(args.verbose, ctx.onGitHub);
  process.env.RUNNER_TEMP ??= ctx.runnerTemp;
  process.env.RUNNER_TOOL_CACHE ??= ctx.toolCache;
  // No post step on the command line: the same recorder, kept in memory only, removed before it exits.
  const cleanup = new StateCleanup(() => undefined);
  const runner = createProcessRunner((m) => ui.debug(m), cleanup);
  const run = runner.run;
  const stopListening = removeOnSignal(runner, cleanup, (m) => ui.warning(m));
  const read: InputReader = (name) => args.values[name];
  try {
    const reports = await execute({
      read,
      ctx,
      outputDir: process.cwd(),
      run,
      ui,
      cleanup,
      setOutput: (name, value) => ui.debug(`output ${name}=${value}`),
      writeSummary: async () => undefined,
    });
    ui.info(`\n${terminalTable(reports)}`);
    return overallFailure(reports) ? 1 : 0;
  } catch (error: unknown) {
    ui.error(reportStop(error, ui));
    return 1;
  } finally {
    stopListening();
    await runner.endAll();
    await removeLeftovers(createProcessRunner((m) => ui.debug(m)).run, cleanup);
  }
}

process.exitCode = await main(process.argv.slice(2));
