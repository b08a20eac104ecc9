import * as fs from 'node:fs';
import type { CommandResult, RunOptions, Runner } from '../../src/exec.js';
import { CommandError } from '../../src/errors.js';

/**
 * A runner that answers only the calls a test planned, as the real tools answer them (captured from docker 28.5,
 * buildx 0.29, and Trivy's golden reports recorded by its own tests); any other call throws, so a test cannot pass on a call it did not expect (the
 * pattern of codeql-action's createStubCodeQL). Every call is recorded in order.
 */
export interface Call {
  command: string;
  args: string[];
  options: RunOptions;
}

export type Reply = (call: Call) => Partial<CommandResult> | Promise<Partial<CommandResult>>;

interface Plan {
  name: string;
  matches: (call: Call) => boolean;
  reply: Reply;
}

export class UnplannedCallError extends Error {
  override readonly name = 'UnplannedCallError';
}

export class StubRunner {
  readonly calls: Call[] = [];
  private readonly plans: Plan[] = [];

  /** Answer calls matching `matches` (the last plan that matches wins, so a test can override a default). */
  on(name: string, matches: (call: Call) => boolean, reply: Reply): this {
    this.plans.push({ name, matches, reply });
    return this;
  }

  readonly run: Runner = async (command, args, options = {}) => {
    const call: Call = { command, args: [...args], options };
    this.calls.push(call);
    const plan = [...this.plans].reverse().find((p) => p.matches(call));
    if (!plan) throw new UnplannedCallError(`unplanned call: ${command} ${args.join(' ')}`);
    const answer = await plan.reply(call);
    const result: CommandResult = { exitCode: 0, stdout: '', stderr: '', ...answer };
    for (const line of result.stderr.split('\n').filter(Boolean)) options.onLine?.(line, 'stderr');
    if (result.exitCode !== 0 && !options.allowFailure) {
      throw new CommandError(command, args, result.exitCode, result.stderr, result.stdout);
    }
    return result;
  };

  /** The calls whose argv starts with these words, e.g. named('docker', 'push'). */
  named(command: string, ...words: string[]): Call[] {
    return this.calls.filter((c) => c.command === command && words.every((w, i) => c.args[i] === w));
  }
}

export const isDocker =
  (...words: string[]) =>
  (call: Call): boolean =>
    call.command === 'docker' && words.every((w, i) => call.args[i] === w);

/** The value after a flag in an argv. */
export function flag(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

/**
 * A `docker buildx build` that succeeds as buildx does: its plain progress on stderr, the metadata file written,
 * the local export written when asked for.
 */
export function buildSucceeds(options: { digest?: string; export?: Record<string, string> } = {}): Reply {
  return (call) => {
    const target = flag(call.args, '--target') ?? 'x';
    const metadata = flag(call.args, '--metadata-file');
    if (metadata) {
      fs.writeFileSync(
        metadata,
        JSON.stringify({ 'containerimage.digest': options.digest ?? `sha256:${'d'.repeat(64)}` }),
      );
    }
    const output = flag(call.args, '--output');
    const dest = output ? /dest=(.*)$/.exec(output)?.[1] : undefined;
    if (dest) {
      fs.mkdirSync(dest, { recursive: true });
      for (const [name, content] of Object.entries(options.export ?? {})) fs.writeFileSync(`${dest}/${name}`, content);
    }
    return {
      stderr: [
        '#1 [internal] load build definition from Dockerfile',
        `#4 [${target} 1/2] FROM docker.io/library/busybox:1`,
        `#5 [${target} 2/2] RUN make`,
        '#5 CACHED',
        '#6 exporting to image',
        '#6 DONE 0.1s',
      ].join('\n'),
    };
  };
}

/** A `docker buildx build` whose RUN step fails, as buildx reports it. */
export function buildFails(line = 7): Reply {
  return (call) => {
    const target = flag(call.args, '--target') ?? 'x';
    return {
      exitCode: 1,
      stderr: [
        `#5 [${target} 2/2] RUN make`,
        '#5 0.2 make: *** No rule to make target',
        '#5 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2',
        '------',
        `Dockerfile:${line}`,
        '--------------------',
        'ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2',
      ].join('\n'),
    };
  };
}

/** `docker image inspect --format '{{json .}}'` of an image. */
export function imageInspect(id: string, ports: number[] = [8080]): Reply {
  return () => ({
    stdout: JSON.stringify({
      Id: id,
      Size: 1234567,
      Config: { ExposedPorts: Object.fromEntries(ports.map((p) => [`${p}/tcp`, {}])) },
    }),
  });
}

/** `docker container inspect --format '{{json .State}}'`. */
export function containerState(state: Record<string, unknown>): Reply {
  return () => ({
    stdout: JSON.stringify({ Status: 'running', Running: true, Restarting: false, ExitCode: 0, ...state }),
  });
}
