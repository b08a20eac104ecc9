import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigurationError, errorMessage } from './errors.js';
import { parseList, splitKeyValue, type ListOptions } from './lists.js';
import type { RunContext } from './context.js';

/**
 * Every input of action.yml, parsed and validated in one place. Keys are spelled exactly as in action.yml so a
 * search for an input name finds its declaration, its parsing and every use.
 */
export interface Inputs {
  targets: string[];
  context: string;
  file: string;
  image: string;
  tags: string[];
  labels: string[];
  'build-args': string[];
  secrets: { id: string; value: string }[];
  'secret-files': { id: string; path: string }[];
  ssh: string[];
  platforms: string[];
  builder: string;
  'no-cache': boolean;
  pull: boolean;
  cache: boolean;
  'cache-scope': string;
  'cache-from': string[];
  'cache-to': string[];
  'test-target': string;
  'test-results-path': string;
  smoke: boolean;
  port: number | undefined;
  'health-path': string;
  'health-status': number;
  'smoke-timeout': number;
  'smoke-env': { key: string; value: string }[];
  'smoke-paths': string[];
  'smoke-hardened': boolean;
  push: boolean;
  scan: boolean;
  'trivy-version': string;
  'trivy-download-url': string;
  severity: Severity[];
  'fail-on': Severity[];
  'ignore-unfixed': boolean;
  /** Absolute path of the ignore file to use, or '' for none. */
  trivyignore: string;
  scanners: string[];
  'upload-sarif': boolean;
  category: string;
  token: string;
  'wait-for-processing': boolean;
}

export const SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const DEFAULT_TRIVY_VERSION = '0.74.0';
export const TRIVY_RELEASES_URL = 'https://github.com/aquasecurity/trivy/releases/download';
const SCANNERS = ['vuln', 'misconfig', 'secret', 'license'];

/** Reads one raw input by its action.yml name; undefined when it was not given at all. */
export type InputReader = (name: string) => string | undefined;

