import { describe, expect, test } from '@jest/globals';
import { actionOutputs } from '../src/report/outputs.js';
import { summaryMarkdown } from '../src/report/summary.js';
import { formatBytes } from '../src/units.js';
import { overallFailure, keepOnly } from '../src/main.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDockerfile } from '../src/dockerfile/parse.js';
import type { TargetReport } from '../src/report/types.js';
import { bufferedUi, heldUi, type Ui } from '../src/ui.js';
import { turns } from '../src/runtime.js';

const built: TargetReport = {
  target: 'production-backend',
  image: 'acme/shop',
  stages: ['base', 'production-backend'],
  build: {
    imageId: 'sha256:1',
    digest: 'sha256:d',
    tags: ['acme/shop:production-backend', 'acme/shop:pb-abc'],
    sizeBytes: 43_555_386,
    seconds: 12.34,
    steps: 10,
    cached: 7,
    cacheHitRatio: 0.7,
    metadata: { a: 1 },
    labels: [],
    exposedPorts: [3001],
  },
  tests: {
    status: 'passed',
    totals: { total: 3, passed: 2, failed: 0, skipped: 1 },
    failed: [],
    resultsPath: '/tmp/r',
    files: ['junit.xml'],
  },
  smoke: { status: 'failed', seconds: 3, reason: 'timeout' },
  pushed: false,
  failure: {
    kind: 'gate',
    phase: 'smoke',
    message: 'The smoke test of production-backend did not pass: timeout',
  },
};
/** Tests failed: nothing after the test stage ran, so no build, smoke test or scan. */
const testsFailed: TargetReport = {
  target: 'production-api',
  image: 'acme/shop',
  stages: [],
  tests: {
    status: 'failed',
    reason: '1 of 3 tests failed',
    totals: { total: 3, passed: 2, failed: 1, skipped: 0 },
    failed: [{ name: 'adds | pipes', message: 'boom' }],
    resultsPath: '/tmp/r',
    files: ['junit.xml'],
  },
  pushed: false,
  failure: {
    kind: 'gate',
    phase: 'test',
    message: 'The test stage of production-api did not pass: 1 of 3 tests failed',
  },
};
const toolFailed: TargetReport = {
  target: 'worker',
  image: 'acme/shop',
  stages: [],
  pushed: false,
  failure: { kind: 'tool', phase: 'scan', message: 'A tool failed in the scan of worker: trivy image failed' },
};
const bug: TargetReport = {
  target: 'cron',
  image: 'acme/shop',
  stages: [],
  pushed: false,
  failure: { kind: 'bug', phase: 'build', message: 'Bug in multistage-action in the build of cron: TypeError: x' },
};
const other: TargetReport = {
  target: 'production-frontend',
  image: 'acme/shop',
  stages: [],
  pushed: true,
  pushDigest: 'sha256:ffff',
  smoke: { status: 'passed', seconds: 1.2 },
};

describe('outputs', () => {
  test('one target: plain values, empty when unknown', () => {
    expect(actionOutputs([built])).toEqual({
      'image-id': 'sha256:1',
      digest: 'sha256:d',
      tags: 'acme/shop:production-backend\nacme/shop:pb-abc',
      metadata: '{"a":1}',
      'image-size': '43555386',
      'build-seconds': '12.3',
      'cache-hit-ratio': '0.70',
      tests: '{"total":3,"passed":2,"failed":0,"skipped":1}',
      'test-results-path': '/tmp/r',
      smoke: 'failed',
      'smoke-seconds': '',
      vulnerabilities: '',
      findings: '',
      'sarif-file': '',
      'sarif-id': '',
      'sbom-file': '',
      analysis: '',
      pushed: 'false',
      signature: '',
      version: '',
    });
  });
  test('several targets: one JSON object keyed by target, its values JSON themselves (no second fromJSON)', () => {
    const outputs = actionOutputs([built, other]);
    expect(JSON.parse(outputs['image-id'])).toEqual({ 'production-backend': 'sha256:1' });
    expect(JSON.parse(outputs.smoke)).toEqual({ 'production-backend': 'failed', 'production-frontend': 'passed' });
    expect(JSON.parse(outputs.pushed)).toEqual({ 'production-backend': false, 'production-frontend': true });
    expect(JSON.parse(outputs.tests)['production-backend'].failed).toBe(0);
    expect(JSON.parse(outputs.tags)['production-backend']).toEqual([
      'acme/shop:production-backend',
      'acme/shop:pb-abc',
    ]);
    expect(JSON.parse(outputs.metadata)['production-backend']).toEqual({ a: 1 });
    expect(JSON.parse(outputs['build-seconds'])['production-backend']).toBe(12.3);
    expect(JSON.parse(outputs['smoke-seconds'])).toEqual({ 'production-frontend': 1.2 });
    expect(JSON.parse(outputs.digest)).toEqual({
      'production-backend': 'sha256:d',
      'production-frontend': 'sha256:ffff',
    });
  });
});

