import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { waitForProcessing, type SarifPayload } from '../src/sarif/upload.js';
import { octokitCodeScanning, writeGroup } from '../src/sarif/octokit.js';
import { FakeGitHubApi } from './helpers/servers.js';

// The real Octokit client (with its retry and throttling plugins) against a server answering as GitHub documents.
let api: FakeGitHubApi;
const logs: string[] = [];
const payload: SarifPayload = {
  commit_sha: 'abc',
  ref: 'refs/heads/main',
  sarif: 'H4sI',
  checkout_uri: '/w',
  tool_name: 'Trivy',
};

beforeEach(async () => {
  // The payloads here are placeholders (the client is under test, not the SARIF): nothing to validate.
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
    expect(
      await waitForProcessing(client(), 'acme', 'shop', 'x', {
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
      await waitForProcessing(client(), 'acme', 'shop', 'x', {
        timeoutMs: 5000,
        now: () => t,
        sleep: async (ms) => void (t += ms),
      }),
    ).toEqual({ status: 'timeout' });
  });
});
