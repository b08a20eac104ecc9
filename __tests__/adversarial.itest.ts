import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  annotations,
  BUSYBOX_IMAGE,
  leftoverContainers,
  NODE_IMAGE,
  ROOT,
  runAction,
  type ActionRun,
  trivyScanCommands,
  type RunActionOptions,
} from './helpers/action.js';
import { FakeCacheService } from './helpers/servers.js';
import { maskedLog, runnerCommands, unintendedCommands } from './helpers/workflow-commands.js';
import { outsideCode } from './helpers/markdown.js';

/**
 * The adversarial suite: an image under test (its test stage's export, its build log, its container's logs and
 * HEALTHCHECK, its packages as Trivy reports them) and the inputs (mistakes waiting to happen) attack the runner.
 * Each case runs the bundle as the runner does and checks what a user sees and the exit code; and, for every case,
 * that a canary file on the runner was never read, that the raw output holds no workflow command the action did
 * not mean to write, and that nothing is left: containers, temp folders, child processes.
 */

const HOSTILE = '__tests__/fixtures/hostile';
const SERVICES = '__tests__/fixtures/services';

interface Canary {
  dir: string;
  file: string;
  content: string;
  atimeMs: number;
}
let canary: Canary;

beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-canary-'));
  const file = path.join(dir, 'secret.txt');
  const content = `CANARY-${randomBytes(12).toString('hex')}`;
  fs.writeFileSync(file, `${content}\n`);
  // An access time in the past: any read of the file moves it (relatime updates an atime older than a day).
  const past = new Date('2001-01-01T00:00:00Z');
  fs.utimesSync(file, past, fs.statSync(file).mtime);
  canary = { dir, file, content, atimeMs: fs.statSync(file).atimeMs };
});

afterAll(() => {
  fs.rmSync(canary.dir, { recursive: true, force: true });
});

interface Attack {
  run: ActionRun;
  marker: string;
}

async function attack(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  options: Omit<RunActionOptions, 'inputs' | 'env'> = {},
): Promise<Attack> {
  const marker = `msa-adv-${randomBytes(8).toString('hex')}`;
  const run = await runAction({
    inputs: {
      context: HOSTILE,
      image: 'msa-test/hostile',
      'build-args': [
        `BUSYBOX_IMAGE=${BUSYBOX_IMAGE}`,
        `NODE_IMAGE=${NODE_IMAGE}`,
        `CANARY=${canary.file}`,
        `CANARY_DIR=${canary.dir}`,
      ].join('\n'),
      'upload-sarif': 'false',
      scan: 'false',
      ...inputs,
    },
    env: { MSA_TEST_MARKER: marker, ...env },
    ...options,
  });
  return { run, marker };
}

/** Processes still running that the run started (they inherit its marker). */
function processesWith(marker: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`MSA_TEST_MARKER=${marker}`)) {
        found.push(`${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`);
      }
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** What is left of the run's own folder in RUNNER_TEMP: only what the outputs point to may stay. */
function leftInTemp(run: ActionRun): string[] {
  const left: string[] = [];
  for (const dir of fs.readdirSync(run.runnerTemp).filter((d) => d.startsWith('multistage-'))) {
    for (const entry of fs.readdirSync(path.join(run.runnerTemp, dir))) {
      if (entry !== 'test-results' && !/^trivy-.*\.sarif$/.test(entry)) left.push(`${dir}/${entry}`);
    }
  }
  return left;
}

