import { afterAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { annotations, BUSYBOX_IMAGE, docker, NODE_IMAGE, ROOT, runAction } from './helpers/action.js';
import { REGISTRY, registryDigest } from './helpers/registry.js';
import { FakeGitHubApi } from './helpers/servers.js';

/**
 * The build analysis against ground truth on the real engine (__tests__/fixtures/analysis/Dockerfile): a stage
 * that sleeps 3 s, a layer writing 3,000,000 bytes a later one deletes, an install before and after `COPY . .`,
 * and a size budget that stops the push.
 */
const FIXTURE = path.join(ROOT, '__tests__', 'fixtures', 'analysis');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-analysis-'));
const ARGS = `NODE_IMAGE=${NODE_IMAGE}\nBASE=${BUSYBOX_IMAGE}`;
const repo = `msa-test/analysis-${process.pid}`;

interface AnalysisOutput {
  stages: { name: string; seconds: number; steps: number; cached: number; status: string }[];
  layers: { size: number; createdBy: string; line?: number }[];
  imageSize: number;
  wastedBytes: number;
  recommendations: { rule: string; stage?: string; line?: number; message: string }[];
}

function analyse(
  target: string,
  inputs: Record<string, string> = {},
  cwd = ROOT,
  context = '__tests__/fixtures/analysis',
) {
  return runAction({
    inputs: {
      target,
      context,
      'build-args': ARGS,
      smoke: 'false',
      scan: 'false',
      'upload-sarif': 'false',
      image: 'msa-test/analysis',
      ...inputs,
    },
    cwd,
  });
}

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('build analysis, checked against what the Dockerfile is known to do', () => {
  test('stage times, wasted bytes and layer sizes', async () => {
    const run = await analyse('waste', { 'no-cache': 'true' });
    expect(run.exitCode).toBe(0);
    const a = JSON.parse(run.outputs.analysis) as AnalysisOutput;
    const slow = a.stages.find((s) => s.name === 'slow');
    // `RUN sleep 3`: BuildKit's own duration, a little over 3 s.
    expect(slow?.seconds).toBeGreaterThanOrEqual(3);
    expect(slow?.seconds).toBeLessThan(6);
    expect(slow).toMatchObject({ steps: 1, cached: 0, status: 'built' });
    expect(a.stages.map((s) => s.name)).toEqual(['slow', 'waste']);
    expect(a.stages.find((s) => s.name === 'waste')).toMatchObject({ steps: 4, cached: 0, status: 'built' });
    // Written in one layer, deleted in the next: exactly the 3,000,000 bytes.
    expect(a.wastedBytes).toBe(3_000_000);
    const byLine = (line: number) => a.layers.find((l) => l.line === line);
    expect(byLine(11)?.size).toBe(3_000_000);
    expect(byLine(12)?.size).toBe(0);
    expect(byLine(13)?.size).toBe(1_000_000);
    // Unpacked size: what the layers' files add up to (busybox's own layer, then ours).
    expect(a.imageSize).toBe(a.layers.reduce((n, l) => n + l.size, 0));
    expect(a.imageSize).toBeGreaterThan(4_000_000);
    // Nothing here is over a threshold: no recommendation.
    expect(a.recommendations).toEqual([]);
    expect(run.summary).toContain('Build analysis of <code>waste</code>');
    expect(run.summary).toContain('3.0 MB wasted');
    expect(run.summary).toMatch(/s\d+\["slow · built \d+\.\d s"\]/);
  });

  test('a size budget fails the target before anything is pushed, naming the input, the size and the biggest layers', async () => {
    const run = await analyse('waste', { 'max-image-size': '4MB', push: 'true', image: `${REGISTRY}/${repo}` });
    expect(run.exitCode).toBe(1);
    const errors = annotations(run.stdout, 'error').join('\n');
    expect(errors).toMatch(
      /The build of waste did not pass: waste is [\d.]+ MB, over max-image-size \(4\.0 MB\); biggest layers: 3\.0 MB from line 11 /,
    );
    expect(run.stdout).not.toContain('::group::Push waste');
    expect(await registryDigest(repo, 'waste')).toBeUndefined();
  });

  describe('the install before or after COPY . .: a rebuild after a source change', () => {
    // A copy of the fixture the test may change, as a checkout whose sources changed between two runs.
    const copy = path.join(work, 'project');
    fs.cpSync(FIXTURE, copy, { recursive: true });
    async function rebuild(target: string) {
      fs.writeFileSync(path.join(copy, 'server.js'), "console.log('v1');\n");
      const first = await analyse(target, {}, copy, '.');
      expect(first.exitCode).toBe(0);
      fs.writeFileSync(path.join(copy, 'server.js'), `console.log('${target} ${Date.now()}');\n`);
      const second = await analyse(target, {}, copy, '.');
      expect(second.exitCode).toBe(0);
      return { run: second, a: JSON.parse(second.outputs.analysis) as AnalysisOutput };
    }
    test('bad order: the install ran again, and the recommendation says so on the COPY line', async () => {
      const { run, a } = await rebuild('bad-order');
      const stage = a.stages.find((s) => s.name === 'bad-order');
      // WORKDIR cached; COPY . . and npm ci ran again.
      expect(stage).toMatchObject({ steps: 3, cached: 1, status: 'built' });
      expect(a.recommendations).toEqual([
        expect.objectContaining({ rule: 'cache-order', stage: 'bad-order', line: 18 }),
      ]);
      const notices = run.stdout.split('\n').filter((l) => l.startsWith('::notice ') && l.includes('cache-order'));
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain('file=Dockerfile,line=18');
      expect(run.summary).toContain('### Recommendations');
    });
    test('good order: the install stayed cached, and nothing is recommended', async () => {
      const { a } = await rebuild('good-order');
      const stage = a.stages.find((s) => s.name === 'good-order');
      // WORKDIR, COPY package*.json and npm ci cached; only COPY . . ran.
      expect(stage).toMatchObject({ steps: 4, cached: 3, status: 'built' });
      expect(a.recommendations).toEqual([]);
    });
  });
});

describe("the pull request comment, through a stand-in for GitHub's issue comments API", () => {
  const event = path.join(work, 'event.json');
  fs.writeFileSync(
    event,
    JSON.stringify({ pull_request: { number: 7, head: { sha: 'a'.repeat(40) }, base: { ref: 'main' } } }),
  );
  const prEnv = (api: FakeGitHubApi) => ({
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_API_URL: api.url,
    GITHUB_WORKFLOW: 'Image',
    GITHUB_JOB: 'image',
  });
  const inputs = {
    target: 'waste',
    context: '__tests__/fixtures/analysis',
    'build-args': ARGS,
    smoke: 'false',
    scan: 'false',
    'upload-sarif': 'false',
    image: 'msa-test/analysis',
    token: 'ghs_token',
  };

  test('created once, then updated in place by the next run of the same job', async () => {
    const api = await new FakeGitHubApi({ validate: false }).start();
    try {
      const first = await runAction({ inputs, env: prEnv(api) });
      expect(first.exitCode).toBe(0);
      expect([...api.comments.values()]).toHaveLength(1);
      const [created] = api.comments.values();
      expect(created.issue).toBe(7);
      expect(created.body).toMatch(
        /^<!-- multistage-action workflow=Image job=image targets=waste -->\n### multistage-action/,
      );
      expect(created.body).toContain('| `waste` | ✅ passed |');
      expect(first.stdout).toContain('Commented on pull request #7');
      const second = await runAction({ inputs, env: prEnv(api) });
      expect(second.exitCode).toBe(0);
      expect([...api.comments.values()].map((c) => c.id)).toEqual([created.id]);
      expect(second.stdout).toContain('Updated the comment on pull request #7');
      const methods = api.requests
        .filter((r) => r.url.includes('/issues/'))
        .map((r) => `${r.method} ${r.url.split('?')[0]}`);
      expect(methods).toEqual([
        'GET /repos/acme/Shop/issues/7/comments',
        'POST /repos/acme/Shop/issues/7/comments',
        'GET /repos/acme/Shop/issues/7/comments',
        `PATCH /repos/acme/Shop/issues/comments/${created.id}`,
      ]);
      // Another job (a matrix leg with another target) keeps its own comment.
      const other = await runAction({ inputs: { ...inputs, target: 'slow' }, env: prEnv(api) });
      expect(other.exitCode).toBe(0);
      expect(api.comments.size).toBe(2);
    } finally {
      await api.stop();
    }
  });

  test("the size change against the base branch's image, read from the registry", async () => {
    const image = `${REGISTRY}/${repo}-base`;
    // What main's last push left under the name a push to main gives this target (<image>:waste): a smaller image.
    const base = await runAction({
      inputs: {
        ...inputs,
        target: 'slow',
        image,
        tags: `${image}:waste`,
        push: 'true',
        provenance: 'false',
        sbom: 'false',
      },
    });
    expect(base.exitCode).toBe(0);
    const api = await new FakeGitHubApi({ validate: false }).start();
    try {
      const run = await runAction({ inputs: { ...inputs, image }, env: prEnv(api) });
      expect(run.exitCode).toBe(0);
      const [comment] = api.comments.values();
      // waste adds two layers (3,000,000 and 1,000,000 zero bytes, a few kB gzipped) to what slow has.
      expect(comment.body).toMatch(/\| `waste` \| ✅ passed \| [\d.]+ [kM]B \(\+[\d.]+ kB vs main\) \|/);
    } finally {
      await api.stop();
    }
  });

  test('a token that may not write to the pull request: a notice, and the step stays green', async () => {
    const api = await new FakeGitHubApi({ validate: false }).start();
    api.commentsForbidden = true;
    try {
      const run = await runAction({ inputs, env: prEnv(api) });
      expect(run.exitCode).toBe(0);
      expect(annotations(run.stdout, 'notice').join('\n')).toContain(
        'Could not comment on pull request #7: the token may not write to it',
      );
      expect(annotations(run.stdout, 'warning').join('\n')).not.toContain('comment');
    } finally {
      await api.stop();
    }
  });

  test('not a pull request: no comment (auto)', async () => {
    const api = await new FakeGitHubApi({ validate: false }).start();
    try {
      const run = await runAction({ inputs, env: { GITHUB_API_URL: api.url } });
      expect(run.exitCode).toBe(0);
      expect(api.requests.filter((r) => r.url.includes('/issues/'))).toEqual([]);
    } finally {
      await api.stop();
    }
  });
});

afterAll(() => {
  const images = docker('images', '--format', '{{.Repository}}:{{.Tag}}', 'msa-test/analysis')
    .split('\n')
    .filter(Boolean);
  if (images.length) docker('rmi', '--force', ...images);
});
