import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { FIXTURE_DB_INPUTS, ROOT, trivyBin } from './servers.js';

export { ROOT };

export const NODE_IMAGE = 'multistage-local/node:20';
export const BUSYBOX_IMAGE = 'multistage-local/busybox:1';
export const EXAMPLE = 'examples/fullstack';
export const EXAMPLE_BUILD_ARGS = `NODE_IMAGE=${NODE_IMAGE}\nSTATIC_IMAGE=${BUSYBOX_IMAGE}`;

export interface ActionRun {
  exitCode: number;
  /** Everything main printed (workflow commands included). */
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  /** The post step; `ran` is false when action.yml's `post-if` kept the runner from starting it. */
  post: { ran: boolean; exitCode: number; stdout: string };
  /** The RUNNER_TEMP of this run. */
  runnerTemp: string;
  /** GITHUB_RUN_ID of this run: the value of the label on its containers. */
  runId: string;
}

/** Read a GITHUB_OUTPUT / GITHUB_STATE file (name<<delimiter ... delimiter). */
export function readCommandFile(file: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]);
    if (m) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== m[2]; i++) body.push(lines[i]);
      values[m[1]] = body.join('\n');
    } else if (lines[i].includes('=')) {
      values[lines[i].slice(0, lines[i].indexOf('='))] = lines[i].slice(lines[i].indexOf('=') + 1);
    }
  }
  return values;
}

/** INPUT_* from action.yml defaults, overridden by the test's inputs, the way the runner sets them. */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) {
    // An expression default (token: ${{ github.token }}) is the runner's to evaluate: tests pass their own value.
    if (spec.default !== undefined && !spec.default.includes('${{')) env[`INPUT_${name.toUpperCase()}`] = spec.default;
  }
  for (const [name, value] of Object.entries(inputs)) {
    if (!(name in action.inputs)) throw new Error(`test uses input "${name}" that action.yml does not declare`);
    env[`INPUT_${name.toUpperCase()}`] = value;
  }
  return env;
}

/**
 * The Node.js that runs the bundle: GitHub runs node24 actions on Node 24, so .ci/run installs one and points
 * MULTISTAGE_ACTION_NODE at it; elsewhere the Node running the tests.
 */
export const ACTION_NODE = process.env.MULTISTAGE_ACTION_NODE || process.execPath;

function spawnNode(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  signalWhen?: { pattern: RegExp; signal: NodeJS.Signals; delayMs?: number },
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(ACTION_NODE, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (signalWhen && !signalled && signalWhen.pattern.test(stdout)) {
        signalled = true;
        setTimeout(() => child.kill(signalWhen.signal), signalWhen.delayMs ?? 0).unref();
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ exitCode: code ?? (signal ? 128 : -1), stdout, stderr }));
  });
}

export type JobStatus = 'success' | 'failure' | 'cancelled';

/**
 * Whether the runner starts the post step: action.yml's `post-if` (default `always()`) evaluated as the runner
 * does, with the status functions answering for the job as main left it. Only the status functions, `!`, `&&`, `||`
 * and parentheses are understood; anything else throws, so a new condition cannot pass here unnoticed.
 */
export function postRuns(status: JobStatus, expression?: string): boolean {
  const condition =
    expression ??
    (
      parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
        runs: { 'post-if'?: string };
      }
    ).runs['post-if'] ??
    'always()';
  const values: Record<string, boolean> = {
    always: true,
    success: status === 'success',
    failure: status === 'failure',
    cancelled: status === 'cancelled',
  };
  const js = condition.replace(/\b(always|success|failure|cancelled)\(\)/g, (_m, name: string) => String(values[name]));
  if (!/^(?:true|false|&&|\|\||!|\(|\)|\s)*$/.test(js)) throw new Error(`post-if not understood: ${condition}`);
  return Boolean(new Function(`return (${js});`)());
}

export interface RunActionOptions {
  inputs: Record<string, string>;
  env?: Record<string, string>;
  /** Skip the post step (to inspect what main left). */
  skipPost?: boolean;
  /** Send main a signal once its output matches, `delayMs` later (a cancelled job). */
  signalWhen?: { pattern: RegExp; signal: NodeJS.Signals; delayMs?: number };
  cwd?: string;
}