/** Every entry of a folder that is not a regular file or a folder (a copy of an export must hold none). */
function irregular(dir: string): string[] {
  if (!dir || !fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((entry) => {
    const stat = fs.lstatSync(path.join(dir, entry));
    return !stat.isFile() && !stat.isDirectory();
  });
}

/** The checks every case makes, whatever it attacks. */
function expectNoHarm({ run, marker }: Attack): void {
  expect(unintendedCommands(run.stdout, run.stderr)).toEqual([]);
  expect(unintendedCommands(run.post.stdout)).toEqual([]);
  // Rendered as GitHub renders it, nothing of the attacks is markup: it all sits in code spans and blocks.
  const markup = outsideCode(run.summary);
  for (const bad of ['PWNED', '<img', '<script', 'onerror', 'evil.example', 'javascript:', '<h1'])
    expect(markup).not.toContain(bad);
  const everything = [run.stdout, run.stderr, run.summary, JSON.stringify(run.outputs), run.post.stdout].join('\n');
  expect(everything).not.toContain(canary.content);
  expect(fs.statSync(canary.file).atimeMs).toBe(canary.atimeMs);
  expect(leftoverContainers(run.runId)).toEqual([]);
  expect(processesWith(marker)).toEqual([]);
  expect(leftInTemp(run)).toEqual([]);
  expect(irregular(run.outputs['test-results-path'])).toEqual([]);
}

function errors(run: ActionRun): string {
  return annotations(run.stdout, 'error').join('\n');
}

function notices(run: ActionRun): string {
  return annotations(run.stdout, 'notice').join('\n');
}

/** The run did no work: refused before any build (no buildx command, no temp folder left or made). */
function expectRefusedBeforeWork(a: Attack, message: string): void {
  expect(a.run.exitCode).toBe(1);
  expect(errors(a.run)).toContain(message);
  expect(a.run.stdout).not.toContain('[command]docker buildx');
  expect(fs.readdirSync(a.run.runnerTemp).filter((d) => d.startsWith('multistage-'))).toEqual([]);
  expectNoHarm(a);
}

describe('1. what a test stage exports: never followed, never blocking, within limits', () => {
  test('links to /etc/passwd, to the canary, to / and to a folder outside are left unread and named once', async () => {
    const a = await attack({ target: 'tools', 'test-target': 'results-links' });
    expect(a.run.exitCode).toBe(0);
    expect(JSON.parse(a.run.outputs.tests)).toEqual({ total: 1, passed: 1, failed: 0, skipped: 0 });
    const notice = notices(a.run);
    expect(notice).toContain('The test stage "results-links" exported 6 entries that are not regular files');
    for (const name of ['canary.xml', 'exit-code', 'linkdir', 'passwd.xml', 'root', 'sub/deep.xml'])
      expect(notice).toContain(`${name} (symbolic link)`);
    expect(fs.readdirSync(a.run.outputs['test-results-path'], { recursive: true }).sort()).toEqual(['ok.xml']);
    expect(a.run.stdout).not.toContain('root:x:0:0');
    expectNoHarm(a);
  });

  test('the same export copied into test-results-path in the workspace: regular files only', async () => {
    const dest = path.join('build', `adv-results-${process.pid}-${Date.now()}`);
    const a = await attack({ target: 'tools', 'test-target': 'results-links', 'test-results-path': dest });
    expect(a.run.exitCode).toBe(0);
    expect(a.run.outputs['test-results-path']).toBe(path.resolve(ROOT, dest));
    expect(fs.readdirSync(path.resolve(ROOT, dest), { recursive: true }).sort()).toEqual(['ok.xml']);
    expectNoHarm(a);
    fs.rmSync(path.resolve(ROOT, dest), { recursive: true, force: true });
  });

  test('a FIFO named report.xml (and one named exit-code) does not hang the action', async () => {
    const a = await attack({ target: 'tools', 'test-target': 'results-fifo' });
    expect(a.run.exitCode).toBe(0);
    expect(notices(a.run)).toContain('exit-code (FIFO), report.xml (FIFO)');
    expectNoHarm(a);
  });

  test('device nodes (/dev/null, /dev/zero, /dev/random, a loop disk) exported as .xml are never opened', async () => {
    const a = await attack({ target: 'tools', 'test-target': 'results-devices' });
    expect(a.run.exitCode).toBe(0);
    const notice = notices(a.run);
    for (const name of ['null.xml', 'random.xml', 'zero.xml']) expect(notice).toContain(`${name} (character device)`);
    expect(notice).toMatch(/disk\.xml \((block|character) device\)/);
    expectNoHarm(a);
  });

  test('an export nested deeper than 64 folders is refused, naming the limit', async () => {
    const a = await attack({ target: 'tools', 'test-target': 'results-deep' });
    expect(a.run.exitCode).toBe(1);
    expect(errors(a.run)).toContain('The export of test stage "results-deep" was not read:');
    expect(errors(a.run)).toContain('is nested deeper than 64 folders (the limit)');
    expectNoHarm(a);
  });

  test('an export of more than 100,000 entries is refused, naming the limit', async () => {
    const a = await attack({ target: 'tools', 'test-target': 'results-many' });
    expect(a.run.exitCode).toBe(1);
    expect(errors(a.run)).toContain('it holds more than 100000 entries (the limit)');
    expectNoHarm(a);
  });

  test('a JUnit report with 1,000,000 test cases is counted', async () => {
    const a = await attack({ target: 'tools', 'test-target': 'results-million' });
    expect(a.run.exitCode).toBe(1);
    expect(JSON.parse(a.run.outputs.tests)).toEqual({ total: 1_000_000, passed: 999_990, failed: 10, skipped: 0 });
    expect(errors(a.run)).toContain('10 of 1000000 tests failed');
    expect(errors(a.run)).not.toContain('Maximum call stack size exceeded');
    expectNoHarm(a);
  });

  test('a valid JUnit report of 200 MB is counted', async () => {
    const a = await attack({ target: 'tools', 'test-target': 'results-200mb' });
    expect(a.run.exitCode).toBe(0);
    expect(JSON.parse(a.run.outputs.tests)).toEqual({ total: 2_000_000, passed: 2_000_000, failed: 0, skipped: 0 });
    const size = fs.statSync(path.join(a.run.outputs['test-results-path'], 'big.xml')).size;
    expect(size).toBeGreaterThan(200 * 1000 * 1000);
    expectNoHarm(a);
  });

  test('entity bombs and external entities are refused as not well-formed, naming the file', async () => {
    const a = await attack({ target: 'tools', 'test-target': 'results-entities' });
    expect(a.run.exitCode).toBe(1);
    expect(errors(a.run)).toContain('Test results of "results-entities": billion-laughs.xml is not well-formed XML');
    expect(a.run.stdout).not.toContain('root:x:0:0');
    expectNoHarm(a);
  });
});

describe('2. untrusted text never becomes a workflow command, an annotation or markup', () => {
  test('test names and messages full of commands, markdown and HTML', async () => {
    const a = await attack({ target: 'tools', 'test-target': 'results-names' });
    expect(a.run.exitCode).toBe(1);
    expect(JSON.parse(a.run.outputs.tests)).toEqual({ total: 4, passed: 2, failed: 2, skipped: 0 });
    // The annotation carries the name, escaped as @actions/core escapes it: one command, not three.
    const testAnnotations = runnerCommands(a.run.stdout).filter(
      (c) => c.command === 'error' && c.properties.title?.startsWith('Test failed:'),
    );
    expect(testAnnotations).toHaveLength(2);
    expect(testAnnotations[0].properties.title).toContain('::error title=PWNED::test name\r::warning::PWNED after CR');
    // The summary shows the names as code (expectNoHarm renders it and finds no markup of theirs).
    expect(a.run.summary).toContain('<details open><summary>Failed tests (2)</summary>');
    expect(a.run.summary).toContain(
      '| ````md › ``` ⏎ </details><img src=x onerror=alert(1)>[click](https://evil.example/PWNED)```` |',
    );
    expectNoHarm(a);
  });

  test('failed test names read from a build log', async () => {
    const a = await attack({ target: 'tools', 'test-target': 'results-naive' });
    expect(a.run.exitCode).toBe(1);
    expect(errors(a.run)).toContain('Test stage "results-naive" failed to build');
    expect(errors(a.run)).toContain('::error title=PWNED::from the build log');
    expectNoHarm(a);
  });

  test('a build log that prints commands, also after a carriage return and in the legacy form', async () => {
    const a = await attack({ target: 'build-log-image' });
    expect(a.run.exitCode).toBe(0);
    expect(a.run.stdout).toContain('::error title=PWNED::from a RUN step');
    expect(a.run.stdout).toContain('::stop-commands::PWNED-token');
    expectNoHarm(a);
  });

  test('a build that fails with commands in its error', async () => {
    const a = await attack({ target: 'build-fails' });
    expect(a.run.exitCode).toBe(1);
    expect(errors(a.run)).toContain('Building target "build-fails" failed at [build-fails 1/1] RUN echo');
    expectNoHarm(a);
  });

  test("a container's logs full of commands, printed because it crashed", async () => {
    const a = await attack({ target: 'logs-commands' });
    expect(a.run.exitCode).toBe(1);
    expect(errors(a.run)).toContain('the container exited with code 3 before it was healthy');
    expect(a.run.stdout).toContain('::set-output name=pushed::true');
    expect(a.run.outputs.pushed).toBe('false');
    expectNoHarm(a);
  });

  test('HEALTHCHECK output full of commands', async () => {
    const a = await attack({ target: 'healthcheck-hostile' });
    expect(a.run.exitCode).toBe(1);
    expect(errors(a.run)).toMatch(/unhealthy|HEALTHCHECK failed/);
    expect(errors(a.run)).toContain('::error title=PWNED::from the healthcheck');
    expectNoHarm(a);
  });

  test("a secret's path and line from the image (through the real Trivy) in annotations and the summary", async () => {
    // Without the post step, which (on a failed job) removes what main kept: the SARIF is read afterwards.
    const a = await attack(
      { target: 'secret-hostile', scan: 'true', scanners: 'secret', 'fail-on': 'CRITICAL' },
      {},
      { skipPost: true },
    );
    expect(a.run.exitCode).toBe(1);
    expect(errors(a.run)).toContain('1 secret at CRITICAL (fail-on) in secret-hostile');
    // Shown, as text (a code span, its line breaks as ⏎); expectNoHarm: never as markup or a workflow command.
    expect(a.run.summary).toContain(
      '````/srv/evil ⏎ ::add-mask::PWNED-mask ⏎ ::set-output name=pushed::true/``` <h1>PWNED.env:1````',
    );
    // Trivy's SARIF writer panics on a control character in a path (0.74): the action percent-encodes it, so the
    // finding still reaches code scanning.
    expect(a.run.stdout).toContain('percent-encoded in the SARIF');
    const sarif = fs.readFileSync(a.run.outputs['sarif-file'], 'utf8');
    expect(sarif).toContain('srv/evil%0A::add-mask::PWNED-mask%0A::set-output name=pushed::true/');
    expect(JSON.parse(sarif).runs[0].results).toHaveLength(1);
    expect(a.run.outputs.pushed).toBe('false');
    expectNoHarm(a);
  });
});

describe('3. floods: annotations within what GitHub shows, every name still in the summary', () => {
  test('5,000 failing tests: at most 10 error annotations, one line for the rest, all names in the summary', async () => {
    const a = await attack({ target: 'tools', 'test-target': 'results-flood' });
    expect(a.run.exitCode).toBe(1);
    const errorCount = runnerCommands(a.run.stdout).filter((c) => c.command === 'error').length;
    expect(errorCount).toBeLessThanOrEqual(10);
    expect(a.run.stdout).toContain('... and 4995 more failed tests, not annotated');
    expect(a.run.summary).toContain('<details><summary>Failed tests (5000)</summary>');
    expect(a.run.summary).toContain('`flood › failing test 4999`');
    expect(Buffer.byteLength(a.run.summary)).toBeLessThan(1024 * 1024);
    expectNoHarm(a);
  });

  test('300 CRITICAL findings (the real Trivy, 300 secrets): a few annotations, the count in the message', async () => {
    const a = await attack({ target: 'secret-flood', scan: 'true', scanners: 'secret' });
    expect(a.run.exitCode).toBe(1);
    expect(runnerCommands(a.run.stdout).filter((c) => c.command === 'error').length).toBeLessThanOrEqual(10);
    expect(errors(a.run)).toContain('300 secrets at CRITICAL (fail-on) in secret-flood');
    expect(a.run.stdout).toContain('... and 295 more findings at fail-on, not annotated');
    expectNoHarm(a);
  });
});

describe('4. smoke-env reaches the container only, never the docker CLI', () => {
  test.each([
    ['DOCKER_HOST', 'tcp://127.0.0.1:1'],
    ['DOCKER_CONTEXT', 'pwned-context-that-does-not-exist'],
    ['DOCKER_CONFIG', '/nonexistent/PWNED'],
    ['LD_PRELOAD', '/nonexistent/PWNED.so'],
  ])('%s=%s goes to the container; the action keeps its own engine', async (name, value) => {
    const a = await attack({
      target: 'service',
      'smoke-env': `${name}=${value}\nEXPECT_${name}=${value}`,
      'smoke-paths': '/env-check',
    });
    expect(a.run.exitCode).toBe(0);
    expect(a.run.stdout).toContain('/env-check: HTTP 200');
    expect(a.run.stderr).not.toContain('cannot be preloaded');
    expectNoHarm(a);
  });

  test('a value with a line break is refused before any work (it would add a variable to the env file)', async () => {
    const a = await attack({ target: 'service', 'smoke-env': '"A=x\nDOCKER_HOST"' });
    expectRefusedBeforeWork(a, 'Input "smoke-env": entry 1 (A) has a line break or NUL in its value');
  });
});

describe('5. no message prints any part of a secret', () => {
  const pem = [
    '-----BEGIN OPENSSH PRIVATE KEY-----',
    'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ',
    '-----END OPENSSH PRIVATE KEY-----',
  ];

  test('a multi-line PEM given unquoted in secrets is refused by position, none of it printed', async () => {
    const a = await attack({ target: 'tools', secrets: `key=${pem.join('\n')}` });
    expectRefusedBeforeWork(a, 'Input "secrets": entry 2 is not id=value');
    for (const line of pem) expect(`${a.run.stdout}${a.run.stderr}`).not.toContain(line);
  });

  test('a secret-files entry that is missing is named by position and id, not by its path', async () => {
    const a = await attack({ target: 'tools', 'secret-files': `npmrc=/private/PWNED-path/.npmrc` });
    expectRefusedBeforeWork(a, 'Input "secret-files": entry 1 (id "npmrc") does not name a readable regular file');
    expect(a.run.stdout).not.toContain('PWNED-path');
  });

  test('a build that prints a quoted multi-line secret: every line of it is masked in the log', async () => {
    const a = await attack({ target: 'prints-secret', secrets: `"token=${pem.join('\n')}"` });
    expect(a.run.exitCode).toBe(1);
    const shown = maskedLog(a.run.stdout);
    for (const line of pem) expect(shown).not.toContain(line);
    expect(a.run.stdout).toContain(pem[1]);
    expectNoHarm(a);
  });
});

describe('6. inputs are refused by name before any work', () => {
  let closedPort = 0;
  beforeAll(async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closedPort = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test.each([
    [
      { 'secret-files': 'dir=__tests__' },
      'Input "secret-files": entry 1 (id "dir") does not name a readable regular file',
    ],
    [{ ssh: 'default' }, 'Input "ssh": entry 1 ("default") uses the SSH agent, but SSH_AUTH_SOCK is not set'],
    [{ ssh: 'github=/nonexistent/id_ed25519' }, 'which is neither a socket nor a readable file'],
    [{ 'cache-from': 'type=gcs,bucket=b' }, 'Input "cache-from": entry 1 has an unknown type "gcs"'],
    [{ 'cache-to': 'type=local,dest=/tmp/c,compresion=zstd' }, 'Input "cache-to": entry 1 has "compresion"'],
    [
      { 'test-target': 'results-links', 'test-results-path': '/' },
      'Input "test-results-path": "/" must be a folder inside',
    ],
    [
      { 'test-target': 'results-links', 'test-results-path': 'src' },
      'Input "test-results-path": "src" already exists and is not an empty folder',
    ],
    [
      { scan: 'true', 'trivy-download-url': 'http://mirror.example.com/trivy' },
      'Input "trivy-download-url": "http://mirror.example.com/trivy" is not an https URL',
    ],
    [{ 'smoke-stable-seconds': 'forever' }, 'Input "smoke-stable-seconds": "forever" is not a whole number; use 0-300'],
  ])('%j', async (inputs, message) => {
    expectRefusedBeforeWork(await attack({ target: 'tools', ...inputs }), message);
  });

  test('an unusable RUNNER_TEMP is named as such', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'msa-rt-')), 'not-a-folder');
    fs.writeFileSync(file, '');
    const a = await attack({ target: 'tools' }, { RUNNER_TEMP: file });
    expect(a.run.exitCode).toBe(1);
    expect(errors(a.run)).toContain(
      `Environment variable "RUNNER_TEMP": "${file}" cannot hold the run's temporary files`,
    );
    expect(a.run.stdout).not.toContain('[command]docker buildx');
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  test('a GITHUB_SHA that is not a commit id is caught before anything is built or uploaded', async () => {
    const a = await attack({ target: 'tools', 'upload-sarif': 'true', token: 't' }, { GITHUB_SHA: 'refs/heads/main' });
    expectRefusedBeforeWork(a, 'Environment variable "GITHUB_SHA": "refs/heads/main" is not a commit id');
  });

  test('a Dockerfile in the workspace that is a link out of it (a pull request can check one out)', async () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-ws-'));
    fs.cpSync(path.join(ROOT, HOSTILE), path.join(workspace, 'app'), { recursive: true });
    fs.symlinkSync(canary.file, path.join(workspace, 'app', 'Dockerfile.pr'));
    const a = await attack({ target: 'tools', context: 'app', file: 'app/Dockerfile.pr' }, {}, { cwd: workspace });
    expectRefusedBeforeWork(a, 'Input "file": "app/Dockerfile.pr" is a link inside the workspace that leads out of it');
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  test('a refused connection to the API is reported as one, not as HTTP 500', async () => {
    const a = await attack(
      { target: 'tools', scan: 'true', 'upload-sarif': 'true', token: 't' },
      { GITHUB_API_URL: `http://127.0.0.1:${closedPort}` },
    );
    expect(a.run.exitCode).toBe(1);
    expect(errors(a.run)).toContain(
      `could not reach http://127.0.0.1:${closedPort}: the connection was refused (ECONNREFUSED)`,
    );
    expect(errors(a.run)).not.toContain('HTTP 500');
    expectNoHarm(a);
  }, 120_000);
});

describe('7. a cancelled step ends every process it started', () => {
  // The real Trivy kept busy: its DB comes from a registry that accepts connections and never answers, on a runner
  // with no DB yet, so the scan waits in its download until the signal comes.
  let stalled: net.Server;
  let stalledDb = '';
  const held: net.Socket[] = [];
  beforeAll(async () => {
    stalled = net.createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    stalledDb = `localhost:${(stalled.address() as net.AddressInfo).port}/stalled/trivy-db:2`;
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await new Promise<void>((resolve) => stalled.close(() => resolve()));
  });
  const stallingScan = (home: string) => ({
    inputs: { target: 'tools', scan: 'true', 'trivy-db-repository': stalledDb },
    env: { HOME: home },
  });

  test.each(['SIGTERM', 'SIGINT'] as const)('%s during the scan: Trivy is ended', async (signal) => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-trivy-home-'));
    const { inputs, env } = stallingScan(home);
    const a = await attack(inputs, env, {
      signalWhen: { pattern: /Smoke test of tools skipped/, signal, delayMs: 1500 },
    });
    fs.rmSync(home, { recursive: true, force: true });
    expect(a.run.exitCode).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(annotations(a.run.stdout, 'warning').join('\n')).toContain(
      `${signal}: cancelled; ending the processes and removing what this run started`,
    );
    expectNoHarm(a);
  });

  test('SIGKILL during the scan: the post step ends the Trivy main left running', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-trivy-home-'));
    const { inputs, env } = stallingScan(home);
    const a = await attack(inputs, env, {
      signalWhen: { pattern: /Smoke test of tools skipped/, signal: 'SIGKILL', delayMs: 1500 },
    });
    fs.rmSync(home, { recursive: true, force: true });
    expect(a.run.post.ran).toBe(true);
    expect(a.run.post.stdout).toMatch(/Ended process \d+ \(and its process group\), left running by the main step/);
    expect(processesWith(a.marker)).toEqual([]);
    expect(leftoverContainers(a.run.runId)).toEqual([]);
  });

  test('SIGTERM during a build: buildx is ended, no build goes on', async () => {
    const a = await attack(
      {
        target: 'slow-build',
        'build-args': `BUSYBOX_IMAGE=${BUSYBOX_IMAGE}\nNONCE=${randomBytes(8).toString('hex')}`,
      },
      {},
      { signalWhen: { pattern: /sleep 120/, signal: 'SIGTERM', delayMs: 500 } },
    );
    expect(a.run.exitCode).toBe(143);
    expectNoHarm(a);
  });
  test('SIGTERM with two targets in flight (one building, one in its smoke test): both ended, nothing left, both logs told', async () => {
    const a = await attack(
      {
        targets: 'slow-build,service',
        'build-args': `BUSYBOX_IMAGE=${BUSYBOX_IMAGE}\nNODE_IMAGE=${NODE_IMAGE}\nNONCE=${randomBytes(8).toString('hex')}`,
        // The service answers 404 here: its smoke test polls (its container running) until the signal comes.
        'health-path': '/never-healthy',
        'smoke-timeout': '300',
      },
      {},
      { signalWhen: { pattern: /Taking 2 targets down the road at once/, signal: 'SIGTERM', delayMs: 8000 } },
    );
    expect(a.run.exitCode).toBe(143);
    // Held while both ran, each target's log so far is told before the step exits.
    expect(a.run.stdout).toMatch(/::group::Build slow-build\n[\s\S]*sleep 120/);
    expect(a.run.stdout).toMatch(/::group::Smoke test service\n[\s\S]*Started multistage-service-[0-9a-f]+/);
    expectNoHarm(a);
  });
});

