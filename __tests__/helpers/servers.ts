import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { sarifErrors } from './sarif-validate.js';
import { refusal } from './github-openapi.js';

/** The repository's root: the nearest folder up from here with action.yml (also when compiled into build/). */
export function findRoot(from: string): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'action.yml'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no action.yml above ${from}`);
    dir = parent;
  }
  return dir;
}

export const ROOT = findRoot(import.meta.dirname);
/** Recorded data (Trivy's golden reports, the SARIF schema), kept in the repository so every CI has it. */
export const SHARED_FIXTURES = path.join(ROOT, '__tests__', 'fixtures', 'recorded');

/**
 * The folder holding the real Trivy, built from its Go module by scripts/build-trivy.sh at the version the action
 * pins (the global setup builds it and says where in MSA_TRIVY_BIN; otherwise this asks the script, which builds it
 * when it is not there yet: minutes the first time, then nothing). With `reportVersion`: the same Trivy built to
 * call itself that version, for tests of "trivy on PATH is another version".
 */
export function trivyBin(reportVersion?: string): string {
  if (!reportVersion && process.env.MSA_TRIVY_BIN) return process.env.MSA_TRIVY_BIN;
  const args = [path.join(ROOT, 'scripts', 'build-trivy.sh'), '--print'];
  if (reportVersion) args.push('--report-version', reportVersion);
  return execFileSync('bash', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/** PATH as it is, without any trivy on it: a runner with no trivy installed. */
export function pathWithoutTrivy(pathValue = process.env.PATH ?? ''): string {
  return pathValue
    .split(':')
    .filter((p) => p !== '' && !fs.existsSync(path.join(p, 'trivy')))
    .join(':');
}

/**
 * The project's fixture DBs in the local registry, as Trivy's OCI artifacts (scripts/trivy-test-db.sh pushes them
 * in the global setup): advisories for what __tests__/fixtures/services/scanned holds.
 */
export const FIXTURE_DB = 'localhost:5000/trivy-fixtures/trivy-db:2';
export const FIXTURE_JAVA_DB = 'localhost:5000/trivy-fixtures/trivy-java-db:1';
/** A DB with thousands of generated advisories for one package (a report over GitHub's SARIF limits). */
export const LARGE_DB = 'localhost:5000/trivy-fixtures-large/trivy-db:2';
export const FIXTURE_DB_INPUTS = {
  'trivy-db-repository': FIXTURE_DB,
  'trivy-java-db-repository': FIXTURE_JAVA_DB,
} as const;

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * A stand-in for api.github.com's code scanning endpoints, answering as GitHub documents them. Each route takes
 * scripted replies in order (the last one repeats); every request is recorded.
 */
export class FakeGitHubApi {
  readonly requests: RecordedRequest[] = [];
  /**
   * Every SARIF uploaded is checked with Microsoft's SARIF Multitool and GitHub's ingestion rules when the server
   * stops: `stop()` fails with the errors. Off only for tests whose payloads are placeholders, not SARIF.
   */
  readonly validate: boolean;
  private readonly server: http.Server;
  url = '';
  uploads: Reply[] = [
    {
      status: 202,
      body: { id: 'sarif-1', url: 'https://api.github.com/repos/acme/shop/code-scanning/sarifs/sarif-1' },
    },
  ];
  statuses: Reply[] = [
    {
      status: 200,
      body: {
        processing_status: 'complete',
        analyses_url: 'https://api.github.com/repos/acme/shop/code-scanning/analyses?sarif_id=sarif-1',
      },
    },
  ];

  /** Requests refused as GitHub refuses them (401, 404 route, 400, 413, 422), before any scripted reply. */
  readonly refused: { method: string; url: string; status: number }[] = [];
  private readonly refusedRequests = new Set<RecordedRequest>();
  /** The upload ids this stand-in gave out (202); a status request for another id is a 404. */
  private readonly givenIds = new Set<string>();

  /** Issue comments by id, as GitHub keeps them; `commentsForbidden` answers 403 as for a read-only token. */
  readonly comments = new Map<number, { id: number; body: string; issue: number }>();
  commentsForbidden = false;
  private nextCommentId = 1000;

  /**
   * With `processingMs`, uploads get ids of their own (`sarif-1`, `sarif-2`, ...) and each is `pending` until that
   * long after its upload, then `complete`, as github.com processes in its own time (the benchmark's stand-in).
   */
  private readonly processingMs: number | undefined;
  private readonly uploadedAt = new Map<string, number>();

  constructor(options: { validate?: boolean; processingMs?: number } = {}) {
    this.validate = options.validate ?? true;
    this.processingMs = options.processingMs;
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        // What GitHub refuses before anything else, from its published description of these endpoints.
        const refused = refusal(req.method ?? '', req.url ?? '', req.headers, body);
        if (refused) {
          this.refused.push({ method: req.method ?? '', url: req.url ?? '', status: refused.status });
          this.refusedRequests.add(this.requests[this.requests.length - 1]);
          res.writeHead(refused.status, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify(refused.body));
          return;
        }
        let reply: Reply = { status: 404, body: { message: 'Not Found' } };
        const sarifStatus = /^\/repos\/[^/]+\/[^/]+\/code-scanning\/sarifs\/([^/]+)$/.exec(req.url ?? '');
        if (req.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/code-scanning\/sarifs$/.test(req.url ?? '')) {
          reply = this.uploads.length > 1 ? (this.uploads.shift() as Reply) : this.uploads[0];
          if (this.processingMs !== undefined) {
            const id = `sarif-${this.uploadedAt.size + 1}`;
            this.uploadedAt.set(id, Date.now());
            reply = { status: 202, body: { id, url: `${this.url}/repos/acme/shop/code-scanning/sarifs/${id}` } };
          }
        } else if (req.method === 'GET' && sarifStatus && this.processingMs !== undefined) {
          const at = this.uploadedAt.get(sarifStatus[1]);
          reply =
            at === undefined
              ? { status: 404, body: { message: 'Not Found' } }
              : {
                  status: 200,
                  body: { processing_status: Date.now() - at >= this.processingMs ? 'complete' : 'pending' },
                };
        } else if (req.method === 'GET' && sarifStatus) {
          // GitHub knows only the ids it gave out: another is a 404.
          reply = this.givenIds.has(sarifStatus[1])
            ? this.statuses.length > 1
              ? (this.statuses.shift() as Reply)
              : this.statuses[0]
            : { status: 404, body: { message: 'Not Found' } };
        } else if (/^\/repos\/[^/]+\/[^/]+\/issues\//.test(req.url ?? '')) {
          reply = this.issueComments(req.method ?? '', req.url ?? '', body);
        }
        const given = (reply.body as { id?: unknown } | undefined)?.id;
        if (reply.status === 202 && typeof given === 'string') this.givenIds.add(given);
        res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
        res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      });
    });
  }

  async start(): Promise<this> {
    this.url = await listen(this.server);
    return this;
  }

  /**
   * GitHub's issue comments API as documented: list (`GET …/issues/{n}/comments?per_page&page`, 200, oldest
   * first), create (`POST …/issues/{n}/comments`, 201), update (`PATCH …/issues/comments/{id}`, 200); a body over
   * 65,536 characters is a 422; a read-only token gets 403 "Resource not accessible by integration".
   */
  private issueComments(method: string, url: string, body: string): Reply {
    if (this.commentsForbidden && method !== 'GET') {
      return { status: 403, body: { message: 'Resource not accessible by integration', status: '403' } };
    }
    const u = new URL(url, 'http://x');
    const list = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(u.pathname);
    const one = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(u.pathname);
    const text = (): string | undefined => {
      try {
        const parsed = JSON.parse(body) as { body?: unknown };
        return typeof parsed.body === 'string' ? parsed.body : undefined;
      } catch {
        return undefined;
      }
    };
    if (list && method === 'GET') {
      const perPage = Number(u.searchParams.get('per_page') ?? 30);
      const page = Number(u.searchParams.get('page') ?? 1);
      const all = [...this.comments.values()].filter((c) => c.issue === Number(list[1]));
      return { status: 200, body: all.slice((page - 1) * perPage, page * perPage) };
    }
    if (list && method === 'POST') {
      const content = text();
      if (content === undefined || content.length > 65536) {
        return { status: 422, body: { message: 'Validation Failed', errors: [{ field: 'body', code: 'invalid' }] } };
      }
      const comment = { id: this.nextCommentId++, body: content, issue: Number(list[1]) };
      this.comments.set(comment.id, comment);
      return { status: 201, body: comment };
    }
    if (one && method === 'PATCH') {
      const comment = this.comments.get(Number(one[1]));
      const content = text();
      if (!comment) return { status: 404, body: { message: 'Not Found' } };
      if (content === undefined || content.length > 65536) {
        return { status: 422, body: { message: 'Validation Failed', errors: [{ field: 'body', code: 'invalid' }] } };
      }
      comment.body = content;
      return { status: 200, body: comment };
    }
    return { status: 404, body: { message: 'Not Found' } };
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (!this.validate) return;
    // What GitHub took (a refused upload never reached code scanning; its test checks the refusal).
    const taken = this.uploadRequests().filter((request) => !this.refusedRequests.has(request));
    const errors = sarifErrors(taken.map((request) => FakeGitHubApi.sarifOf(request).sarif));
    if (errors.length > 0) {
      throw new Error(
        `SARIF uploaded that code scanning would refuse (SARIF Multitool, Sarif;Ghas):\n${errors.join('\n')}`,
      );
    }
  }

  uploadRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST');
  }

  /** The SARIF of an upload request, un-base64ed and gunzipped. */
  static sarifOf(request: RecordedRequest): {
    payload: Record<string, unknown>;
    sarif: { runs: { automationDetails?: { id?: string }; results?: unknown[] }[] };
  } {
    const payload = JSON.parse(request.body) as Record<string, unknown>;
    const sarif = JSON.parse(zlib.gunzipSync(Buffer.from(String(payload.sarif), 'base64')).toString('utf8'));
    return { payload, sarif };
  }
}

/**
 * A release tarball laid out as Trivy's on GitHub (trivy, LICENSE, README.md at the top), holding the real Trivy
 * this machine built (trivyBin). Made once per machine and binary (gzip of ~150 MB takes seconds) and reused.
 */
export function releaseTarball(): string {
  const bin = path.join(trivyBin(), 'trivy');
  const stat = fs.statSync(bin);
  const tarball = path.join(os.tmpdir(), `msa-trivy-release-${stat.size}-${Math.floor(stat.mtimeMs)}.tar.gz`);
  if (fs.existsSync(tarball)) return tarball;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-release-'));
  try {
    fs.copyFileSync(bin, path.join(dir, 'trivy'));
    fs.chmodSync(path.join(dir, 'trivy'), 0o755);
    fs.writeFileSync(path.join(dir, 'LICENSE'), 'Apache License 2.0 (github.com/aquasecurity/trivy)\n');
    fs.writeFileSync(path.join(dir, 'README.md'), '# Trivy, built from its Go module by scripts/build-trivy.sh\n');
    const partial = path.join(dir, 'release.tar.gz');
    execFileSync('sh', ['-c', 'tar -C "$1" -cf - trivy LICENSE README.md | gzip -1 > "$2"', 'sh', dir, partial]);
    // Several workers may make it at once: the rename is atomic, the last one wins with the same bytes.
    fs.renameSync(partial, tarball);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return tarball;
}

/**
 * A stand-in for Trivy's release downloads on GitHub: the release tarball (the real Trivy, releaseTarball) and a
 * goreleaser checksums file, at <url>/v<version>/<asset>. `corrupt` serves a checksum that does not match.
 */
export class FakeReleaseServer {
  private readonly server: http.Server;
  private readonly files = new Map<string, Buffer>();
  readonly requests: string[] = [];
  url = '';

  constructor(version: string, options: { corrupt?: boolean } = {}) {
    const asset = `trivy_${version}_${process.platform === 'darwin' ? 'macOS' : 'Linux'}-${process.arch === 'arm64' ? 'ARM64' : '64bit'}.tar.gz`;
    const bytes = fs.readFileSync(releaseTarball());
    const sum = crypto
      .createHash('sha256')
      .update(options.corrupt ? Buffer.from('something else') : bytes)
      .digest('hex');
    this.files.set(`/v${version}/${asset}`, bytes);
    this.files.set(
      `/v${version}/trivy_${version}_checksums.txt`,
      Buffer.from(`${'0'.repeat(64)}  trivy_${version}_Windows-64bit.zip\n${sum}  ${asset}\n`),
    );
    this.server = http.createServer((req, res) => {
      this.requests.push(req.url ?? '');
      const file = this.files.get(req.url ?? '');
      if (!file) {
        res.writeHead(404);
        res.end('Not Found');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(file.length) });
      res.end(file);
    });
  }

  async start(): Promise<this> {
    this.url = await listen(this.server);
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface CacheEntry {
  key: string;
  version: string;
  data: Buffer;
}

/**
 * A stand-in for the Actions cache service as @actions/cache speaks to it on GitHub Enterprise Server (the "v1"
 * artifactcache API: look up, reserve, upload chunks, commit, download), so the real @actions/cache code saves and
 * restores real tarballs. Keys match as the service documents: the first exactly, the rest as prefixes.
 */
/**
 * A stand-in for the runner's cache service, speaking either protocol @actions/cache does:
 * - `v2`, what github.com runners use (ACTIONS_CACHE_SERVICE_V2 set): Twirp JSON calls on ACTIONS_RESULTS_URL
 *   (GetCacheEntryDownloadURL, CreateCacheEntry, FinalizeCacheEntryUpload; proto field names), the archive PUT to
 *   a signed blob URL by the Azure storage SDK (one shot, `x-ms-blob-type: BlockBlob`, as Azurite's path-style URLs)
 *   and fetched from a signed download URL;
 * - `v1`, the artifactcache REST API GHES still uses: reserve, PATCH chunks, commit.
 * Keys match exactly, else by prefix, newest entry first, as the service does.
 */
export class FakeCacheService {
  /**
   * ACTIONS_RUNTIME_TOKEN as the runner gives it: a JWT whose `ac` claim lists the cache scopes the job may read and
   * write (BuildKit's gha cache reads them, unverified, and refuses a token of another shape).
   */
  readonly token = [
    { alg: 'RS256', typ: 'JWT' },
    {
      ac: JSON.stringify([{ Scope: 'refs/heads/main', Permission: 3 }]),
      nbf: Math.floor(Date.now() / 1000) - 60,
      exp: Math.floor(Date.now() / 1000) + 3600,
      iss: 'vstoken.actions.githubusercontent.com',
    },
  ]
    .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
    .concat(Buffer.from('not-a-real-signature').toString('base64url'))
    .join('.');
  private readonly server: http.Server;
  readonly entries: CacheEntry[] = [];
  private readonly reserved = new Map<
    number,
    { key: string; version: string; chunks: { start: number; data: Buffer }[]; blocks: Map<string, Buffer> }
  >();
  readonly requests: string[] = [];
  /** The Azure blob calls the uploads took: 'blob' (one Put Blob), 'block', 'blocklist'. */
  readonly azureRequests: string[] = [];
  url = '';

  /** Answer every request 503, as a cache service having an outage does. */
  down = false;

  constructor(readonly protocol: 'v1' | 'v2' = 'v2') {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const url = new URL(req.url ?? '/', 'http://x');
        this.requests.push(`${req.method} ${url.pathname}${url.search}`);
        const json = (status: number, value?: unknown): void => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(value === undefined ? '' : JSON.stringify(value));
        };
        if (this.down) return json(503, { message: 'Service Unavailable' });
        if (this.protocol === 'v2') return this.v2(req, res, url, body, json);
        const api = '/_apis/artifactcache/';
        if (req.method === 'GET' && url.pathname === `${api}cache`) {
          const version = url.searchParams.get('version') ?? '';
          const found = this.find((url.searchParams.get('keys') ?? '').split(','), version);
          if (found) {
            return json(200, {
              cacheKey: found.key,
              scope: 'refs/heads/main',
              archiveLocation: `${this.url}/archive/${this.entries.indexOf(found)}`,
            });
          }
          return json(204);
        }
        if (req.method === 'GET' && url.pathname.startsWith('/archive/')) {
          const entry = this.entries[Number(url.pathname.split('/').pop())];
          res.writeHead(200, {
            'content-type': 'application/octet-stream',
            'content-length': String(entry.data.length),
          });
          return res.end(entry.data);
        }
        if (req.method === 'POST' && url.pathname === `${api}caches`) {
          const { key, version } = JSON.parse(body.toString()) as { key: string; version: string };
          if (this.entries.some((e) => e.key === key && e.version === version)) {
            return json(409, {
              message: `Cache already exists. Scope: refs/heads/main, Key: ${key}, Version: ${version}`,
            });
          }
          const id = this.reserved.size + 1;
          this.reserved.set(id, { key, version, chunks: [], blocks: new Map() });
          return json(201, { cacheId: id });
        }
        const idMatch = new RegExp(`^${api}caches/(\\d+)$`).exec(url.pathname);
        const reservation = idMatch ? this.reserved.get(Number(idMatch[1])) : undefined;
        if (req.method === 'PATCH' && reservation) {
          const start = Number(/bytes (\d+)-/.exec(String(req.headers['content-range']))?.[1] ?? 0);
          reservation.chunks.push({ start, data: body });
          return json(204);
        }
        if (req.method === 'POST' && reservation) {
          const data = Buffer.concat(reservation.chunks.sort((a, b) => a.start - b.start).map((c) => c.data));
          this.entries.push({ key: reservation.key, version: reservation.version, data });
          return json(204);
        }
        return json(404, { message: 'Not Found' });
      });
    });
  }

  /**
   * As GitHub documents its cache matching: for each key in order, an exact match, else the newest entry the key is
   * a prefix of (BuildKit relies on the prefix match of the first key to find `index-<scope>-…#N`).
   */
  private find(keys: string[], version: string): CacheEntry | undefined {
    const newestFirst = [...this.entries].reverse().filter((e) => e.version === version);
    for (const key of keys) {
      const found = newestFirst.find((e) => e.key === key) ?? newestFirst.find((e) => e.key.startsWith(key));
      if (found) return found;
    }
    return undefined;
  }

  private v2(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    body: Buffer,
    json: (status: number, value?: unknown) => void,
  ): void {
    const twirp = '/twirp/github.actions.results.api.v1.CacheService/';
    const call = req.method === 'POST' && url.pathname.startsWith(twirp) ? url.pathname.slice(twirp.length) : '';
    const request = call ? (JSON.parse(body.toString() || '{}') as Record<string, unknown>) : {};
    if (call && req.headers.authorization !== `Bearer ${this.token}`) {
      return json(401, { code: 'unauthenticated', msg: 'token missing or wrong' });
    }
    if (call === 'GetCacheEntryDownloadURL') {
      const keys = [String(request.key), ...((request.restore_keys as string[] | undefined) ?? [])];
      const found = this.find(keys, String(request.version));
      if (!found) return json(200, { ok: false });
      const index = this.entries.indexOf(found);
      return json(200, {
        ok: true,
        signed_download_url: `${this.url}/devstoreaccount1/actions-cache/${index}?sv=2024-08-04&sig=read`,
        matched_key: found.key,
      });
    }
    if (call === 'CreateCacheEntry') {
      const key = String(request.key);
      const version = String(request.version);
      if (this.entries.some((e) => e.key === key && e.version === version)) {
        return json(409, {
          code: 'already_exists',
          msg: 'cache entry with the same key, version, and scope already exists',
        });
      }
      const id = this.reserved.size + 1;
      this.reserved.set(id, { key, version, chunks: [], blocks: new Map() });
      return json(200, {
        ok: true,
        signed_upload_url: `${this.url}/devstoreaccount1/actions-cache/upload-${id}?sv=2024-08-04&sig=write`,
      });
    }
    if (call === 'FinalizeCacheEntryUpload') {
      const entry = [...this.reserved.entries()].find(
        ([, r]) => r.key === request.key && r.version === request.version,
      );
      const data = entry ? Buffer.concat(entry[1].chunks.map((c) => c.data)) : undefined;
      if (!entry || !data || data.length !== Number(request.size_bytes))
        return json(200, { ok: false, message: 'no upload' });
      this.entries.push({ key: entry[1].key, version: entry[1].version, data });
      return json(200, { ok: true, entry_id: String(this.entries.length) });
    }
    const blob = /^\/devstoreaccount1\/actions-cache\/(upload-)?(\d+)$/.exec(url.pathname);
    const azureHeaders = {
      etag: `"0x${Date.now().toString(16)}"`,
      'last-modified': new Date().toUTCString(),
      'x-ms-request-id': `req-${Date.now()}`,
      'x-ms-version': '2024-08-04',
      'x-ms-request-server-encrypted': 'true',
    };
    if (blob && req.method === 'PUT' && blob[1] && url.searchParams.get('sig') === 'write') {
      const reservation = this.reserved.get(Number(blob[2]));
      if (!reservation) return json(404, { message: 'no such upload' });
      // The Azure blob protocol as BuildKit's client (azblob UploadStream) speaks it: a small blob in one Put Blob,
      // a larger one as Put Block (comp=block&blockid=...) per chunk, then Put Block List (comp=blocklist).
      const comp = url.searchParams.get('comp');
      if (comp === 'block') {
        const id = url.searchParams.get('blockid');
        if (!id) return json(400, { message: 'blockid missing' });
        reservation.blocks.set(id, body);
      } else if (comp === 'blocklist') {
        const ids = [...body.toString().matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]+)<\//g)].map((m) => m[1]);
        const missing = ids.filter((id) => !reservation.blocks.has(id));
        if (missing.length > 0) return json(400, { message: `InvalidBlockList: ${missing.join(',')}` });
        reservation.chunks = [{ start: 0, data: Buffer.concat(ids.map((id) => reservation.blocks.get(id) as Buffer)) }];
      } else if (req.headers['x-ms-blob-type'] === 'BlockBlob') {
        reservation.chunks = [{ start: 0, data: body }];
      } else {
        return json(400, { message: 'bad upload' });
      }
      this.azureRequests.push(comp ?? 'blob');
      res.writeHead(201, azureHeaders);
      return void res.end();
    }
    if (blob && (req.method === 'GET' || req.method === 'HEAD') && !blob[1] && url.searchParams.get('sig') === 'read') {
      const entry = this.entries[Number(blob[2])];
      if (!entry) return json(404, { message: 'BlobNotFound' });
      // Ranged reads (x-ms-range or Range: bytes=start-[end]), as the azblob client resumes a download.
      const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers['x-ms-range'] ?? req.headers.range ?? ''));
      const from = range ? Number(range[1]) : 0;
      const to = range && range[2] ? Math.min(Number(range[2]), entry.data.length - 1) : entry.data.length - 1;
      const data = entry.data.subarray(from, to + 1);
      res.writeHead(range ? 206 : 200, {
        ...azureHeaders,
        'content-type': 'application/octet-stream',
        'content-length': String(data.length),
        'x-ms-blob-type': 'BlockBlob',
        'accept-ranges': 'bytes',
        ...(range ? { 'content-range': `bytes ${from}-${to}/${entry.data.length}` } : {}),
      });
      return void res.end(req.method === 'HEAD' ? undefined : data);
    }
    json(404, { code: 'bad_route', msg: `no handler for ${req.method} ${url.pathname}` });
  }

  /** The environment the runner gives a step when its cache service is there. */
  env(): Record<string, string> {
    return this.protocol === 'v2'
      ? {
          ACTIONS_RESULTS_URL: `${this.url}/`,
          ACTIONS_RUNTIME_TOKEN: this.token,
          ACTIONS_CACHE_SERVICE_V2: 'True',
        }
      : { ACTIONS_CACHE_URL: `${this.url}/`, ACTIONS_RUNTIME_TOKEN: this.token };
  }

  keys(): string[] {
    return this.entries.map((e) => e.key);
  }

  async start(): Promise<this> {
    this.url = await listen(this.server);
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