/** Run dist/index.js as the runner does: main, then (as `post-if` says) post with the state main saved. */
export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-run-'));
  const files = { GITHUB_OUTPUT: 'output', GITHUB_STATE: 'state', GITHUB_STEP_SUMMARY: 'summary' };
  const fileEnv: Record<string, string> = {};
  for (const [name, file] of Object.entries(files)) {
    fileEnv[name] = path.join(dir, file);
    fs.writeFileSync(fileEnv[name], '');
  }
  const runnerTemp = path.join(dir, 'runner-temp');
  const runId = `${process.pid}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  fs.mkdirSync(runnerTemp);
  const base: NodeJS.ProcessEnv = {
    // The real Trivy first on PATH, as a runner with trivy installed has it (tests that install take it away).
    PATH: `${trivyBin()}:${process.env.PATH}`,
    RUNNER_TOOL_CACHE: path.join(dir, 'tool-cache'),
    // A home of the test run's own, whose ~/.cache/trivy the global setup filled with the fixture DBs (current, so
    // scans share them); a test that needs a first download passes a HOME of its own. Docker's own configuration
    // (the buildx builders) stays where the machine has it.
    HOME: process.env.MSA_TRIVY_HOME ?? process.env.HOME,
    DOCKER_CONFIG: process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker'),
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.cwd ?? ROOT,
    GITHUB_REPOSITORY: 'acme/Shop',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_RUN_ID: runId,
    RUNNER_TEMP: runnerTemp,
    ...fileEnv,
    // The fixture DBs unless the test names other repositories (the public ones are not reachable here).
    ...inputEnv({ ...FIXTURE_DB_INPUTS, ...options.inputs }),
    ...options.env,
  };
  const cwd = options.cwd ?? ROOT;
  const main = await spawnNode([path.join(ROOT, 'dist', 'index.js')], base, cwd, options.signalWhen);
  const state = readCommandFile(fileEnv.GITHUB_STATE);
  // A run told to stop (signalWhen) is a cancelled job, as when someone presses Cancel on GitHub.
  const status: JobStatus = options.signalWhen ? 'cancelled' : main.exitCode === 0 ? 'success' : 'failure';
  let post = { ran: false, exitCode: 0, stdout: '' };
  if (!options.skipPost && postRuns(status)) {
    const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]));
    post = {
      ran: true,
      ...(await spawnNode([path.join(ROOT, 'dist', 'post', 'index.js')], { ...base, ...stateEnv }, cwd)),
    };
  }
  return {
    ...main,
    outputs: readCommandFile(fileEnv.GITHUB_OUTPUT),
    state,
    summary: fs.readFileSync(fileEnv.GITHUB_STEP_SUMMARY, 'utf8'),
    post,
    runnerTemp,
    runId,
  };
}

/** The `trivy image` command lines a run printed (the scan group shows each as `[command]...`), as argv. */
export function trivyScanCommands(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((l) => /^\[command\]\S*trivy image /.test(l))
    .map((l) => l.slice('[command]'.length).split(' '));
}

/** Workflow-command annotations of one kind (`error`, `warning`, `notice`) that a run printed. */
export function annotations(stdout: string, kind: 'error' | 'warning' | 'notice'): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith(`::${kind}`))
    .map((l) =>
      l
        .slice(l.indexOf('::', 2) + 2)
        .replace(/%0A/g, '\n')
        .replace(/%25/g, '%'),
    );
}

/** Containers a run of the action started that still exist. */
export function leftoverContainers(runId: string): string[] {
  const out = execFileSync(
    'docker',
    ['ps', '-a', '--filter', `label=com.github.multistage-action=${runId}`, '--format', '{{.Names}}'],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean);
}

export function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A process seen running: its pid, its argv, and when it was first and last seen (epoch ms). */
export interface SeenProcess {
  pid: number;
  argv: string[];
  first: number;
  last: number;
}

/**
 * Watch /proc every 25 ms for processes whose environment holds `MSA_TEST_MARKER=<marker>` and whose program is
 * `name` (e.g. the real trivy a run started): when each ran, as far as a poll can tell. `stop()` returns them in
 * the order they started.
 */
export function watchProcesses(marker: string, name: string): { stop: () => SeenProcess[] } {
  const seen = new Map<number, SeenProcess>();
  const poll = () => {
    const now = Date.now();
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      try {
        const known = seen.get(pid);
        if (known) {
          known.last = now;
          continue;
        }
        const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
        if (path.basename(argv[0] ?? '') !== name) continue;
        if (!fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`MSA_TEST_MARKER=${marker}`))
          continue;
        seen.set(pid, { pid, argv, first: now, last: now });
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
  };
  const timer = setInterval(poll, 25);
  return {
    stop: () => {
      clearInterval(timer);
      return [...seen.values()].sort((a, b) => a.first - b.first);
    },
  };
}