describe('8. a service must stay up: stability window and HEALTHCHECK', () => {
  test('a service that dies right after its first healthy answer fails', async () => {
    const a = await attack({ target: 'dies-after-healthy' });
    expect(a.run.exitCode).toBe(1);
    expect(errors(a.run)).toContain('the container exited with code 0 1 s after it was healthy');
    expect(a.run.outputs.smoke).toBe('failed');
    expectNoHarm(a);
  });

  test('a HEALTHCHECK Docker has not run yet is run now, and its failure fails the smoke test', async () => {
    const a = await attack({ target: 'healthcheck-fails-later' });
    expect(a.run.exitCode).toBe(1);
    expect(errors(a.run)).toContain('its HEALTHCHECK failed 1 s after it was healthy: exit code 1');
    expectNoHarm(a);
  });

  test('a service healthy by its endpoint and its HEALTHCHECK passes', async () => {
    const a = await attack({ target: 'healthcheck-passes' });
    expect(a.run.exitCode).toBe(0);
    expect(a.run.stdout).toContain('its HEALTHCHECK passed (run now: Docker had not run it yet)');
    expectNoHarm(a);
  });
});

describe('9. every scanner is counted and gated, on what the real Trivy finds', () => {
  // The services' `findings` image: secrets made at its build, a Kubernetes manifest and a Dockerfile that break
  // Trivy's checks, packages under GPL and AGPL, over the Alpine and npm packages of `vulnerable`.
  const findings = { context: SERVICES, target: 'findings', 'build-args': `NODE_IMAGE=${NODE_IMAGE}`, smoke: 'false' };

  test('a CRITICAL secret fails the gate even with no vulnerability scanner', async () => {
    const a = await attack({ ...findings, scan: 'true', scanners: 'secret' });
    expect(a.run.exitCode).toBe(1);
    expect(errors(a.run)).toMatch(/\d+ secrets? at CRITICAL \(fail-on\) in findings/);
    expect(errors(a.run)).toContain('aws-access-key-id');
    const counts = JSON.parse(a.run.outputs.findings) as Record<string, Record<string, number>>;
    expect(Object.keys(counts)).toEqual(['secret']);
    // The AWS access key id, the AWS secret access key and the GitHub token, each CRITICAL.
    expect(counts.secret.CRITICAL).toBe(3);
    expect(a.run.summary).toContain('`github-pat`');
    expectNoHarm(a);
  });

  test('every scanner at once: counts per kind, the gate names each kind', async () => {
    const a = await attack({
      ...findings,
      scan: 'true',
      scanners: 'vuln,secret,misconfig,license',
      'fail-on': 'HIGH,CRITICAL',
    });
    expect(a.run.exitCode).toBe(1);
    const counts = JSON.parse(a.run.outputs.findings) as Record<string, Record<string, number>>;
    expect(counts.vulnerability).toMatchObject({ CRITICAL: 3, HIGH: 2 });
    // The privileged pod and the Dockerfile break HIGH checks of Trivy's built-in bundle (KSV-0009 host network,
    // KSV-0017 privileged, DS-0002 root user, ...); passed checks are not findings.
    expect(counts.misconfiguration.HIGH).toBeGreaterThanOrEqual(4);
    // GPL is restricted (HIGH: busybox's GPL-2.0 and copyleft-lib's GPL-3.0) and AGPL forbidden (CRITICAL).
    expect(counts.license).toMatchObject({ HIGH: 2, CRITICAL: 1 });
    // The AWS access key id, the AWS secret access key and the GitHub token made at build time.
    expect(counts.secret).toEqual({ UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 3 });
    expect(errors(a.run)).toMatch(
      /\d+ vulnerabilities, \d+ secrets, \d+ misconfigurations, \d+ licenses at HIGH\/CRITICAL \(fail-on\) in findings/,
    );
    expect(a.run.summary).toContain('secrets 3C 0H 0M 0L 0U');
    expectNoHarm(a);
  });

  test('an image with a JAR after the DB was restored from the cache: the action lets Trivy fetch the Java DB', async () => {
    const cache = await new FakeCacheService('v2').start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-javadb-'));
    try {
      const env = { ...cache.env(), HOME: path.join(dir, 'home') };
      // A first job scans an image with no JAR: Trivy downloads the DB only, and the action caches it.
      const first = await attack({ target: 'tools', scan: 'true', smoke: 'false' }, env);
      expect(first.run.exitCode).toBe(0);
      expect(fs.existsSync(path.join(dir, 'home', '.cache', 'trivy', 'java-db'))).toBe(false);
      fs.rmSync(path.join(dir, 'home', '.cache', 'trivy'), { recursive: true, force: true });
      // The next job restores it and scans an image with a JAR.
      const second = await attack({ ...findings, scan: 'true', scanners: 'vuln' }, env);
      expect(second.run.stdout).toContain('Restored the Trivy DB from the Actions cache');
      expect(second.run.exitCode).toBe(1); // the CVE in the JAR, at CRITICAL: the scan itself ran
      expect(errors(second.run)).toContain('CVE-2021-44228');
      const scans = trivyScanCommands(second.run.stdout);
      // Today's DB shared: the Java DB's update skipped too, which Trivy refuses at the JAR; the scan then runs again
      // alone and lets Trivy fetch the Java DB.
      expect(scans).toHaveLength(2);
      expect(scans[0]).toEqual(expect.arrayContaining(['--skip-db-update', '--skip-java-db-update']));
      expect(scans[1]).toContain('--skip-db-update');
      expect(scans[1]).not.toContain('--skip-java-db-update');
      expect(second.run.stdout).toContain('scanning again alone, which downloads it');
      expectNoHarm(second);
    } finally {
      await cache.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
