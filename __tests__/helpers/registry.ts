import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export const REGISTRY = 'localhost:5000';

/** Every manifest and index type, so the registry answers with what it holds. */
const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** The manifest digest a registry holds for a tag, or undefined when it has none. */
export async function registryDigest(repository: string, tag: string): Promise<string | undefined> {
  const response = await fetch(`http://127.0.0.1:5000/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      accept: MANIFEST_TYPES,
    },
  });
  return response.status === 200 ? (response.headers.get('docker-content-digest') ?? undefined) : undefined;
}

/** The platforms of an image index in the registry. */
export async function registryPlatforms(repository: string, tag: string): Promise<string[]> {
  const response = await fetch(`http://127.0.0.1:5000/v2/${repository}/manifests/${tag}`, {
    headers: {
      accept: 'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json',
    },
  });
  const index = (await response.json()) as { manifests?: { platform?: { os: string; architecture: string } }[] };
  return (index.manifests ?? [])
    .map((m) => m.platform)
    .filter((p): p is { os: string; architecture: string } => Boolean(p) && p?.os !== 'unknown')
    .map((p) => `${p.os}/${p.architecture}`)
    .sort();
}

export interface Fault {
  /** Which requests fail, e.g. a manifest PUT. */
  matches: (method: string, url: string) => boolean;
  status: number;
  /** How many matching requests fail before the rest pass through; Infinity = every one. */
  times: number;
}

/**
 * The real registry behind a proxy on another localhost port that answers chosen requests with an error, as a
 * registry in trouble does (status line and the registry's JSON error body). Everything else passes through
 * untouched, Host header included, so the registry's upload Locations keep pointing at the proxy.
 */
export class FlakyRegistry {
  readonly failed: string[] = [];
  /** Every request, `METHOD url`, failed or passed through. */
  readonly seen: string[] = [];
  private server = http.createServer((req, res) => this.handle(req, res));

  constructor(private fault: Fault) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `localhost:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    this.seen.push(`${method} ${url}`);
    if (this.failed.length < this.fault.times && this.fault.matches(method, url)) {
      this.failed.push(`${method} ${url}`);
      req.resume();
      if (this.fault.status === 502) {
        // A proxy in front of the registry failing: its own HTML page, no registry error body.
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end(method === 'HEAD' ? undefined : '<html><body><h1>502 Bad Gateway</h1></body></html>');
        return;
      }
      // The registry's own JSON errors (distribution spec): 503 UNAVAILABLE, 429 TOOMANYREQUESTS, else UNKNOWN.
      const error =
        this.fault.status === 503
          ? { code: 'UNAVAILABLE', message: 'service unavailable', detail: {} }
          : this.fault.status === 429
            ? { code: 'TOOMANYREQUESTS', message: 'too many requests', detail: {} }
            : { code: 'UNKNOWN', message: 'unknown error', detail: {} };
      const body = JSON.stringify({ errors: [error] });
      res.writeHead(this.fault.status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(method === 'HEAD' ? undefined : body);
      return;
    }
    const upstream = http.request(
      { host: '127.0.0.1', port: 5000, method, path: url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }
}

/** A manifest or index the registry holds (by tag or digest), as JSON. */
export async function registryManifest(repository: string, reference: string): Promise<RegistryManifest> {
  const response = await fetch(`http://127.0.0.1:5000/v2/${repository}/manifests/${reference}`, {
    headers: {
      accept: MANIFEST_TYPES,
    },
  });
  if (response.status !== 200) throw new Error(`registry: ${repository}:${reference} answered ${response.status}`);
  return (await response.json()) as RegistryManifest;
}

/** A blob the registry holds, as JSON. */
export async function registryBlob<T>(repository: string, digest: string): Promise<T> {
  const response = await fetch(`http://127.0.0.1:5000/v2/${repository}/blobs/${digest}`);
  if (response.status !== 200) throw new Error(`registry: blob ${digest} answered ${response.status}`);
  return (await response.json()) as T;
}

export interface RegistryDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface RegistryManifest {
  mediaType?: string;
  manifests?: RegistryDescriptor[];
  layers?: RegistryDescriptor[];
  config?: RegistryDescriptor;
  subject?: RegistryDescriptor;
}

/** The attestation manifest of an index that is about `digest`, and the predicate types of its layers. */
export async function attestationsFor(
  repository: string,
  index: RegistryManifest,
  digest: string,
): Promise<{ manifest: RegistryManifest; predicateTypes: string[] }> {
  const descriptor = (index.manifests ?? []).find(
    (m) =>
      m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' &&
      m.annotations['vnd.docker.reference.digest'] === digest,
  );
  if (!descriptor) throw new Error(`no attestation manifest for ${digest}`);
  const manifest = await registryManifest(repository, descriptor.digest);
  return {
    manifest,
    predicateTypes: (manifest.layers ?? []).map((l) => l.annotations?.['in-toto.io/predicate-type'] ?? ''),
  };
}
