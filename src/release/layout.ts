import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Runner } from '../exec.js';
import { ToolError } from '../errors.js';
import { splitReference } from '../docker/reference.js';
import { tarStream, type TarEntry } from './tar.js';

/**
 * A build result as BuildKit's `oci` exporter writes it (`type=oci,dest=<dir>,tar=false`): every platform's image
 * and its attestations, byte for byte what is pushed. The gates run on one platform of it, loaded into the engine
 * from these very blobs; the push sends these very blobs. Digests come from BuildKit; each is checked for its form
 * before it names a file, and JSON documents are read within a bound.
 */

export const MEDIA = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  inToto: 'application/vnd.in-toto+json',
  empty: 'application/vnd.oci.empty.v1+json',
  attestationManifest: 'application/vnd.docker.attestation.manifest.v1+json',
} as const;

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  artifactType?: string;
  data?: string;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;
/** Manifests, indexes and image configs are small; a bigger one is not BuildKit's. */
const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

export const isIndex = (mediaType: string): boolean => mediaType === MEDIA.index || mediaType === MEDIA.dockerList;
export const isAttestation = (d: Descriptor): boolean =>
  d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest';
export const platformText = (p: Platform | undefined): string =>
  p ? [p.os, p.architecture, p.variant].filter(Boolean).join('/') : '';

export function sha256(bytes: Buffer | string): string {
  return `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
}

/** Canonical bytes of a JSON document, as every digest of ours is taken over. */
const jsonBytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

export class OciLayout {
  constructor(readonly dir: string) {}

  blobPath(digest: string): string {
    if (!DIGEST_RE.test(digest)) throw new ToolError('buildx', `the OCI layout names a blob "${digest}"`);
    return path.join(this.dir, 'blobs', 'sha256', digest.slice('sha256:'.length));
  }

  private readDocument<T>(file: string): T {
    const stat = fs.lstatSync(file);
    if (!stat.isFile() || stat.size > MAX_DOCUMENT_BYTES) {
      throw new ToolError('buildx', `the OCI layout's ${path.basename(file)} is not a document BuildKit writes`);
    }
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  }

  readBlob<T>(digest: string): T {
    return this.readDocument<T>(this.blobPath(digest));
  }

  /**
   * The one image (index or manifest) the layout holds. BuildKit's exporter writes one entry per tag, all naming
   * the same digest; entries naming different digests are not a build result.
   */
  top(): Descriptor {
    const index = this.readDocument<ImageIndex>(path.join(this.dir, 'index.json'));
    const entries = Array.isArray(index.manifests) ? index.manifests : [];
    const digests = new Set(entries.map((d) => d.digest));
    if (entries.length === 0 || digests.size !== 1) {
      throw new ToolError('buildx', `the OCI layout holds ${digests.size} images, not one`);
    }
    return entries[0];
  }

  /** The image index, or undefined when the layout holds a single manifest. */
  index(): ImageIndex | undefined {
    const top = this.top();
    return isIndex(top.mediaType) ? this.readBlob<ImageIndex>(top.digest) : undefined;
  }

  /** Every platform's image (attestations left out). */
  images(): Descriptor[] {
    const index = this.index();
    if (!index) {
      const top = this.top();
      return [{ ...top, platform: top.platform ?? this.configPlatform(top) }];
    }
    return index.manifests.filter((d) => !isAttestation(d) && !isIndex(d.mediaType));
  }

  private configPlatform(descriptor: Descriptor): Platform | undefined {
    const manifest = this.readBlob<ImageManifest>(descriptor.digest);
    const config = this.readBlob<{ os?: string; architecture?: string; variant?: string }>(manifest.config.digest);
    return config.os && config.architecture
      ? { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) }
      : undefined;
  }

  /** The image of one platform (`linux/amd64`, `linux/arm/v7`), or the only one when none is named. */
  imageFor(platform: string | undefined): Descriptor {
    const images = this.images();
    if (!platform) {
      if (images.length !== 1) {
        throw new ToolError('buildx', `the build holds ${images.length} platforms; which one to test was not decided`);
      }
      return images[0];
    }
    const [os, architecture, variant] = platform.split('/');
    const found = images.find(
      (d) =>
        d.platform?.os === os &&
        d.platform.architecture === architecture &&
        (variant === undefined || d.platform.variant === variant),
    );
    if (!found) {
      throw new ToolError(
        'buildx',
        `the build holds no ${platform} image (it holds ${images.map((d) => platformText(d.platform)).join(', ')})`,
      );
    }
    return found;
  }

  writeBlob(bytes: Buffer): { digest: string; size: number } {
    const digest = sha256(bytes);
    fs.writeFileSync(this.blobPath(digest), bytes);
    return { digest, size: bytes.length };
  }

  /** Make `top` the layout's one image, with its annotations (cosign's `load` reads which kind it is from them). */
  setTop(top: Descriptor): void {
    const index: ImageIndex = { schemaVersion: 2, mediaType: MEDIA.index, manifests: [top] };
    fs.writeFileSync(path.join(this.dir, 'index.json'), jsonBytes(index));
  }
}

/** `docker.io/library/app:1` for `app:1`: the name the containerd image store keeps an image under. */
export function normalizedName(reference: string): string {
  const { name, tag } = splitReference(reference);
  const first = name.split('/')[0];
  const hasDomain = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const full = hasDomain ? name : `docker.io/${name.includes('/') ? name : `library/${name}`}`;
  return `${full}:${tag ?? 'latest'}`;
}

/** One platform of the layout: its manifest's descriptor and the manifest itself (its config and layers). */
export interface LayoutImage {
  manifest: Descriptor;
  content: ImageManifest;
}

