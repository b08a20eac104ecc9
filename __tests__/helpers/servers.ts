import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';

export const TRIVY_DOUBLE_BIN = path.resolve(import.meta.dirname, '..', 'fixtures', 'trivy', 'bin');
export const SHARED_FIXTURES = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures');

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

  constructor() {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        let reply: Reply = { status: 404, body: { message: 'Not Found' } };
        if (req.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/code-scanning\/sarifs$/.test(req.url ?? '')) {
          reply = this.uploads.length > 1 ? (this.uploads.shift() as Reply) : this.uploads[0];
        } else if (
          req.method === 'GET' &&
          /^\/repos\/[^/]+\/[^/]+\/code-scanning\/sarifs\/[^/]+$/.test(req.url ?? '')
        ) {
          reply = this.statuses.length > 1 ? (this.statuses.shift() as Reply) : this.statuses[0];
        }
        res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
        res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      });
    });
  }

  async start(): Promise<this> {
    this.url = await listen(this.server);
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
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
 * A stand-in for Trivy's release downloads: a real tar.gz holding the trivy double, and a goreleaser checksums
 * file, at <url>/v<version>/<asset>. `corrupt` serves a checksum that does not match.
 */
export class FakeReleaseServer {
  private readonly server: http.Server;
  private readonly files = new Map<string, Buffer>();
  readonly requests: string[] = [];
  url = '';

  constructor(version: string, options: { corrupt?: boolean } = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-release-'));
    fs.copyFileSync(path.join(TRIVY_DOUBLE_BIN, 'trivy'), path.join(dir, 'trivy'));
    fs.chmodSync(path.join(dir, 'trivy'), 0o755);
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "commonjs" }');
    fs.writeFileSync(path.join(dir, 'LICENSE'), 'Apache-2.0 (test double)\n');
    const asset = `trivy_${version}_${process.platform === 'darwin' ? 'macOS' : 'Linux'}-${process.arch === 'arm64' ? 'ARM64' : '64bit'}.tar.gz`;
    const tarball = path.join(dir, asset);
    execFileSync('tar', ['-czf', tarball, '-C', dir, 'trivy', 'package.json', 'LICENSE']);
    const bytes = fs.readFileSync(tarball);
    const sum = crypto
      .createHash('sha256')
      .update(options.corrupt ? Buffer.from('something else') : bytes)
      .digest('hex');
    this.files.set(`/v${version}/${asset}`, bytes);
    this.files.set(
      `/v${version}/trivy_${version}_checksums.txt`,
      Buffer.from(`${'0'.repeat(64)}  trivy_${version}_Windows-64bit.zip\n${sum}  ${asset}\n`),
    );
    fs.rmSync(dir, { recursive: true, force: true });
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
