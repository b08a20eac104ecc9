import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigurationError, errorMessage } from './errors.js';
import { parseList, splitKeyValue, type ListOptions } from './lists.js';
import type { RunContext } from './context.js';
import { cacheSpecProblem } from './build/cache-spec.js';
import { isInside, leadsOutOfWorkspace, realAncestor } from './safe-fs.js';

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
  /** Seconds the container must stay up (and healthy by its HEALTHCHECK) after its first healthy answer. */
  'smoke-stable-seconds': number;
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

  /**
   * One `KEY=value` per entry. A wrong entry is named by its position (and, unless `secret`, shown with its value
   * hidden): no part of a secret's value may reach a message, and a multi-line value split into entries is all value.
   */
  keyValues(
    name: string,
    what: string,
    check: (key: string) => boolean,
    secret = false,
  ): { key: string; value: string }[] {
    return this.list(name, { ignoreComma: true }).map((entry, index) => {
      const pair = splitKeyValue(entry);
      if (!pair || !check(pair.key)) {
        const shown = secret
          ? pair && /^[\w.-]{1,64}$/.test(pair.key)
            ? ` (id "${pair.key}")`
            : ''
          : ` "${redact(entry)}"`;
        const hint = secret
          ? '; a value that spans several lines must be quoted as one entry ("id=line 1\nline 2"); values are never shown'
          : '';
        throw new ConfigurationError(name, `entry ${index + 1}${shown} is not ${what}${hint}`);
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
  for (const [name, resolved] of [
    ['context', contextPath],
    ['file', filePath],
  ] as const) {
    if (leadsOutOfWorkspace(ctx.workspace, resolved)) {
      throw new ConfigurationError(
        name,
        `"${path.relative(ctx.workspace, resolved)}" is a link inside the workspace that leads out of it`,
      );
    }
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
    .keyValues('secrets', 'id=value with an id of letters, digits, "_", "-" or "."', (k) => SECRET_ID_RE.test(k), true)
    .map(({ key, value }) => ({ id: key, value }));
  const secretFiles = r
    .keyValues(
      'secret-files',
      'id=path with an id of letters, digits, "_", "-" or "."',
      (k) => SECRET_ID_RE.test(k),
      true,
    )
    .map(({ key, value }) => ({ id: key, path: path.resolve(ctx.workspace, value.trim()) }));
  secretFiles.forEach((secretFile, index) => {
    const which = `entry ${index + 1} (id "${secretFile.id}")`;
    if (!readableFile(secretFile.path)) {
      throw new ConfigurationError('secret-files', `${which} does not name a readable regular file`);
    }
    if (leadsOutOfWorkspace(ctx.workspace, secretFile.path)) {
      throw new ConfigurationError('secret-files', `${which} is a link inside the workspace that leads out of it`);
    }
  });
  const ids = [...secrets.map((s) => s.id), ...secretFiles.map((s) => s.id)];
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new ConfigurationError('secrets', `secret id "${duplicate}" is given twice`);

  const ssh = r.list('ssh');
  ssh.forEach((entry, index) => {
    const m = /^([a-zA-Z0-9_.-]+)(?:=(.+))?$/.exec(entry);
    if (!m) throw new ConfigurationError('ssh', `entry ${index + 1} is not default, id, or id=path[,path]`);
    if (m[2] === undefined) {
      if (!ctx.sshAuthSock || !isSocket(ctx.sshAuthSock)) {
        throw new ConfigurationError(
          'ssh',
          `entry ${index + 1} ("${m[1]}") uses the SSH agent, but SSH_AUTH_SOCK ${ctx.sshAuthSock ? 'is not a socket' : 'is not set'}; start one (e.g. webfactory/ssh-agent) or give id=path to a key`,
        );
      }
      return;
    }
    for (const given of m[2].split(',')) {
      const file = path.resolve(ctx.workspace, given.trim());
      if (!isSocket(file) && !readableFile(file)) {
        throw new ConfigurationError(
          'ssh',
          `entry ${index + 1} ("${m[1]}") names ${given.trim()}, which is neither a socket nor a readable file`,
        );
      }
      if (leadsOutOfWorkspace(ctx.workspace, file)) {
        throw new ConfigurationError(
          'ssh',
          `entry ${index + 1} ("${m[1]}") names a link inside the workspace that leads out of it`,
        );
      }
    }
  });
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
  checkDownloadUrl(downloadUrl);
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
  if (trivyignore && leadsOutOfWorkspace(ctx.workspace, trivyignore)) {
    throw new ConfigurationError('trivyignore', 'is a link inside the workspace that leads out of it');
  }

  const cacheSpecs = (name: 'cache-from' | 'cache-to'): string[] => {
    const entries = r.list(name, { ignoreComma: true });
    entries.forEach((entry, index) => {
      const problem = cacheSpecProblem(entry, name === 'cache-from' ? 'from' : 'to');
      if (problem) throw new ConfigurationError(name, `entry ${index + 1} ${problem}`);
    });
    return entries;
  };

  const smokeEnv = r.keyValues('smoke-env', 'KEY=VALUE with a shell-style variable name', (k) => ENV_KEY_RE.test(k));
  smokeEnv.forEach(({ key, value }, index) => {
    if (/[\r\n\0]/.test(value)) {
      throw new ConfigurationError(
        'smoke-env',
        `entry ${index + 1} (${key}) has a line break or NUL in its value; the container gets its environment from an env file, one line per variable`,
      );
    }
    if (value.length > MAX_ENV_VALUE_CHARS) {
      throw new ConfigurationError(
        'smoke-env',
        `entry ${index + 1} (${key}) is longer than ${MAX_ENV_VALUE_CHARS} characters`,
      );
    }
  });

  const resultsInput = r.string('test-results-path');
  if (resultsInput) checkResultsPath(resultsInput, ctx);

  const uploadSarif = r.boolean('upload-sarif', ctx.onGitHub);
  if (uploadSarif && ctx.onGitHub && ctx.sha !== undefined && !/^[0-9a-f]{40}$/.test(ctx.sha)) {
    throw new ConfigurationError(
      'GITHUB_SHA',
      `"${ctx.sha.slice(0, 64)}" is not a commit id (40 hexadecimal digits); code scanning needs the commit that was analysed`,
      'environment',
    );
  }

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
    'cache-from': cacheSpecs('cache-from'),
    'cache-to': cacheSpecs('cache-to'),
    'test-target': testTarget,
    'test-results-path': resultsInput,
    smoke: r.boolean('smoke', true),
    port: r.integer('port', undefined, 1, 65535),
    'health-path': healthPath,
    'health-status': r.integer('health-status', 200, 100, 599) as number,
    'smoke-timeout': r.integer('smoke-timeout', 60, 1, 3600) as number,
    'smoke-env': smokeEnv,
    'smoke-paths': smokePaths,
    'smoke-hardened': r.boolean('smoke-hardened', false),
    'smoke-stable-seconds': r.integer('smoke-stable-seconds', 1, 0, 300) as number,
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
    'upload-sarif': uploadSarif,
    category,
    token: r.string('token'),
    'wait-for-processing': r.boolean('wait-for-processing', true),
  };
}

/** Longest value of one smoke-env entry (docker reads env files a line at a time, up to 64 KiB). */
export const MAX_ENV_VALUE_CHARS = 32 * 1024;

function readableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function isSocket(file: string): boolean {
  try {
    return fs.statSync(file).isSocket();
  } catch {
    return false;
  }
}

/** Loopback hosts, the only ones a Trivy download may come from over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** https only; plain http only for a mirror on loopback (the action warns about it). */
function checkDownloadUrl(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError('trivy-download-url', `"${value}" is not a URL`);
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return;
  throw new ConfigurationError(
    'trivy-download-url',
    `"${value}" is not an https URL (plain http is taken only from a mirror on 127.0.0.1, ::1 or localhost)`,
  );
}

/**
 * Where the exported test results are copied: under the workspace or RUNNER_TEMP (also after following links),
 * and a folder that does not exist yet or is empty, so no export ever lands in / or over existing files.
 */
function checkResultsPath(value: string, ctx: RunContext): void {
  const resolved = path.resolve(ctx.workspace, value);
  const real = realAncestor(resolved);
  const roots = [ctx.workspace, ctx.runnerTemp];
  const inside = roots.some((root) => isInside(root, resolved) && isInside(realAncestor(root), real));
  if (!inside || resolved === path.resolve(ctx.workspace) || resolved === path.resolve(ctx.runnerTemp)) {
    throw new ConfigurationError(
      'test-results-path',
      `"${value}" must be a folder inside the workspace or RUNNER_TEMP (not the folder itself, and not through a link leading elsewhere)`,
    );
  }
  let stat: fs.Stats | undefined;
  try {
    stat = fs.lstatSync(resolved);
  } catch {
    return;
  }
  if (!stat.isDirectory() || fs.readdirSync(resolved).length > 0) {
    throw new ConfigurationError(
      'test-results-path',
      `"${value}" already exists and is not an empty folder; name a new folder so no file is overwritten`,
    );
  }
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
  'smoke-stable-seconds',
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