describe('summary', () => {
  const df = parseDockerfile('FROM node AS base\nFROM base AS production-backend\nFROM base AS production-frontend\n');
  const md = summaryMarkdown([built, other], df);
  test('one row per target with size, time, cache hits, tests, smoke and push', () => {
    expect(md).toContain(
      '| `production-backend` | ❌ smoke did not pass | `acme/shop:production-backend` | 43.6 MB | 12.3 s | 70% (7/10) | ✅ 2 passed, 0 failed, 1 skipped | ❌ failed | — | — | no |',
    );
    expect(md).toContain(
      '| `production-frontend` | ✅ passed | — | — | — | — | — | ✅ healthy in 1.2 s | — | — | ✅ `sha256:ffff…` |',
    );
  });
  test('a section per failure with its reason; failed tests listed, escaped', () => {
    expect(md).toContain('### production-backend: ❌ smoke did not pass');
    expect(md).toContain('The smoke test of production-backend did not pass: timeout');
    expect(md).toContain('Nothing was pushed for this target.');
    const tested = summaryMarkdown([testsFailed], df);
    expect(tested).toContain('| `production-api` | ❌ test did not pass |');
    expect(tested).toContain('| `adds \\| pipes` | `boom` |');
  });
  test('every kind of failure is named as what it is', () => {
    const all = summaryMarkdown([built, testsFailed, toolFailed, bug], df);
    expect(all).toContain('| `worker` | ⚠️ scan: a tool failed |');
    expect(all).toContain('| `cron` | 🐞 build: bug in the action |');
    expect(all).toContain('### cron: 🐞 build: bug in the action');
  });
  test('the stage graph marks targets and needed stages', () => {
    expect(md).toContain('s0 --> s1');
    expect(md).toContain('class s1 target');
    expect(md).toContain('class s0 needed');
  });
  test('overallFailure: the one message for one target, a list naming phase and kind for several', () => {
    expect(overallFailure([built])).toBe('The smoke test of production-backend did not pass: timeout');
    expect(overallFailure([built, other])).toBe('1 of 2 targets failed: production-backend (smoke: gate)');
    expect(overallFailure([built, toolFailed, bug, other])).toBe(
      '3 of 4 targets failed: production-backend (smoke: gate), worker (scan: tool failed), cron (build: bug)',
    );
    expect(overallFailure([other])).toBeUndefined();
  });
});

test.each([
  [999, '999 B'],
  [1000, '1.0 kB'],
  [43_555_386, '43.6 MB'],
])('formatBytes(%d)', (n, text) => expect(formatBytes(n)).toBe(text));

describe('bufferedUi: what a background phase says, told later in one piece', () => {
  function recordingUi(said: string[]): Ui {
    return {
      info: (m) => said.push(`info ${m}`),
      debug: (m) => said.push(`debug ${m}`),
      notice: (m) => said.push(`notice ${m}`),
      warning: (m, p) => said.push(`warning ${m}${p?.file ? ` @${p.file}` : ''}`),
      error: (m) => said.push(`error ${m}`),
      group: async (name, fn) => {
        said.push(`group ${name}`);
        return fn();
      },
      secret: (v) => said.push(`secret ${v}`),
    };
  }

  test('holds everything but secrets until replay, then tells it in order, once', async () => {
    const said: string[] = [];
    const held = bufferedUi(recordingUi(said));
    held.info('Scanning x');
    held.secret('t0ken');
    held.warning('SARIF trimmed', { file: 'Dockerfile' });
    expect(await held.group('inner', async () => 42)).toBe(42);
    held.error('CVE-1');
    expect(said).toEqual(['secret t0ken']);
    held.replay();
    expect(said).toEqual(['secret t0ken', 'info Scanning x', 'warning SARIF trimmed @Dockerfile', 'error CVE-1']);
    held.replay();
    expect(said).toHaveLength(4);
  });
});

