import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import * as zlib from 'node:zlib';
import { waitForProcessing, type SarifPayload } from '../src/sarif/upload.js';
import { octokitCodeScanning, writeGroup } from '../src/sarif/octokit.js';
import { FakeGitHubApi } from './helpers/servers.js';

// The real Octokit client (with its retry and throttling plugins) against a server answering as GitHub documents.
let api: FakeGitHubApi;
const logs: string[] = [];
const sarifLog = { version: '2.1.0', runs: [{ tool: { driver: { name: 'Trivy' } }, results: [] }] };
const payload: SarifPayload = {
  commit_sha: '0123456789abcdef0123456789abcdef01234567',
  ref: 'refs/heads/main',
  sarif: zlib.gzipSync(JSON.stringify(sarifLog)).toString('base64'),
  checkout_uri: 'file:///home/runner/work/shop/shop',
  tool_name: 'Trivy',
};

beforeEach(async () => {
  // The client is under test, not the SARIF (a minimal log): no Multitool run at the end.
  api = await new FakeGitHubApi({ validate: false }).start();
  logs.length = 0;
});
afterEach(() => api.stop());

const client = () => octokitCodeScanning('ghs_secret_token', api.url, (m) => logs.push(m));

describe('upload through Octokit', () => {
  test('202: returns the id; the request is the documented one, authenticated', async () => {
    expect(await client().uploadSarif('acme', 'shop', payload)).toEqual({ id: 'sarif-1', url: expect.any(String) });
    const [request] = api.uploadRequests();
    expect(request.url).toBe('/repos/acme/shop/code-scanning/sarifs');
    expect(request.headers.authorization).toBe('token ghs_secret_token');
    expect(JSON.parse(request.body)).toEqual(payload);
  });

  test("several targets' uploads go out together, not 1 s apart; past the burst, a write waits for the window", async () => {
    const arrived: number[] = [];
    const upload = (writes: ReturnType<typeof writeGroup>) =>
      octokitCodeScanning('t', api.url, (m) => logs.push(m), 3, writes)
        .uploadSarif('acme', 'shop', payload)
        .then(() => arrived.push(Date.now()));
    const started = Date.now();
    const three = writeGroup(10, 10_000);
    await Promise.all([upload(three), upload(three), upload(three)]);
    // The throttling plugin's own rule (1 s between writes) would take 2 s or more.
    expect(Math.max(...arrived) - started).toBeLessThan(900);
    // A burst of 2 per 1.5 s: the third write waits for the next window.
    arrived.length = 0;
    const small = writeGroup(2, 1500);
    const again = Date.now();
    await Promise.all([upload(small), upload(small), upload(small)]);
    const waits = arrived.map((t) => t - again).sort((a, b) => a - b);
    expect(waits[1]).toBeLessThan(900);
    expect(waits[2]).toBeGreaterThanOrEqual(1000);
    expect(api.uploadRequests()).toHaveLength(6);
  });

  test('429 secondary rate limit with Retry-After is retried after the wait', async () => {
    api.uploads = [
      {
        status: 429,
        body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
        headers: { 'retry-after': '1' },
      },
      { status: 202, body: { id: 'sarif-2' } },
    ];
    const started = Date.now();
    expect(await client().uploadSarif('acme', 'shop', payload)).toEqual({ id: 'sarif-2', url: undefined });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(api.uploadRequests()).toHaveLength(2);
    expect(logs.join('\n')).toContain(
      'Secondary rate limit on POST /repos/{owner}/{repo}/code-scanning/sarifs; retrying in 1 s',
    );
  });

  test('429 primary rate limit waits for the reset', async () => {
    const reset = String(Math.ceil(Date.now() / 1000));
    api.uploads = [
      {
        status: 429,
        body: { message: 'API rate limit exceeded' },
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
      },
      { status: 202, body: { id: 'sarif-4' } },
    ];
    expect((await client().uploadSarif('acme', 'shop', payload)).id).toBe('sarif-4');
    expect(logs.join('\n')).toMatch(/Rate limited on POST .*; retrying in \d+ s \(attempt 1\)/);
  });

  test('a rate limit that persists gives up after the retries and says so', async () => {
    api.uploads = [
      { status: 429, body: { message: 'You have exceeded a secondary rate limit.' }, headers: { 'retry-after': '1' } },
    ];
    await expect(
      octokitCodeScanning('t', api.url, (m) => logs.push(m), 2).uploadSarif('acme', 'shop', payload),
    ).rejects.toMatchObject({ status: 429 });
    expect(api.uploadRequests()).toHaveLength(3);
  });

  test('5xx then success is retried with backoff', async () => {
    api.uploads = [
      { status: 502, body: { message: 'Bad Gateway' } },
      { status: 202, body: { id: 'sarif-3' } },
    ];
    expect((await client().uploadSarif('acme', 'shop', payload)).id).toBe('sarif-3');
    expect(api.uploadRequests()).toHaveLength(2);
  });

  test.each([
    [413, 'Payload Too Large'],
    [422, 'Invalid request. Only 1 run allowed'],
    [403, 'Advanced Security must be enabled for this repository to use code scanning.'],
  ])('%d is not retried and reaches the caller with its message', async (status, message) => {
    api.uploads = [{ status, body: { message, documentation_url: 'https://docs.github.com' } }];
    await expect(client().uploadSarif('acme', 'shop', payload)).rejects.toMatchObject({
      status,
      response: { data: { message } },
    });
    expect(api.uploadRequests()).toHaveLength(1);
  });

  test('processing is polled after 1 s, 2 s, then every 3 s until complete (never waiting long for nothing)', async () => {
    api.statuses = [
      ...Array.from({ length: 5 }, () => ({ status: 200, body: { processing_status: 'pending' } })),
      { status: 200, body: { processing_status: 'complete', analyses_url: 'u' } },
    ];
    const sleeps: number[] = [];
    // GitHub knows only the ids it gave out: upload first.
    await client().uploadSarif('acme', 'shop', payload);
    const outcome = await waitForProcessing(client(), 'acme', 'shop', 'sarif-1', {
      timeoutMs: 60_000,
      now: () => 0,
      sleep: async (ms) => void sleeps.push(ms),
    });
    expect(outcome).toEqual({ status: 'complete' });
    expect(sleeps).toEqual([1000, 2000, 3000, 3000, 3000]);
  });

  test("processing failed carries GitHub's errors; a timeout is reported as such", async () => {
    api.statuses = [
      {
        status: 200,
        body: { processing_status: 'failed', errors: ['locationFromSarifResult: expected artifact location'] },
      },
    ];
    await client().uploadSarif('acme', 'shop', payload);
    expect(
      await waitForProcessing(client(), 'acme', 'shop', 'sarif-1', {
        timeoutMs: 1000,
        now: () => 0,
        sleep: async () => undefined,
      }),
    ).toEqual({
      status: 'failed',
      errors: ['locationFromSarifResult: expected artifact location'],
    });
    api.statuses = [{ status: 200, body: { processing_status: 'pending' } }];
    let t = 0;
    expect(
      await waitForProcessing(client(), 'acme', 'shop', 'sarif-1', {
        timeoutMs: 5000,
        now: () => t,
        sleep: async (ms) => void (t += ms),
      }),
    ).toEqual({ status: 'timeout' });
  });
});

