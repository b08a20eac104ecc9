import { errorMessage } from '../errors.js';

/**
 * What a registry says when the fault is on its side and the same request may well pass a moment later: a 5xx
 * status, 429, a reset connection, a timeout. The engines word these differently:
 * - Docker 26 (and Docker 28 when the registry's answer is not the registry's JSON error) ends with the status line:
 *   `unexpected status from PUT request to …/manifests/1: 503 Service Unavailable`;
 * - Docker 28 with the containerd store, when the registry answers with its JSON error, prints only the error's
 *   message, no status: `error from registry: unknown error` (the distribution spec's UNKNOWN, "a server-side
 *   error"), `… service unavailable` (UNAVAILABLE), `… too many requests` (TOOMANYREQUESTS). It also retries a
 *   failed manifest PUT once by itself before giving up.
 * - cosign (go-containerregistry) prints the registry's error code: `PUT …/manifests/sha256:…: UNAVAILABLE: service
 *   unavailable; map[]` (it has already retried the request itself).
 * A 401/403/404 (wrong credentials, no such repository) is never retried, however worded.
 */
const TRANSIENT = [
  /\b5\d\d (?:Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout|[A-Z][a-z]+)/,
  /unexpected status(?: code)?:? 5\d\d\b/i,
  /\b429 Too Many Requests\b|\btoomanyrequests\b/i,
  /error from registry: (?:unknown error|service unavailable|too many requests)\s*$/im,
  /connection reset by peer|i\/o timeout|TLS handshake timeout|unexpected EOF/i,
  /: (?:UNAVAILABLE|TOOMANYREQUESTS|UNKNOWN): /,
];

export function isTransientRegistryError(message: string): boolean {
  return TRANSIENT.some((pattern) => pattern.test(message));
}

export interface RetryOptions {
  /** Waits before each retry; its length is the number of retries. */
  delaysMs: readonly number[];
  sleep: (ms: number) => Promise<void>;
  /** Told before each retry, with what failed. */
  onRetry: (message: string, attempt: number, delayMs: number) => void;
}

/** Pushes are idempotent (content-addressed blobs, a manifest PUT per tag), so a registry hiccup earns a retry. */
export const PUSH_RETRY_DELAYS_MS = [2000, 5000] as const;

/** Run `attempt`, again after each delay while it fails with a transient registry error; the last error is thrown. */
export async function retryTransient<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error: unknown) {
      const message = errorMessage(error);
      const delay = options.delaysMs[retry];
      if (delay === undefined || !isTransientRegistryError(message)) throw error;
      options.onRetry(message, retry + 1, delay);
      await options.sleep(delay);
    }
  }
}