describe('heldUi: one target among several, told in one piece with its groups', () => {
  /** A Ui whose groups close only after a turn of the event loop, as a real log's would under load. */
  function slowGroupsUi(said: string[]): Ui {
    return {
      info: (m) => said.push(`info ${m}`),
      debug: (m) => said.push(`debug ${m}`),
      notice: (m) => said.push(`notice ${m}`),
      warning: (m) => said.push(`warning ${m}`),
      error: (m) => said.push(`error ${m}`),
      group: async (name, fn) => {
        said.push(`group ${name}`);
        try {
          return await fn();
        } finally {
          await new Promise((resolve) => setImmediate(resolve));
          said.push(`endgroup ${name}`);
        }
      },
      secret: (v) => said.push(`secret ${v}`),
    };
  }

  test('holds lines and groups (nested work included) until tell, then passes straight through', async () => {
    const said: string[] = [];
    const held = heldUi(slowGroupsUi(said));
    held.info('before any group');
    held.secret('t0ken');
    const value = await held.group('Build web', async () => {
      held.info('#1 building');
      await new Promise((resolve) => setImmediate(resolve));
      held.warning('slow step');
      return 7;
    });
    expect(value).toBe(7);
    await held.group('Push web', async () => held.info('pushed'));
    expect(said).toEqual(['secret t0ken']);
    await held.tell();
    expect(said).toEqual([
      'secret t0ken',
      'info before any group',
      'group Build web',
      'info #1 building',
      'warning slow step',
      'endgroup Build web',
      'group Push web',
      'info pushed',
      'endgroup Push web',
    ]);
    held.info('late');
    expect(said.at(-1)).toBe('info late');
  });

  test("two targets told through one chain never interleave, even when the log's groups take time to close", async () => {
    const said: string[] = [];
    const target = slowGroupsUi(said);
    const web = heldUi(target);
    const api = heldUi(target);
    for (const [ui, name] of [
      [web, 'web'],
      [api, 'api'],
    ] as const) {
      await ui.group(`Build ${name}`, async () => ui.info(`built ${name}`));
      await ui.group(`Scan ${name}`, async () => ui.info(`scanned ${name}`));
    }
    let chain: Promise<void> = Promise.resolve();
    const told = [api, web].map((ui) => (chain = chain.then(() => ui.tell())));
    await Promise.all(told);
    expect(said).toEqual([
      'group Build api',
      'info built api',
      'endgroup Build api',
      'group Scan api',
      'info scanned api',
      'endgroup Scan api',
      'group Build web',
      'info built web',
      'endgroup Build web',
      'group Scan web',
      'info scanned web',
      'endgroup Scan web',
    ]);
  });
});

describe('turns: at most n pieces of work at once', () => {
  test.each([1, 2, Infinity])('size %s: never more at once, every piece done, in the order asked', async (size) => {
    const take = turns(size);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const results = await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        take(async () => {
          started.push(i);
          most = Math.max(most, ++running);
          await new Promise((resolve) => setTimeout(resolve, 5 * (5 - i)));
          running--;
          return i * 10;
        }),
      ),
    );
    expect(results).toEqual([0, 10, 20, 30, 40]);
    expect(most).toBe(Math.min(size, 5));
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  test("a failure frees its turn and is the caller's own", async () => {
    const take = turns(1);
    const failed = take(async () => {
      throw new Error('boom');
    });
    await expect(failed).rejects.toThrow('boom');
    await expect(take(async () => 'next')).resolves.toBe('next');
  });
});

