import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  annotations,
  docker,
  EXAMPLE,
  EXAMPLE_BUILD_ARGS,
  leftoverContainers,
  NODE_IMAGE,
  runAction,
  ROOT,
} from './helpers/action.js';
import { FakeCacheService } from './helpers/servers.js';

const SERVICES = '__tests__/fixtures/services';

// dist/index.js run the way the runner runs it: INPUT_* from action.yml defaults, the command files, main then post.
describe('the bundled action on the example project', () => {
  test('builds production-backend, tests it, smoke-tests it and sets every output', async () => {
    const run = await runAction({
      inputs: {
        target: 'production-backend',
        context: EXAMPLE,
        'build-args': EXAMPLE_BUILD_ARGS,
        'test-target': 'test-results',
        labels: 'org.example.team=platform',
      },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const o = run.outputs;
    expect(o['image-id']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(o.tags.split('\n')).toEqual(['acme/shop:production-backend', 'acme/shop:production-backend-0123456']);
    expect(Number(o['image-size'])).toBeGreaterThan(1_000_000);
    expect(Number(o['build-seconds'])).toBeGreaterThan(0);
    expect(Number(o['cache-hit-ratio'])).toBeGreaterThanOrEqual(0);
    expect(Number(o['cache-hit-ratio'])).toBeLessThanOrEqual(1);
    expect(JSON.parse(o.metadata)['containerimage.digest']).toMatch(/^sha256:/);
    expect(JSON.parse(o.tests)).toEqual({ total: 7, passed: 7, failed: 0, skipped: 0 });
    expect(o.smoke).toBe('passed');
    // Healthy before the deadline (smoke-timeout 60), not at it.
    expect(Number(o['smoke-seconds'])).toBeLessThan(60);
    expect(o.pushed).toBe('false');

    // The image carries the OCI labels and the user's label, and runs as the non-root user.
    const labels = JSON.parse(docker('image', 'inspect', '--format', '{{json .Config.Labels}}', o['image-id']));
    expect(labels).toMatchObject({
      'org.opencontainers.image.source': 'https://github.com/acme/Shop',
      'org.opencontainers.image.revision': '0123456789abcdef0123456789abcdef01234567',
      'org.opencontainers.image.title': 'production-backend',
      'org.example.team': 'platform',
    });
    expect(docker('image', 'inspect', '--format', '{{.Config.User}}', o['image-id']).trim()).toBe('backend');

    // Summary: the row, the stage graph.
    expect(run.summary).toContain('| `production-backend` | ✅ passed | `acme/shop:production-backend` |');
    expect(run.summary).toContain('✅ 7 passed, 0 failed');
    expect(run.summary).toContain('```mermaid');
    expect(run.summary).toMatch(/class s(\d+) (built|cached)\n {2}class s\1 target/);

    // The build analysis: every stage the target needed, and the example's good Dockerfile gets no recommendation.
    const analysis = JSON.parse(o.analysis) as { stages: { name: string }[]; recommendations: unknown[] };
    expect(analysis.stages.map((s) => s.name)).toContain('production-backend');
    expect(analysis.recommendations).toEqual([]);
    expect(run.stdout).not.toMatch(/^::notice .*Recommendation/m);

    // Main removed its container itself, so the post step (post-if: failure() || cancelled()) is not started. The
    // temp dir stays for later steps (it holds the SARIF file) inside RUNNER_TEMP, which the runner empties.
    expect(leftoverContainers(run.runId)).toEqual([]);
    expect(run.post.ran).toBe(false);
    const tempDirs = JSON.parse(run.state.tempDirs) as string[];
    expect(tempDirs).toHaveLength(1);
    expect(path.dirname(tempDirs[0])).toBe(run.runnerTemp);
    expect(fs.existsSync(o['sarif-file'])).toBe(true);
    expect(path.dirname(o['sarif-file'])).toBe(tempDirs[0]);
    // Only what the outputs point to is kept: the SARIF file and the exported test results.
    expect(fs.readdirSync(tempDirs[0]).sort()).toEqual(['test-results', 'trivy-production-backend.sarif']);
    expect(o['test-results-path']).toBe(path.join(tempDirs[0], 'test-results'));
  });

  test('an unknown target fails before any build, naming the input and the stages that exist', async () => {
    const run = await runAction({
      inputs: { target: 'production-api', context: EXAMPLE, 'build-args': EXAMPLE_BUILD_ARGS },
    });
    expect(run.exitCode).toBe(1);
    const errors = annotations(run.stdout, 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Input "target": stage "production-api" is not in examples/fullstack/Dockerfile');
    expect(errors[0]).toContain('production-backend, production-frontend');
    expect(run.stdout).not.toContain('buildx build');
    expect(run.outputs).toEqual({});
  });

  test("a failing build step is annotated at its Dockerfile line, with buildx's reason", async () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, '__tests__/fixtures/services/Dockerfile'), 'utf8').split('\n');
    const line = dockerfile.findIndex((l) => l.startsWith('RUN echo "compiling" && exit 3')) + 1;
    const run = await runAction({
      inputs: {
        target: 'broken',
        context: '__tests__/fixtures/services',
        'build-args': 'NODE_IMAGE=multistage-local/node:20',
        image: 'msa-test/action',
      },
    });
    expect(run.exitCode).toBe(1);
    const annotation = run.stdout
      .split('\n')
      .find((l) => l.startsWith('::error title=multistage%3A build of broken failed'));
    expect(annotation).toContain(`file=__tests__/fixtures/services/Dockerfile,line=${line}::`);
    expect(annotation).toContain('Building target "broken" failed at [broken 1/1] RUN echo "compiling" && exit 3');
    expect(annotation).toContain('exit code: 3');
    expect(run.outputs['image-id']).toBe('');
    expect(run.summary).toContain('### broken: ❌ build did not pass');
  });

  test.each([
    [{ 'no-cache': 'yes' }, 'Input "no-cache": "yes" is not a boolean; use true or false'],
    [{ 'smoke-timeout': '-5' }, 'Input "smoke-timeout": -5 is out of range; use 1-3600'],
    [{ port: 'http' }, 'Input "port": "http" is not a whole number; use 1-65535'],
    [{ file: 'nope/Dockerfile' }, 'Input "file": Dockerfile "nope/Dockerfile" does not exist'],
    [{ context: 'missing-dir' }, 'Input "context": directory "missing-dir" does not exist'],
    [{ 'build-args': 'NODE_IMAGE' }, 'Input "build-args": entry 1 "NODE_IMAGE" is not NAME=value'],
    [{ secrets: 'token' }, 'Input "secrets": entry 1 is not id=value'],
    [{ tags: 'Bad Tag' }, 'Input "tags": "Bad Tag" is not a valid tag'],
  ])('bad input %j is refused before any work', async (bad, message) => {
    const run = await runAction({ inputs: { target: 'production-backend', context: EXAMPLE, ...bad } });
    expect(run.exitCode).toBe(1);
    expect(annotations(run.stdout, 'error').join('\n')).toContain(message);
    expect(run.stdout).not.toContain('[command]');
  });

  test('shell metacharacters in inputs reach buildx as argv, and secrets never reach the log', async () => {
    const marker = path.join(ROOT, 'build', `pwned-${process.pid}`);
    const message = `$(touch ${marker}); \`touch ${marker}\`, commas, "quotes" & ünïcödé`;
    const secret = 'sup3r-s3cret-value-42';
    const run = await runAction({
      inputs: {
        target: 'echo',
        context: '__tests__/fixtures/services',
        file: '__tests__/fixtures/services/build-arg.Dockerfile',
        'build-args': `NODE_IMAGE=multistage-local/node:20\nMESSAGE=${message}`,
        secrets: `token=${secret}`,
        image: 'msa-test/echo',
        tags: `msa-test/echo:argv-${process.pid}`,
        smoke: 'false',
      },
    });
    expect(run.exitCode).toBe(0);
    expect(fs.existsSync(marker)).toBe(false);
    const printed = docker('run', '--rm', `msa-test/echo:argv-${process.pid}`);
    expect(printed).toBe(message);
    // The only place the value appears is the add-mask command that tells the runner to hide it.
    const log = run.stdout
      .split('\n')
      .filter((l) => l !== `::add-mask::${secret}`)
      .join('\n');
    expect(run.stdout).toContain(`::add-mask::${secret}`);
    for (const text of [log, run.stderr, run.summary, JSON.stringify(run.outputs), JSON.stringify(run.state)]) {
      expect(text).not.toContain(secret);
    }
    expect(run.stdout).toContain('--secret id=token,env=MULTISTAGE_SECRET_0');
    docker('rmi', `msa-test/echo:argv-${process.pid}`);
  });
});

// BuildKit's own gha cache client against the cache service stand-in (v1, the protocol buildx 0.13 speaks; GHES
// runners offer it): what matrix legs write and what a later job reads.
describe('the GitHub Actions build cache, one scope per target', () => {
  test('two matrix legs keep their own scope, and the next run of a leg imports its own', async () => {
    const cache = await new FakeCacheService('v1').start();
    const leg = (target: string) =>
      runAction({
        inputs: {
          target,
          context: SERVICES,
          image: 'msa-test/cache-scopes',
          'build-args': `NODE_IMAGE=${NODE_IMAGE}`,
          smoke: 'false',
          scan: 'false',
        },
        env: cache.env(),
      });
    try {
      for (const target of ['healthy', 'static']) {
        const run = await leg(target);
        expect(annotations(run.stdout, 'error')).toEqual([]);
        expect(run.stdout).toContain(`--cache-to type=gha,scope=${target},mode=max,ignore-error=true`);
      }
      // Each leg's cache index under its own scope: the second leg did not replace the first one's.
      const indexes = cache.keys().filter((k) => k.startsWith('index-'));
      expect(indexes).toEqual([expect.stringMatching(/^index-healthy-/), expect.stringMatching(/^index-static-/)]);

      // The next run of the first leg finds its own index in the service and downloads it.
      const before = cache.requests.length;
      const again = await leg('healthy');
      expect(again.exitCode).toBe(0);
      expect(again.stdout).toMatch(/importing cache manifest from gha:/);
      const healthyIndex = cache.keys().indexOf(indexes[0]);
      expect(cache.requests.slice(before)).toContain(`GET /archive/${healthyIndex}`);
      expect(cache.requests.slice(before)).not.toContain(`GET /archive/${cache.keys().indexOf(indexes[1])}`);
    } finally {
      await cache.stop();
    }
  });

  test('a cache service answering 503 to everything never fails the build', async () => {
    const cache = await new FakeCacheService('v1').start();
    cache.down = true;
    try {
      const run = await runAction({
        inputs: {
          target: 'healthy',
          context: SERVICES,
          image: 'msa-test/cache-down',
          'build-args': `NODE_IMAGE=${NODE_IMAGE}`,
          'upload-sarif': 'false',
        },
        env: cache.env(),
      });
      expect(annotations(run.stdout, 'error')).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(run.outputs.smoke).toBe('passed');
      expect(run.stdout).toContain('--cache-from type=gha,scope=healthy');
      expect(cache.requests.length).toBeGreaterThan(0);
      // What @actions/cache says for the Trivy caches, and no claim that anything was saved.
      expect(annotations(run.stdout, 'warning')).toEqual(
        expect.arrayContaining([
          expect.stringContaining('Failed to save: reserveCache failed: Cache service responded with 503'),
        ]),
      );
      expect(run.stdout).toContain('The Trivy DB was not saved to the Actions cache as multistage-trivy-db-');
      expect(run.stdout).not.toContain('Saved the Trivy DB');
      expect(leftoverContainers(run.runId)).toEqual([]);
    } finally {
      await cache.stop();
    }
  });
});
