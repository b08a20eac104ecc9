// The benchmark with real waits (npm run bench scale): two targets sharing stages, whose builds do known CPU- and
// sleep-bound work, whose services become healthy after 3 s, scanned by the real Trivy (built from its Go module,
// with the project's fixture DBs from the local registry, current in a home of the benchmark's own), uploaded to a code scanning stand-in that processes each SARIF in its own time, pushed to a local
// registry. Measured side by side: one step with both targets, two separate steps, the tutorial's glue and the
// ideal glue (the same commands overlapped by hand: the critical path), each from a cold and a warm builder cache.
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ACTION_NODE, runAction, NODE_IMAGE } from '../build/__tests__/helpers/action.js';
import { FakeGitHubApi, ROOT } from '../build/__tests__/helpers/servers.js';
import { setUpTrivy, startRegistry } from '../build/__tests__/helpers/global-setup.js';

const exec = promisify(execFile);

/** The waits, chosen at the low end of what GitHub users see (docs/benchmarks.md says why). */
export const WAITS = {
  /** Code scanning's processing of an upload: 10-60 s on github.com (BENCH_PROCESSING_MS to try another). */
  processingMs: Number(process.env.BENCH_PROCESSING_MS ?? 15000),
  /** The services answer /health this long after they start (bench/fixture/Dockerfile). */
  readyMs: 3000,
};
const TARGETS = ['api', 'web'];
const REGISTRY_IMAGE = 'localhost:5000/msa-bench/scale';
/**
 * The real Trivy first on PATH and a home whose ~/.cache/trivy holds the fixture DBs, current (as a job that restored
 * today's DB from the Actions cache has it): the registry on 127.0.0.1:5000 and the DBs pushed there once for the
 * whole benchmark. runAction reads MSA_TRIVY_BIN / MSA_TRIVY_HOME and points the action at the fixture DBs.
 */
const stopRegistry0 = await startRegistry();
const trivy = setUpTrivy();
/** Stops what the benchmark started for Trivy: the registry (when it started one) and its Trivy home. */
export function stopBenchRegistry() {
  stopRegistry0();
  fs.rmSync(trivy.home, { recursive: true, force: true });
}
export const trivyEnv = {
  ...process.env,
  PATH: `${trivy.bin}:${process.env.PATH}`,
  HOME: trivy.home,
  DOCKER_CONFIG: process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker'),
};
const ENV = trivyEnv;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function timed(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** The project: the fixture's Dockerfile and the test services' server (one copy of it in the repository). */
function makeContext() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-bench-scale-'));
  fs.copyFileSync(path.join(ROOT, 'bench', 'fixture', 'Dockerfile'), path.join(dir, 'Dockerfile'));
  fs.copyFileSync(path.join(ROOT, '__tests__', 'fixtures', 'services', 'server.js'), path.join(dir, 'server.js'));
  return dir;
}

async function coldCache() {
  await exec('docker', ['builder', 'prune', '--all', '--force']);
}

// ---- the action -------------------------------------------------------------------------------------------------
async function action(api, context, targets) {
  const run = await runAction({
    inputs: {
      targets: targets.join(','),
      context,
      image: REGISTRY_IMAGE,
      'build-args': `NODE_IMAGE=${NODE_IMAGE}`,
      token: 't',
      'upload-sarif': 'true',
      push: 'true',
    },
    env: {
      GITHUB_API_URL: api.url,
      GITHUB_EVENT_NAME: 'push',
    },
    skipPost: true,
  });
  if (run.exitCode !== 0) throw new Error(`the action failed:\n${run.stdout.slice(-3000)}`);
}

// ---- the glue ---------------------------------------------------------------------------------------------------
/** The upload as upload-sarif does it: a node process that posts the file, then waits for processing (1 s polls). */
const UPLOAD = [
  "const fs = require('node:fs'), zlib = require('node:zlib');",
  'const [file, url] = process.argv.slice(1);',
  "const sarif = zlib.gzipSync(fs.readFileSync(file)).toString('base64');",
  "const headers = { authorization: 'token t', 'content-type': 'application/json' };",
  "fetch(url, { method: 'POST', headers, body: JSON.stringify({ commit_sha: '0'.repeat(40), ref: 'refs/heads/main', sarif }) })",
  "  .then(async (r) => { if (r.status !== 202) { console.error('HTTP ' + r.status); process.exit(1); }",
  '    const { id } = await r.json();',
  "    for (;;) { const status = await (await fetch(url + '/' + id, { headers })).json();",
  "      if (status.processing_status === 'complete') break; await new Promise((w) => setTimeout(w, 1000)); } });",
].join('\n');