/** The runner's convention: INPUT_<NAME> with spaces as underscores, upper-cased; hyphens stay. */
export const envInputReader =
  (env: NodeJS.ProcessEnv = process.env): InputReader =>
  (name) =>
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`]?.trim();

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

// A Docker image reference: [host[:port]/]path[:tag][@digest], path components lower-case.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const HOST =
  '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?';
const NAME_RE = new RegExp(`^${HOST}${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const STAGE_RE = /^[a-zA-Z][a-zA-Z0-9_.-]*$/;
const SECRET_ID_RE = /^[a-zA-Z0-9_.-]+$/;
const ENV_KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isImageName(name: string): boolean {
  return NAME_RE.test(name) && name.length <= 255;
}

/** `name[:tag]`, the form `--tag` takes. */
export function isImageTag(reference: string): boolean {
  const slash = reference.lastIndexOf('/');
  const colon = reference.lastIndexOf(':');
  if (colon > slash) return isImageName(reference.slice(0, colon)) && TAG_RE.test(reference.slice(colon + 1));
  return isImageName(reference);
}

class Reader {
  constructor(private readonly raw: InputReader) {}

  read(name: string): string {
    return this.raw(name)?.trim() ?? '';
  }

  /** The input was given at all (even as ''), as opposed to left to its default. */
  wasSet(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  string(name: string, fallback = ''): string {
    const value = this.read(name);
    return value === '' ? fallback : value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.read(name);
    if (value === '') return fallback;
    if (TRUE.includes(value)) return true;
    if (FALSE.includes(value)) return false;
    throw new ConfigurationError(name, `"${value}" is not a boolean; use true or false`);
  }

  integer(name: string, fallback: number | undefined, min: number, max: number): number | undefined {
    const value = this.read(name);
    if (value === '') return fallback;
    if (!/^-?\d+$/.test(value))
      throw new ConfigurationError(name, `"${value}" is not a whole number; use ${min}-${max}`);
    const number = Number(value);
    if (!Number.isSafeInteger(number) || number < min || number > max) {
      throw new ConfigurationError(name, `${value} is out of range; use ${min}-${max}`);
    }
    return number;
  }

  list(name: string, options: ListOptions = {}): string[] {
    try {
      return parseList(this.read(name), options);
    } catch (error: unknown) {
      throw new ConfigurationError(name, `cannot be read as a list (${errorMessage(error)}); write one entry per line`);
    }
  }

  keyValues(name: string, what: string, check: (key: string) => boolean): { key: string; value: string }[] {
    return this.list(name, { ignoreComma: true }).map((entry) => {
      const pair = splitKeyValue(entry);
      if (!pair || !check(pair.key)) {
        throw new ConfigurationError(name, `entry "${redact(entry)}" is not ${what}`);
      }
      return pair;
    });
  }
}

/** Show where an entry went wrong without echoing a value that may be secret. */
function redact(entry: string): string {
  const at = entry.indexOf('=');
  const shown = at < 0 ? entry : `${entry.slice(0, at)}=***`;
  return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown.replace(/\n/g, '\\n');
}

/** Parse and validate every input. Throws ConfigurationError on the first mistake, before any work starts. */
export function getInputs(read: InputReader, ctx: RunContext): Inputs {
  const r = new Reader(read);

  const target = r.string('target');
  const targetList = r.list('targets');
  if (target && targetList.length > 0) {
    throw new ConfigurationError('targets', 'set either "target" or "targets", not both');
  }
  const targets = target ? [target] : targetList;
  if (targets.length === 0) {
    throw new ConfigurationError('target', 'is required: name the Dockerfile stage to build (e.g. production-backend)');
  }
  for (const stage of targets) {
    if (!STAGE_RE.test(stage)) {
      throw new ConfigurationError(target ? 'target' : 'targets', `"${stage}" is not a valid stage name`);
    }
  }
  if (new Set(targets.map((t) => t.toLowerCase())).size !== targets.length) {
    throw new ConfigurationError('targets', 'lists the same stage twice');
  }

  const context = r.string('context', '.');
  const contextPath = path.resolve(ctx.workspace, context);
  if (!fs.existsSync(contextPath) || !fs.statSync(contextPath).isDirectory()) {
    throw new ConfigurationError('context', `directory "${context}" does not exist (resolved to ${contextPath})`);
  }
  const file = r.string('file', path.join(context, 'Dockerfile'));
  const filePath = path.resolve(ctx.workspace, file);
  if (!fs.existsSync(filePath) || !fs.statSync(filePath).isFile()) {
    throw new ConfigurationError('file', `Dockerfile "${file}" does not exist (resolved to ${filePath})`);
  }

  // Lower-cased as docker/metadata-action does: registries want lower-case paths, and owner names often are not.
  const image = r.string('image', defaultImage(ctx)).toLowerCase();
  if (!isImageName(image)) {
    throw new ConfigurationError(
      'image',
      `"${image}" is not a valid image name; use lower-case [registry/]path such as ghcr.io/owner/app`,
    );
  }

  const tags = r.list('tags');
  for (const tag of tags) {
    if (!isImageTag(tag)) {
      throw new ConfigurationError(
        'tags',
        `"${tag}" is not a valid image reference; use name:tag such as ghcr.io/owner/app:1.2`,
      );
    }
  }
  if (tags.length > 0 && targets.length > 1) {
    throw new ConfigurationError(
      'tags',
      'cannot be shared by several targets; leave it empty to get <image>:<target> tags',
    );
  }

  const labels = r.list('labels', { ignoreComma: true });
  for (const label of labels) {
    if (!splitKeyValue(label)) throw new ConfigurationError('labels', `entry "${redact(label)}" is not key=value`);
  }
  const buildArgs = r.list('build-args', { ignoreComma: true });
  for (const arg of buildArgs) {
    if (!splitKeyValue(arg)) throw new ConfigurationError('build-args', `entry "${redact(arg)}" is not NAME=value`);
  }

  const secrets = r
    .keyValues('secrets', 'id=value with an id of letters, digits, "_", "-" or "."', (k) => SECRET_ID_RE.test(k))
    .map(({ key, value }) => ({ id: key, value }));
  const secretFiles = r
    .keyValues('secret-files', 'id=path with an id of letters, digits, "_", "-" or "."', (k) => SECRET_ID_RE.test(k))
    .map(({ key, value }) => ({ id: key, path: path.resolve(ctx.workspace, value.trim()) }));
  for (const secretFile of secretFiles) {
    if (!fs.existsSync(secretFile.path)) {
      throw new ConfigurationError(
        'secret-files',
        `file for secret "${secretFile.id}" does not exist: ${secretFile.path}`,
      );
    }
  }
  const ids = [...secrets.map((s) => s.id), ...secretFiles.map((s) => s.id)];
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new ConfigurationError('secrets', `secret id "${duplicate}" is given twice`);

  const ssh = r.list('ssh');
  for (const entry of ssh) {
    if (!/^[a-zA-Z0-9_.-]+(=.+)?$/.test(entry)) {
      throw new ConfigurationError('ssh', `entry "${entry}" is not default or id=path[,path]`);
    }
  }
  const platforms = r.list('platforms');
  for (const platform of platforms) {
    if (!/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(platform)) {
      throw new ConfigurationError('platforms', `"${platform}" is not os/arch[/variant] such as linux/amd64`);
    }
  }

  const cacheScope = r.string('cache-scope');
  if (cacheScope && !/^[\w.-]+$/.test(cacheScope)) {
    throw new ConfigurationError('cache-scope', `"${cacheScope}" may use letters, digits, "_", "-" and "." only`);
  }

  const testTarget = r.string('test-target');
  if (testTarget && !STAGE_RE.test(testTarget)) {
    throw new ConfigurationError('test-target', `"${testTarget}" is not a valid stage name`);
  }

  const healthPath = r.string('health-path', '/health');
  if (!healthPath.startsWith('/') || /\s/.test(healthPath)) {
    throw new ConfigurationError('health-path', `"${healthPath}" must be a URL path starting with "/"`);
  }
  const smokePaths = r.list('smoke-paths');
  for (const p of smokePaths) {
    if (!p.startsWith('/') || /\s/.test(p)) {
      throw new ConfigurationError('smoke-paths', `"${p}" must be a URL path starting with "/"`);
    }
  }

  const severities = (name: string, fallback: Severity[]): Severity[] => {
    const raw = r.read(name);
    if (raw === '' && name === 'severity') return fallback;
    const values = r.list(name).map((v) => v.toUpperCase());
    for (const value of values) {
      if (!(SEVERITIES as readonly string[]).includes(value)) {
        throw new ConfigurationError(name, `"${value}" is not a severity; use ${SEVERITIES.join(', ')}`);
      }
    }
    return values as Severity[];
  };
  const trivyVersion = r.string('trivy-version', DEFAULT_TRIVY_VERSION).replace(/^v/, '');
  if (!/^\d+\.\d+\.\d+$/.test(trivyVersion)) {
    throw new ConfigurationError(
      'trivy-version',
      `"${trivyVersion}" is not a release version such as ${DEFAULT_TRIVY_VERSION}`,
    );
  }
  const downloadUrl = r.string('trivy-download-url', TRIVY_RELEASES_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/\S+$/.test(downloadUrl)) {
    throw new ConfigurationError('trivy-download-url', `"${downloadUrl}" is not an http(s) URL`);
  }
  const scanners = r.list('scanners');
  for (const scanner of scanners) {
    if (!SCANNERS.includes(scanner))
      throw new ConfigurationError('scanners', `"${scanner}" is not one of ${SCANNERS.join(', ')}`);
  }
  const ignoreInput = r.string('trivyignore');
  let trivyignore = '';
  if (ignoreInput) {
    trivyignore = path.resolve(ctx.workspace, ignoreInput);
    if (!fs.existsSync(trivyignore))
      throw new ConfigurationError('trivyignore', `file "${ignoreInput}" does not exist`);
  } else if (fs.existsSync(path.resolve(ctx.workspace, '.trivyignore'))) {
    trivyignore = path.resolve(ctx.workspace, '.trivyignore');
  }
  const category = r.string('category');
  if (category && /\s/.test(category)) throw new ConfigurationError('category', `"${category}" may not contain spaces`);

  return {
    targets,
    context,
    file,
    image,
    tags,
    labels,
    'build-args': buildArgs,
    secrets,
    'secret-files': secretFiles,
    ssh,
    platforms,
    builder: r.string('builder'),
    'no-cache': r.boolean('no-cache', false),
    pull: r.boolean('pull', false),
    cache: r.boolean('cache', true),
    'cache-scope': cacheScope,
    'cache-from': r.list('cache-from', { ignoreComma: true }),
    'cache-to': r.list('cache-to', { ignoreComma: true }),
    'test-target': testTarget,
    'test-results-path': r.string('test-results-path'),
    smoke: r.boolean('smoke', true),
    port: r.integer('port', undefined, 1, 65535),
    'health-path': healthPath,
    'health-status': r.integer('health-status', 200, 100, 599) as number,
    'smoke-timeout': r.integer('smoke-timeout', 60, 1, 3600) as number,
    'smoke-env': r.keyValues('smoke-env', 'KEY=VALUE with a shell-style variable name', (k) => ENV_KEY_RE.test(k)),
    'smoke-paths': smokePaths,
    'smoke-hardened': r.boolean('smoke-hardened', false),
    push: r.boolean('push', false),
    scan: r.boolean('scan', true),
    'trivy-version': trivyVersion,
    'trivy-download-url': downloadUrl,
    severity: severities('severity', [...SEVERITIES]),
    // Empty means never fail; only an input that was not given at all gets the default.
    'fail-on': r.wasSet('fail-on') ? severities('fail-on', []) : ['CRITICAL'],
    'ignore-unfixed': r.boolean('ignore-unfixed', false),
    trivyignore,
    scanners: scanners.length > 0 ? scanners : ['vuln'],
    'upload-sarif': r.boolean('upload-sarif', ctx.onGitHub),
    category,
    token: r.string('token'),
    'wait-for-processing': r.boolean('wait-for-processing', true),
  };
}

/** The repository name, lower-cased (`owner/name` on GitHub; the working folder's name elsewhere). */
export function defaultImage(ctx: RunContext): string {
  const name = ctx.repository ?? path.basename(ctx.workspace);
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9._/-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  return cleaned || 'multistage';
}

/** Every input action.yml declares (a unit test keeps the two in step); the command line takes the same names. */
export const INPUT_NAMES = [
  'target',
  'targets',
  'context',
  'file',
  'image',
  'tags',
  'labels',
  'build-args',
  'secrets',
  'secret-files',
  'ssh',
  'platforms',
  'builder',
  'no-cache',
  'pull',
  'cache',
  'cache-scope',
  'cache-from',
  'cache-to',
  'test-target',
  'test-results-path',
  'smoke',
  'port',
  'health-path',
  'health-status',
  'smoke-timeout',
  'smoke-env',
  'smoke-paths',
  'smoke-hardened',
  'scan',
  'trivy-version',
  'trivy-download-url',
  'severity',
  'fail-on',
  'ignore-unfixed',
  'trivyignore',
  'scanners',
  'upload-sarif',
  'category',
  'token',
  'wait-for-processing',
  'push',
] as const;

export const BOOLEAN_INPUTS = new Set([
  'no-cache',
  'pull',
  'cache',
  'smoke',
  'smoke-hardened',
  'scan',
  'ignore-unfixed',
  'upload-sarif',
  'wait-for-processing',
  'push',
]);
