export const REGISTRY = 'localhost:5000';

/** The manifest digest a registry holds for a tag, or undefined when it has none. */
export async function registryDigest(repository: string, tag: string): Promise<string | undefined> {
  const response = await fetch(`http://127.0.0.1:5000/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      accept: [
        'application/vnd.oci.image.index.v1+json',
        'application/vnd.oci.image.manifest.v1+json',
        'application/vnd.docker.distribution.manifest.list.v2+json',
        'application/vnd.docker.distribution.manifest.v2+json',
      ].join(', '),
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