describe('the stand-in refuses what GitHub refuses (its published description of the endpoints)', () => {
  const post = (body: unknown, headers: Record<string, string> = { authorization: 'token t' }) =>
    fetch(`${api.url}/repos/acme/shop/code-scanning/sarifs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  test('a documented upload is taken', async () => {
    expect((await post(payload)).status).toBe(202);
    expect(api.refused).toEqual([]);
  });

  test.each([
    ['no token', payload, {}, 401, 'Requires authentication'],
    ['a body that is not JSON', '{"commit_sha":', undefined, 400, 'Problems parsing JSON'],
    ['a short commit sha', { ...payload, commit_sha: 'abc' }, undefined, 422, '/commit_sha'],
    ['a ref that is not refs/heads|tags|pull', { ...payload, ref: 'main' }, undefined, 422, '/ref'],
    [
      'a checkout_uri that is a bare path (format: uri)',
      { ...payload, checkout_uri: '/w' },
      undefined,
      422,
      '/checkout_uri',
    ],
    ['no sarif', { ...payload, sarif: undefined }, undefined, 422, 'sarif'],
    ['a sarif that is not gzip', { ...payload, sarif: Buffer.from('{}').toString('base64') }, undefined, 400, 'gzip'],
    [
      'a sarif over 10 MB gzipped',
      { ...payload, sarif: Buffer.alloc(10 * 1024 * 1024 + 1).toString('base64') },
      undefined,
      413,
      'Payload Too Large',
    ],
  ] as [string, unknown, Record<string, string> | undefined, number, string][])(
    '%s: %i',
    async (_case, body, headers, status, fragment) => {
      const response = await post(body, headers);
      expect(response.status).toBe(status);
      expect(((await response.json()) as { message: string }).message).toContain(fragment);
      expect(api.refused).toHaveLength(1);
    },
  );

  test('the status of an upload it never took is a 404; of one it took, the status', async () => {
    const status = (id: string) =>
      fetch(`${api.url}/repos/acme/shop/code-scanning/sarifs/${id}`, { headers: { authorization: 'token t' } });
    expect((await status('sarif-1')).status).toBe(404);
    expect((await post(payload)).status).toBe(202);
    expect((await status('sarif-1')).status).toBe(200);
  });

  test('comments: an issue number that is not a number, and a body that is not a string, are refused', async () => {
    const comment = (issue: string, body: unknown) =>
      fetch(`${api.url}/repos/acme/shop/issues/${issue}/comments`, {
        method: 'POST',
        headers: { authorization: 'token t', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await comment('seven', { body: 'x' })).status).toBe(422);
    expect((await comment('7', { body: 7 })).status).toBe(422);
    expect((await comment('7', { body: 'ok' })).status).toBe(201);
  });
});