test('keepOnly leaves what the outputs point to and removes the rest of the run folder', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-keep-'));
  for (const file of ['metadata-api.json', 'trivy-api.json', 'trivy-api.sarif', 'test-results/junit.xml', 'x/y.txt']) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), '');
  }
  keepOnly(dir, [path.join(dir, 'trivy-api.sarif'), path.join(dir, 'test-results'), '/elsewhere/out.sarif']);
  expect(fs.readdirSync(dir).sort()).toEqual(['test-results', 'trivy-api.sarif']);
  expect(fs.readdirSync(path.join(dir, 'test-results'))).toEqual(['junit.xml']);
  keepOnly(path.join(dir, 'gone'), []); // a folder that is not there: nothing to do
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('summary with hostile text (test names, messages, findings from the image)', () => {
  const df = parseDockerfile('FROM node AS base\nFROM base AS web\n');
  const hostile: TargetReport = {
    target: 'web',
    image: 'acme/shop',
    stages: ['web'],
    pushed: false,
    tests: {
      status: 'failed',
      totals: { total: 2, passed: 0, failed: 2, skipped: 0 },
      failed: [
        { name: '```\n</details><script>alert(1)</script>', message: '[click](https://evil.example) <img src=x>' },
        { name: '| a | b |\n| --- |', message: '````` five' },
      ],
      resultsPath: '/tmp/r',
      files: ['junit.xml'],
    },
    scan: {
      status: 'scanned',
      counts: { UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 1 },
      reported: [
        {
          kind: 'vulnerability',
          id: 'CVE-1](javascript:alert(1))',
          severity: 'CRITICAL',
          target: 'x',
          pkg: '<b>bold</b>',
          installed: '1 | 2',
          fixed: '`',
          url: 'javascript:alert(1)',
        },
      ],
      gated: [],
    },
    failure: { kind: 'gate', phase: 'test', message: 'boom\n```\n# Injected heading\n```' },
  };
  const md = summaryMarkdown([hostile], df);

  test('no test name, message or finding leaves its code span: no HTML, no links, no table cells of its own', () => {
    const lines = md.split('\n');
    const row = lines.find((l) => l.includes('alert(1)</script>')) as string;
    expect(row).toBe(
      '| ```` ``` ⏎ </details><script>alert(1)</script> ```` | `[click](https://evil.example) <img src=x>` |',
    );
    expect(md).toContain('| `\\| a \\| b \\| ⏎ \\| --- \\|` | `````` ````` five `````` |');
    expect(md).not.toContain('[click](https://evil.example) <img src=x>\n');
    // The finding: no link to a javascript: URL, the id as code, the cells escaped.
    expect(md).toContain(
      '| `CVE-1](javascript:alert(1))` | vulnerability | `<b>bold</b>` | `1 \\| 2` | `` ` `` | CRITICAL |',
    );
    expect(md).not.toMatch(/\]\(javascript:alert\(1\)\) \|/);
  });

  test('a failure message cannot close its fence', () => {
    expect(md).toContain('````text\nboom\n```\n# Injected heading\n```\n````');
  });

  test('every failed test is listed until the budget is spent, then counted with where to find them', () => {
    const many: TargetReport = {
      ...hostile,
      scan: undefined,
      tests: {
        status: 'failed',
        totals: { total: 5000, passed: 0, failed: 5000, skipped: 0 },
        failed: Array.from({ length: 5000 }, (_, i) => ({ name: `test number ${i}`, message: 'expected true' })),
        resultsPath: '/tmp/r',
        files: ['junit.xml'],
      },
    };
    const all = summaryMarkdown([many], df);
    expect(all).toContain('<details><summary>Failed tests (5000)</summary>');
    expect(all).toContain('| `test number 4999` | `expected true` |');
    expect(Buffer.byteLength(all)).toBeLessThan(1_000_000);
    const small = summaryMarkdown([many], df, 20_000);
    expect(Buffer.byteLength(small)).toBeLessThanOrEqual(20_000);
    expect(small).toContain('| `test number 0` | `expected true` |');
    expect(small).toMatch(/… and \d+ more failed tests: every one is in the exported reports \(`\/tmp\/r`/);
  });

  test('a Dockerfile stage name that is not a stage name is not drawn', () => {
    const evil = parseDockerfile('FROM node AS "]-->x;click x "javascript:alert(1)"\nFROM node AS web\n');
    const graph = summaryMarkdown([{ ...hostile, failure: undefined, tests: undefined, scan: undefined }], evil);
    expect(graph).toContain('s0["stage-0 · not needed"]');
    expect(graph).not.toContain('javascript');
  });
});