function glueSteps(api, context, target, dir) {
  const tag = `localhost:5000/msa-bench/glue:${target}`;
  const sarif = path.join(dir, `trivy-${target}.sarif`);
  return {
    tag,
    build: () =>
      exec(
        'docker',
        [
          'buildx',
          'build',
          '--target',
          target,
          '--build-arg',
          `NODE_IMAGE=${NODE_IMAGE}`,
          '--tag',
          tag,
          '--load',
          context,
        ],
        { env: ENV },
      ),
    push: () => exec('docker', ['push', tag]),
    // The container and its health: the tutorial sleeps 30 s and curls once; the ideal glue polls every 100 ms and,
    // as the action does, checks it is still up 1 s later.
    smoke: async (ideal) => {
      const { stdout } = await exec('docker', ['run', '-d', '-p', '127.0.0.1::8080', tag]);
      const id = stdout.trim();
      try {
        const { stdout: port } = await exec('docker', ['port', id, '8080/tcp']);
        const url = `http://${port.trim().split('\n')[0]}/health`;
        if (ideal) {
          for (;;) {
            const started = performance.now();
            try {
              await exec('curl', ['-fsS', '-o', '/dev/null', '--max-time', '2', url]);
              break;
            } catch {
              await sleep(Math.max(0, started + 100 - performance.now()));
            }
          }
          await sleep(1000);
        } else {
          await sleep(30_000);
        }
        await exec('curl', ['-fsS', '-o', '/dev/null', url]);
      } finally {
        await exec('docker', ['rm', '-f', id]);
      }
    },
    scan: () => exec('trivy', ['image', '--format', 'sarif', '--output', sarif, tag], { env: ENV }),
    upload: () => exec(ACTION_NODE, ['-e', UPLOAD, sarif, `${api.url}/repos/acme/shop/code-scanning/sarifs`]),
  };
}

