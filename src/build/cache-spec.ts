import { parse } from 'csv-parse/sync';

/**
 * `cache-from` / `cache-to` entries checked the way BuildKit reads them (cache/remotecache/*: the attribute names
 * each backend knows), so a typo is refused by name before any work instead of reaching buildx as "invalid value".
 * Values are never echoed: an s3 or azblob entry may carry a secret key.
 */

/** Attributes every exporter takes (control.go, util/compression). */
const EXPORT_COMMON = [
  'mode',
  'ignore-error',
  'compression',
  'compression-level',
  'force-compression',
  'oci-mediatypes',
  'image-manifest',
];

const S3 = [
  'bucket',
  'region',
  'prefix',
  'manifests_prefix',
  'blobs_prefix',
  'name',
  'touch_refresh',
  'endpoint_url',
  'access_key_id',
  'secret_access_key',
  'session_token',
  'use_path_style',
  'upload_parallelism',
  'disable_accept_encoding',
  'retry_mode',
  'retry_max_attempts',
];
const AZBLOB = [
  'secret_access_key',
  'account_name',
  'account_url',
  'prefix',
  'manifests_prefix',
  'blobs_prefix',
  'name',
  'container',
];
const GHA = ['scope', 'timeout', 'token', 'url', 'url_v2', 'repository', 'ghtoken', 'version'];

/**
 * The keys each type knows. Exporter settings (mode=max and the like) are accepted in cache-from too: BuildKit
 * ignores them there, and many workflows carry them.
 */
const KEYS: Record<string, { keys: string[]; required?: Partial<Record<CacheDirection, string>> }> = {
  registry: { keys: ['ref', 'registry.insecure', ...EXPORT_COMMON], required: { from: 'ref', to: 'ref' } },
  local: { keys: ['src', 'dest', 'digest', 'tag', ...EXPORT_COMMON], required: { from: 'src', to: 'dest' } },
  gha: { keys: [...GHA, ...EXPORT_COMMON] },
  s3: { keys: [...S3, ...EXPORT_COMMON], required: { from: 'bucket', to: 'bucket' } },
  azblob: { keys: [...AZBLOB, ...EXPORT_COMMON] },
  inline: { keys: [...EXPORT_COMMON] },
};

const BOOLEANS = ['ignore-error', 'force-compression', 'oci-mediatypes', 'image-manifest', 'registry.insecure'];
const ENUMS: Record<string, string[]> = {
  mode: ['min', 'max'],
  compression: ['uncompressed', 'gzip', 'estargz', 'zstd'],
};

export type CacheDirection = 'from' | 'to';

/** The problem with one entry, or undefined when BuildKit would take it. Never quotes a value. */
export function cacheSpecProblem(entry: string, direction: CacheDirection): string | undefined {
  if (!entry.includes('=')) {
    // buildx's short form: a registry reference alone means type=registry,ref=<it>.
    return /^[\w.:/@-]+$/.test(entry) ? undefined : 'is neither type=...,key=value nor an image reference';
  }
  let fields: string[];
  try {
    fields = (parse(entry, { relaxQuotes: false }) as string[][])[0] ?? [];
  } catch {
    return 'has unbalanced quotes';
  }
  const attrs = new Map<string, string>();
  for (const field of fields) {
    const at = field.indexOf('=');
    if (at <= 0) return 'has a field that is not key=value';
    const key = field.slice(0, at).trim().toLowerCase();
    if (attrs.has(key)) return `gives "${key}" twice`;
    attrs.set(key, field.slice(at + 1));
  }
  const type = attrs.get('type');
  if (type === undefined) return 'has no type= (use type=registry, local, gha, s3, azblob or inline)';
  const known = KEYS[type];
  if (!known) return `has an unknown type "${type.slice(0, 20)}"; use registry, local, gha, s3, azblob or inline`;
  if (type === 'inline' && direction === 'from') return 'uses type=inline, which only cache-to takes';
  const allowed = known.keys;
  for (const [key, value] of attrs) {
    if (key === 'type') continue;
    if (!allowed.includes(key)) {
      return `has "${key}", which type=${type} does not take; it takes ${allowed.join(', ')}`;
    }
    if (BOOLEANS.includes(key) && !['true', 'false'].includes(value.toLowerCase())) {
      return `has ${key}= that is not true or false`;
    }
    if (ENUMS[key] && !ENUMS[key].includes(value)) return `has ${key}= that is not one of ${ENUMS[key].join(', ')}`;
    if (key === 'compression-level' && !/^\d{1,2}$/.test(value)) return 'has compression-level= that is not a number';
  }
  const required = known.required?.[direction];
  if (required && !attrs.get(required)) return `has no ${required}=, which type=${type} needs`;
  return undefined;
}