/** The platform the gates run on (the only one when undefined), its manifest read once. */
export function layoutImage(layout: OciLayout, platform: string | undefined): LayoutImage {
  const manifest = layout.imageFor(platform);
  return { manifest, content: layout.readBlob<ImageManifest>(manifest.digest) };
}

/**
 * Load one platform of the layout into the engine under `tags`, from the layout's own blobs: a tar stream in the
 * form `docker load` reads on both image stores (the OCI `index.json` the containerd store reads, the
 * `manifest.json` the classic store reads). The caller checks what the engine then holds (checkLoaded).
 */
export async function loadIntoEngine(
  run: Runner,
  layout: OciLayout,
  image: LayoutImage,
  tags: readonly string[],
): Promise<void> {
  const { manifest: manifestDescriptor, content: manifest } = image;
  const blob = (digest: string): string => path.relative(layout.dir, layout.blobPath(digest));
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: MEDIA.index,
    manifests: tags.map((tag) => ({
      mediaType: manifestDescriptor.mediaType,
      digest: manifestDescriptor.digest,
      size: manifestDescriptor.size,
      annotations: {
        'io.containerd.image.name': normalizedName(tag),
        'org.opencontainers.image.ref.name': splitReference(tag).tag ?? 'latest',
      },
    })),
  };
  const dockerManifest = [
    { Config: blob(manifest.config.digest), RepoTags: [...tags], Layers: manifest.layers.map((l) => blob(l.digest)) },
  ];
  const seen = new Set<string>();
  const blobs: TarEntry[] = [];
  for (const d of [manifestDescriptor, manifest.config, ...manifest.layers]) {
    if (seen.has(d.digest)) continue;
    seen.add(d.digest);
    const file = layout.blobPath(d.digest);
    const stat = fs.lstatSync(file);
    if (!stat.isFile()) throw new ToolError('buildx', `the OCI layout's blob ${d.digest} is not a file`);
    blobs.push({ name: blob(d.digest), file, size: stat.size });
  }
  const entries: TarEntry[] = [
    { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
    { name: 'index.json', data: jsonBytes(index) },
    { name: 'manifest.json', data: jsonBytes(dockerManifest) },
    ...blobs,
  ];
  await run('docker', ['load'], { input: tarStream(entries) });
}

/**
 * What the engine holds under the first tag is the layout's image, or this is a tool failure (what is pushed is
 * what was tested). Its id is the digest of what was loaded on the containerd image store (the layout's index when
 * the build loaded it, the platform's manifest when it was loaded from the layout) and the config's on the classic
 * store.
 */
export function checkLoaded(imageId: string, layout: OciLayout, image: LayoutImage, tag: string): void {
  const accepted = [layout.top().digest, image.manifest.digest, image.content.config.digest];
  if (!accepted.includes(imageId)) {
    throw new ToolError(
      'docker load',
      `the engine holds ${imageId} under ${tag}, not the built image (index ${accepted[0]}, manifest ${accepted[1]}, config ${accepted[2]})`,
    );
  }
}

/**
 * Attach an in-toto statement to one platform's image the way BuildKit attaches its own (an attestation manifest
 * in the index that refers to the image, a layer per statement annotated with its predicate type): added to the
 * image's attestation manifest when it has one, else in a new one. The image manifests are untouched; the index
 * (and so the pushed digest) changes. Returns the new top descriptor.
 */
export function attachStatement(
  layout: OciLayout,
  subject: Descriptor,
  predicateType: string,
  statement: Buffer,
): Descriptor {
  let top = layout.top();
  let index = layout.index();
  if (!index) {
    // A single manifest: wrap it in an index, as BuildKit does for an image with attestations.
    index = {
      schemaVersion: 2,
      mediaType: MEDIA.index,
      manifests: [{ mediaType: top.mediaType, digest: top.digest, size: top.size, platform: subject.platform }],
    };
  }
  const layer = {
    ...layout.writeBlob(statement),
    mediaType: MEDIA.inToto,
    annotations: { 'in-toto.io/predicate-type': predicateType },
  };
  const at = index.manifests.findIndex(
    (d) => isAttestation(d) && d.annotations?.['vnd.docker.reference.digest'] === subject.digest,
  );
  let manifest: ImageManifest;
  if (at >= 0) {
    manifest = layout.readBlob<ImageManifest>(index.manifests[at].digest);
    manifest = { ...manifest, layers: [...manifest.layers, layer] };
  } else {
    const emptyConfig = layout.writeBlob(Buffer.from('{}'));
    manifest = {
      schemaVersion: 2,
      mediaType: MEDIA.manifest,
      artifactType: MEDIA.attestationManifest,
      config: { mediaType: MEDIA.empty, ...emptyConfig, data: Buffer.from('{}').toString('base64') },
      layers: [layer],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    };
  }
  const written = layout.writeBlob(jsonBytes(manifest));
  const descriptor: Descriptor = {
    mediaType: MEDIA.manifest,
    ...written,
    annotations: {
      'vnd.docker.reference.digest': subject.digest,
      'vnd.docker.reference.type': 'attestation-manifest',
    },
    platform: { architecture: 'unknown', os: 'unknown' },
  };
  const manifests = [...index.manifests];
  if (at >= 0) manifests[at] = descriptor;
  else manifests.push(descriptor);
  const newIndex = layout.writeBlob(jsonBytes({ ...index, manifests }));
  top = { mediaType: MEDIA.index, ...newIndex, annotations: top.annotations };
  layout.setTop(top);
  return top;
}