/** The tutorial's workflow, one target after the other: build and push, run, sleep 30, curl, Trivy, upload-sarif. */
async function tutorialGlue(api, context) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-bench-glue-'));
  for (const target of TARGETS) {
    const step = glueSteps(api, context, target, dir);
    await step.build();
    await step.push();
    await step.smoke(false);
    await step.scan();
    await step.upload();
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * The same commands overlapped by hand as well as they can be: both builds at once, each target's health check
 * while it is scanned, the upload's processing while it is pushed. Trivy's scans take turns, as they must on one
 * shared cache (a second Trivy on it fails after 5 s).
 */
async function idealGlue(api, context) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-bench-glue-'));
  let scans = Promise.resolve();
  await Promise.all(
    TARGETS.map(async (target) => {
      const step = glueSteps(api, context, target, dir);
      await step.build();
      const scanned = (scans = scans.then(() => step.scan()));
      await Promise.all([step.smoke(true), scanned]);
      await Promise.all([step.upload(), step.push()]);
    }),
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

// ---- the measurements -------------------------------------------------------------------------------------------
export async function benchScale({ runs, rows, log }) {
  const stopRegistry = await startRegistry();
  const api = await new FakeGitHubApi({ validate: false, processingMs: WAITS.processingMs }).start();
  const context = makeContext();
  try {
    await exec('bash', [path.join(ROOT, 'scripts', 'make-base-images.sh')]);
    const ways = {
      'one step, both targets': () => action(api, context, TARGETS),
      'two separate steps': async () => {
        for (const target of TARGETS) await action(api, context, [target]);
      },
      'ideal glue (critical path)': () => idealGlue(api, context),
      "tutorial's glue": () => tutorialGlue(api, context),
    };
    const times = {};
    for (const cache of ['cold', 'warm']) {
      for (const [name, way] of Object.entries(ways)) {
        // The tutorial's glue sleeps 30 s per target whatever happens: one run tells its figure.
        const count = name === "tutorial's glue" ? 1 : runs;
        const ms = [];
        if (cache === 'warm') await way(); // the same work just before: every step cached
        for (let i = 0; i < count; i++) {
          if (cache === 'cold') await coldCache();
          ms.push(await timed(way));
          log(`  ${cache} ${name}: ${s(ms.at(-1))}`);
        }
        times[`${cache} ${name}`] = median(ms);
      }
      const one = times[`${cache} one step, both targets`];
      const two = times[`${cache} two separate steps`];
      const ideal = times[`${cache} ideal glue (critical path)`];
      const tutorial = times[`${cache} tutorial's glue`];
      const waits = `processing ${WAITS.processingMs / 1000} s`;
      rows.push([
        `Two targets sharing stages, ${cache} cache, ${waits}: one step vs two separate steps`,
        `${s(one)} vs ${s(two)}`,
        `${(two / one).toFixed(2)}× (target ≥ 1.7×)`,
      ]);
      rows.push([
        `Two targets, ${cache} cache, ${waits}: one step vs the ideal glue (critical path)`,
        `${s(one)} vs ${s(ideal)}`,
        `${Math.abs(((one - ideal) / ideal) * 100).toFixed(1)}% ${one >= ideal ? 'over' : 'under'} (target ≤ 10% over)`,
      ]);
      rows.push([
        `Two targets, ${cache} cache, ${waits}: one step vs the tutorial's glue`,
        `${s(one)} vs ${s(tutorial)}`,
        `${(tutorial / one).toFixed(1)}× faster`,
      ]);
    }
  } finally {
    await api.stop();
    stopRegistry();
    fs.rmSync(context, { recursive: true, force: true });
  }
}

/**
 * The action's own cost over the bare build it runs: the same target, warm cache, smoke test, scan and upload off
 * (what docker/build-push-action does), against `docker buildx build` with the very argv the action logged (its tags
 * and labels too). Pairs in alternating order; the median of the paired differences.
 */
export async function benchFixedCost({ pairs, rows, log, example, buildArgs }) {
  const inputs = {
    target: 'production-backend',
    context: example,
    'build-args': buildArgs,
    smoke: 'false',
    scan: 'false',
    'upload-sarif': 'false',
  };
  const runOnce = async (extra) => {
    let argv;
    const ms = await timed(async () => {
      const run = await runAction({ inputs: { ...inputs, ...extra }, skipPost: true });
      if (run.exitCode !== 0) throw new Error(run.stdout.slice(-2000));
      argv = commandOf(run.stdout);
    });
    return { ms, argv };
  };
  for (const [label, extra] of [
    ['analysis: false', { analysis: 'false' }],
    ['defaults (the analysis reads the layers)', {}],
  ]) {
    const { argv } = await runOnce(extra); // warm the cache, learn the argv
    const differences = [];
    const bare = [];
    for (let i = 0; i < pairs; i++) {
      // A label of its own each time, as the action's (org.opencontainers.image.created) is: the same work.
      const bareRun = () =>
        timed(() =>
          runArgv(
            argv.map((w) => w.replace(/^(org\.opencontainers\.image\.created=).*/, `$1${new Date().toISOString()}`)),
          ),
        );
      const first = i % 2 === 0;
      const a = first ? (await runOnce(extra)).ms : await bareRun();
      const b = first ? await bareRun() : (await runOnce(extra)).ms;
      const [actionMs, bareMs] = first ? [a, b] : [b, a];
      differences.push(actionMs - bareMs);
      bare.push(bareMs);
    }
    const overhead = median(differences);
    log(`  fixed cost, ${label}: +${overhead.toFixed(0)} ms over ${median(bare).toFixed(0)} ms`);
    rows.push([
      `Fixed cost over a bare docker buildx build, ${label}`,
      `+${(overhead / 1000).toFixed(2)} s over ${(median(bare) / 1000).toFixed(2)} s (median of ${pairs} pairs)`,
      label.startsWith('analysis: false') ? 'target ≤ 0.25 s' : '',
    ]);
  }
}

/** The argv of the build the action ran, from its log (`[command]docker buildx build ...`, shell-quoted). */
function commandOf(stdout) {
  const line = stdout.split('\n').find((l) => l.startsWith('[command]docker buildx build '));
  if (!line) throw new Error('the action logged no build command');
  const words = [];
  for (const m of line.slice('[command]docker '.length).matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)) {
    words.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]);
  }
  return words.filter((w, i, all) => w !== '--metadata-file' && all[i - 1] !== '--metadata-file');
}

function runArgv(argv) {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', argv, { stdio: 'ignore' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker ${argv.join(' ')}: ${code}`))));
  });
}
