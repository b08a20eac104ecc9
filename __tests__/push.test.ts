import { describe, expect, test } from '@jest/globals';
import { isTransientRegistryError, retryTransient } from '../src/push/retry.js';
import { digestFromPush } from '../src/push/phase.js';

describe('registry errors worth a retry', () => {
  test.each([
    // buildx, as CI saw it from Debian's registry
    'Building target "static" failed: unexpected status from HEAD request to http://localhost:5000/v2/x/manifests/static: 500 Internal Server Error',
    // docker push
    'docker push failed with exit code 1:\nreceived unexpected HTTP status: 502 Bad Gateway',
    'failed to do request: Head "https://ghcr.io/v2/o/r/blobs/sha256:ab": read tcp 10.1.0.4:443: connection reset by peer',
    'toomanyrequests: You have reached your pull rate limit',
    'net/http: TLS handshake timeout',
    'unexpected status code 503 Service Unavailable',
    // Docker 28.5 (containerd store), each as it printed it against a registry answering so
    'unknown: failed commit on ref "manifest-sha256:a9ed": unexpected status from PUT request to http://localhost:5056/v2/t/busy/manifests/2: 503 Service Unavailable',
    'docker push failed with exit code 1:\nThe push refers to repository [localhost:5055/t/busy]\nerror from registry: unknown error',
    'docker push failed with exit code 1:\nerror from registry: service unavailable',
    'unexpected status from PUT request to http://localhost:5056/v2/t/busy/manifests/2: 429 Too Many Requests',
    // cosign 3.1 (go-containerregistry), as it printed it against a registry answering 503
    'Error: writing index: PUT http://localhost:37585/v2/msa-test/down2/manifests/sha256:124a: UNAVAILABLE: service unavailable; map[]',
  ])('retried: %s', (message) => {
    expect(isTransientRegistryError(message)).toBe(true);
  });

  test.each([
    'denied: requested access to the resource is denied',
    'unexpected status from HEAD request to https://ghcr.io/v2/o/r/manifests/x: 401 Unauthorized',
    'name unknown: repository name not known to registry',
    'Building target "api" failed at line 12: process "/bin/sh -c npm test" did not complete successfully: exit code: 1',
    'An image does not exist locally with the tag: msa/x:y',
    // Docker 28.5
    'unknown: failed commit on ref "manifest-sha256:a9ed": unexpected status from PUT request to http://localhost:5056/v2/t/busy/manifests/2: 403 Forbidden',
    'error from registry: requested access to the resource is denied',
    'error from registry: authentication required',
    // cosign 3.1
    'Error: writing index: PUT http://localhost:5000/v2/x/manifests/sha256:12: DENIED: requested access to the resource is denied; map[]',
    'Error: writing index: PUT http://localhost:5000/v2/x/manifests/sha256:12: UNAUTHORIZED: authentication required; map[]',
  ])('not retried: %s', (message) => {
    expect(isTransientRegistryError(message)).toBe(false);
  });
});

describe('retryTransient', () => {
  const options = (log: string[]) => ({
    delaysMs: [2000, 5000],
    sleep: async (ms: number) => {
      log.push(`sleep ${ms}`);
    },
    onRetry: (message: string, attempt: number, delay: number) =>
      log.push(`retry ${attempt} after ${delay}: ${message}`),
  });

  test('a 500 then success: one retry, told, and the result returned', async () => {
    const log: string[] = [];
    let calls = 0;
    const result = await retryTransient(async () => {
      calls++;
      if (calls === 1) throw new Error('received unexpected HTTP status: 500 Internal Server Error');
      return 'sha256:ok';
    }, options(log));
    expect(result).toBe('sha256:ok');
    expect(calls).toBe(2);
    expect(log).toEqual([
      'retry 1 after 2000: received unexpected HTTP status: 500 Internal Server Error',
      'sleep 2000',
    ]);
  });

  test('always 503: retried twice, then the last error is thrown', async () => {
    const log: string[] = [];
    let calls = 0;
    await expect(
      retryTransient(async () => {
        calls++;
        throw new Error(`503 Service Unavailable (attempt ${calls})`);
      }, options(log)),
    ).rejects.toThrow('503 Service Unavailable (attempt 3)');
    expect(calls).toBe(3);
    expect(log.filter((l) => l.startsWith('sleep'))).toEqual(['sleep 2000', 'sleep 5000']);
  });

  test('denied: thrown at once, no retry', async () => {
    const log: string[] = [];
    let calls = 0;
    await expect(
      retryTransient(async () => {
        calls++;
        throw new Error('denied: requested access to the resource is denied');
      }, options(log)),
    ).rejects.toThrow('denied');
    expect(calls).toBe(1);
    expect(log).toEqual([]);
  });
});

describe('digestFromPush', () => {
  test('the last digest line of docker push', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(digestFromPush(`static: digest: ${digest} size: 1234\n`)).toBe(digest);
    expect(digestFromPush('nothing here')).toBeUndefined();
  });
});
