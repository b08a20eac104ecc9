import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ConfigurationError, errorMessage } from './errors.js';
import { parseList, splitKeyValue, type ListOptions } from './lists.js';
import type { RunContext } from './context.js';
import { cacheSpecProblem } from './build/cache-spec.js';
import { isInside, leadsOutOfWorkspace, realAncestor } from './safe-fs.js';
import { isSeverity, SEVERITIES, type Severity } from './severity.js';
import { isImageName } from './docker/reference.js';
import { parseFlavor, parseTagEntries, TagRuleError } from './meta/tags.js';
import { render } from './meta/template.js';

export const DEFAULT_TRIVY_VERSION = '0.74.0';
export const TRIVY_RELEASES_URL = 'https://github.com/aquasecurity/trivy/releases/download';
const SCANNERS = ['vuln', 'misconfig', 'secret', 'license'];
/** Longest value of one smoke-env entry (docker reads env files a line at a time, up to 64 KiB). */
export const MAX_ENV_VALUE_CHARS = 32 * 1024;

/** Reads one raw input by its action.yml name; undefined when it was not given at all. */
export type InputReader = (name: string) => string | undefined;

/** The runner's convention: INPUT_<NAME> with spaces as underscores, upper-cased; hyphens stay. Untrimmed. */
export const envInputReader =
  (env: NodeJS.ProcessEnv = process.env): InputReader =>
  (name) =>
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

const STAGE_RE = /^[a-zA-Z][a-zA-Z0-9_.-]*$/;
const SECRET_ID_RE = /^[a-zA-Z0-9_.-]+$/;
const ENV_KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Show where an entry went wrong without echoing a value that may be secret. */
function redact(entry: string): string {
  const at = entry.indexOf('=');
  const shown = at < 0 ? entry : `${entry.slice(0, at)}=***`;
  return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown.replace(/\n/g, '\\n');
}

/**
 * One input's raw value, as the runner or the command line gives it, and the ways to read it. Every mistake is a
 * ConfigurationError that names the input and what would be valid.
 */
class Field {
  constructor(
    readonly name: string,
    private readonly raw: string | undefined,
    private readonly fallback: string,
  ) {}

  /** The input was given at all (even as ''), as opposed to left to its default. */
  get given(): boolean {
    return this.raw !== undefined;
  }

  /** The value, or action.yml's default when it is empty. */
  text(): string {
    const value = this.raw?.trim() ?? '';
    return value === '' ? this.fallback : value;
  }

  fail(detail: string): never {
    throw new ConfigurationError(this.name, detail);
  }

  boolean(): boolean {
    const value = this.text();
    if (TRUE.includes(value)) return true;
    if (FALSE.includes(value)) return false;
    return this.fail(`"${value}" is not a boolean; use true or false`);
  }

  integer(min: number, max: number): number | undefined {
    const value = this.text();
    if (value === '') return undefined;
    if (!/^-?\d+$/.test(value)) this.fail(`"${value}" is not a whole number; use ${min}-${max}`);
    const number = Number(value);
    if (!Number.isSafeInteger(number) || number < min || number > max) {
      this.fail(`${value} is out of range; use ${min}-${max}`);
    }
    return number;
  }

  /** A list, as docker's actions read it (the whole input trimmed first unless `trimWhitespace: false`). */
  list(options: ListOptions = {}): string[] {
    const raw = options.trimWhitespace === false ? (this.raw ?? '') : this.text();
    try {
      return parseList(raw, options);
    } catch (error: unknown) {
      return this.fail(`cannot be read as a list (${errorMessage(error)}); write one entry per line`);
    }
  }

  /**
   * One `KEY=value` per entry. A wrong entry is named by its position (and, unless `secret`, shown with its value
   * hidden): no part of a secret's value may reach a message, and a multi-line value split into entries is all value.
   */
  keyValues(what: string, check: (key: string) => boolean, secret = false): { key: string; value: string }[] {
    // Secret values keep their white space (a key's trailing newline), as docker/build-push-action reads them.
    return this.list({ ignoreComma: true, ...(secret ? { trimWhitespace: false } : {}) }).map((entry, index) => {
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
        this.fail(`entry ${index + 1}${shown} is not ${what}${hint}`);
      }
      return pair;
    });
  }

  /** Lines as docker/metadata-action reads its `tags` and `flavor` (one entry per line, `#` comments), parsed. */
  rules<T>(parse: (entries: string[]) => T): T {
    try {
      return parse(this.list({ ignoreComma: true, comment: '#', commentNoInfix: true }));
    } catch (error: unknown) {
      if (error instanceof TagRuleError) return this.fail(error.message);
      throw error;
    }
  }

  /** One of a fixed set of words; `empty` is what '' means when it is allowed. */
  oneOf(values: readonly string[], empty?: string): string {
    const value = this.text();
    if (value === '' && empty !== undefined) return empty;
    if (!values.includes(value)) this.fail(`"${value}" is not one of ${values.join(', ')}`);
    return value;
  }

  /** A secret's text exactly as given (a key keeps its line breaks); '' when not given. */
  secretText(): string {
    return this.raw ?? '';
  }

  /**
   * docker/build-push-action's `provenance`: '' (the default, decided later from the repository's visibility),
   * `false`, `true`, or attributes such as `mode=max`.
   */
  provenance(): ProvenanceInput {
    const value = this.text();
    if (value === '') return { kind: 'default' };
    if (FALSE.includes(value)) return { kind: 'off' };
    if (TRUE.includes(value)) return { kind: 'on', attrs: '' };
    for (const field of value.split(',')) {
      const pair = splitKeyValue(field);
      if (!pair || !PROVENANCE_KEYS.includes(pair.key)) {
        this.fail(`"${field}" is not one of ${PROVENANCE_KEYS.map((k) => `${k}=`).join(', ')}`);
      }
      if (pair.key === 'mode' && !['min', 'max'].includes(pair.value))
        this.fail(`mode=${pair.value} is not min or max`);
    }
    return { kind: 'on', attrs: value };
  }

  severities(): Severity[] {
    const values = this.list().map((v) => v.toUpperCase());
    for (const value of values) {
      if (!isSeverity(value)) this.fail(`"${value}" is not a severity; use ${SEVERITIES.join(', ')}`);
    }
    return values as Severity[];
  }

  stage(): string {
    const value = this.text();
    if (value && !STAGE_RE.test(value)) this.fail(`"${value}" is not a valid stage name`);
    return value;
  }

  urlPath(): string {
    const value = this.text();
    if (!value.startsWith('/') || /\s/.test(value)) this.fail(`"${value}" must be a URL path starting with "/"`);
    return value;
  }

  /** A file the workflow names, resolved against the workspace; '' when empty. */
  workspacePath(ctx: RunContext): string {
    const value = this.text();
    return value ? path.resolve(ctx.workspace, value) : '';
  }
}

interface InputSpec<T> {
  /** The default, exactly as action.yml declares it (a unit test keeps the two equal). */
  default?: string;
  boolean?: true;
  /** Given as '', the input means none (not its default): the default is for an input not given at all. */
  emptyIsNone?: true;
  read(field: Field, ctx: RunContext): T;
}

const spec = <T>(s: InputSpec<T>): InputSpec<T> => s;

/**
 * Every input of action.yml: its name, its default and how it is read, once. The names (INPUT_NAMES, the command
 * line's flags), the boolean ones, the `Inputs` type and the defaults all derive from this table; a unit test
 * checks it against action.yml.
 */
const INPUT_TABLE = {
  target: spec({ read: (f) => f.stage() }),
  targets: spec({ read: (f) => f.list() }),
  // How many targets go down the road at once: every one (the default) or a number for a small runner.
  parallel: spec({
    default: 'all',
    read: (f) => {
      const value = f.text();
      if (value === 'all') return Infinity;
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 64) {
        f.fail(`"${value}" is neither all nor a number of targets from 1 to 64`);
      }
      return Number(value);
    },
  }),
  context: spec({ default: '.', read: (f) => f.text() }),
  file: spec({ read: (f) => f.text() }),
  image: spec({ read: (f, ctx) => (f.text() || defaultImage(ctx)).toLowerCase() }),
  tags: spec({ read: (f) => f.rules(parseTagEntries) }),
  flavor: spec({ read: (f) => f.rules(parseFlavor) }),
  labels: spec({ read: (f) => f.keyValues('key=value', () => true).map(({ key, value }) => `${key}=${value}`) }),
  annotations: spec({
    read: (f) =>
      f.list({ ignoreComma: true }).map((entry, index) => {
        const problem = annotationProblem(entry);
        if (problem) f.fail(`entry ${index + 1} "${redact(entry)}" ${problem}`);
        return entry;
      }),
  }),
  'build-args': spec({
    read: (f) => f.keyValues('NAME=value', (k) => k !== '').map(({ key, value }) => `${key}=${value}`),
  }),
  'build-contexts': spec({
    read: (f) =>
      f.keyValues('name=source (a folder, docker-image://, target:, oci-layout:// or a URL)', (k) =>
        /^[A-Za-z0-9][\w./:@-]*$/.test(k),
      ),
  }),
  secrets: spec({
    read: (f) =>
      f
        .keyValues('id=value with an id of letters, digits, "_", "-" or "."', (k) => SECRET_ID_RE.test(k), true)
        .map(({ key, value }) => ({ id: key, value })),
  }),
  'secret-envs': spec({
    read: (f) =>
      f
        .keyValues('id=ENV_NAME with an id of letters, digits, "_", "-" or "."', (k) => SECRET_ID_RE.test(k))
        .map(({ key, value }) => {
          if (!ENV_KEY_RE.test(value.trim()))
            f.fail(`id "${key}": "${value.trim()}" is not an environment variable name`);
          return { id: key, env: value.trim() };
        }),
  }),
  'secret-files': spec({
    read: (f, ctx) =>
      f
        .keyValues('id=path with an id of letters, digits, "_", "-" or "."', (k) => SECRET_ID_RE.test(k), true)
        .map(({ key, value }) => ({ id: key, path: path.resolve(ctx.workspace, value.trim()) })),
  }),
  ssh: spec({ read: (f) => f.list() }),
  platforms: spec({ read: (f) => f.list() }),
  builder: spec({ read: (f) => f.text() }),
  network: spec({ read: (f) => f.oneOf(['default', 'none', 'host'], '') }),
  allow: spec({
    read: (f) =>
      f.list().map((entry) => {
        if (!/^(network\.host|security\.insecure|device(=.+)?|fs(\.read|\.write)?=.+)$/.test(entry)) {
          f.fail(
            `"${entry}" is not an entitlement; use network.host, security.insecure, device[=name] or fs[.read|.write]=path`,
          );
        }
        return entry;
      }),
  }),
  'add-hosts': spec({
    read: (f) =>
      f.list().map((entry) => {
        const m = /^([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)[:=](.+)$/.exec(entry);
        if (!m || (!net.isIP(m[2]) && m[2] !== 'host-gateway')) {
          return f.fail(`"${entry}" is not host:ip (or host=ip), e.g. db:10.0.0.5`);
        }
        return `${m[1]}=${m[2]}`;
      }),
  }),
  'shm-size': spec({
    read: (f) => {
      const value = f.text();
      if (value && !/^\d+(\.\d+)?[bkmg]?$/i.test(value)) f.fail(`"${value}" is not a size such as 2g or 512m`);
      return value;
    },
  }),
  ulimit: spec({
    read: (f) =>
      f.list({ ignoreComma: true }).map((entry) => {
        const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(entry);
        if (!m || !ULIMITS.includes(m[1])) {
          f.fail(`"${entry}" is not type=soft[:hard] with a type of ${ULIMITS.join(', ')}`);
        }
        return entry;
      }),
  }),
  'no-cache': spec({ default: 'false', boolean: true, read: (f) => f.boolean() }),
  'no-cache-filters': spec({
    read: (f) =>
      f.list().map((stage) => {
        if (!STAGE_RE.test(stage)) f.fail(`"${stage}" is not a valid stage name`);
        return stage;
      }),
  }),
  pull: spec({ default: 'false', boolean: true, read: (f) => f.boolean() }),
  checks: spec({ default: 'warn', read: (f) => f.oneOf(['warn', 'error', 'false']) as 'warn' | 'error' | 'false' }),
  analysis: spec({ default: 'true', boolean: true, read: (f) => f.boolean() }),
  'max-image-size': spec({
    read: (f) => {
      const value = f.text();
      if (value === '') return undefined;
      const bytes = parseSize(value);
      if (bytes === undefined) f.fail(`"${value}" is not a size such as 150MB, 1.5GiB or 200000000`);
      return bytes;
    },
  }),
  cache: spec({ default: 'true', boolean: true, read: (f) => f.boolean() }),
  'cache-scope': spec({ read: (f) => f.text() }),
  'cache-from': spec({ read: (f) => f.list({ ignoreComma: true }) }),
  'cache-to': spec({ read: (f) => f.list({ ignoreComma: true }) }),
  'test-target': spec({ read: (f) => f.stage() }),
  'test-results-path': spec({ read: (f) => f.text() }),
  smoke: spec({ default: 'true', boolean: true, read: (f) => f.boolean() }),
  port: spec({ read: (f) => f.integer(1, 65535) }),
  'health-path': spec({ default: '/health', read: (f) => f.urlPath() }),
  'health-status': spec({ default: '200', read: (f) => f.integer(100, 599) as number }),
  'smoke-timeout': spec({ default: '60', read: (f) => f.integer(1, 3600) as number }),
  'smoke-env': spec({
    read: (f) => f.keyValues('KEY=VALUE with a shell-style variable name', (k) => ENV_KEY_RE.test(k)),
  }),
  'smoke-paths': spec({
    read: (f) =>
      f.list().map((p) => {
        if (!p.startsWith('/') || /\s/.test(p)) f.fail(`"${p}" must be a URL path starting with "/"`);
        return p;
      }),
  }),
  'smoke-hardened': spec({ default: 'false', boolean: true, read: (f) => f.boolean() }),
  'smoke-stable-seconds': spec({ default: '1', read: (f) => f.integer(0, 300) as number }),
  scan: spec({ default: 'true', boolean: true, read: (f) => f.boolean() }),
  'trivy-version': spec({ read: (f) => f.text().replace(/^v/, '') }),
  'trivy-download-url': spec({ default: TRIVY_RELEASES_URL, read: (f) => f.text().replace(/\/+$/, '') }),
  'trivy-db-repository': spec({ read: (f) => f.list().map((ref) => dbRepository(f, ref)) }),
  'trivy-java-db-repository': spec({ read: (f) => f.list().map((ref) => dbRepository(f, ref)) }),
  severity: spec({ default: SEVERITIES.join(','), read: (f) => f.severities() }),
  // Given empty, it means never fail: only an input that was not given at all gets the default.
  'fail-on': spec({ default: 'CRITICAL', emptyIsNone: true, read: (f) => f.severities() }),
  'ignore-unfixed': spec({ default: 'false', boolean: true, read: (f) => f.boolean() }),
  trivyignore: spec({ read: (f, ctx) => f.workspacePath(ctx) }),
  scanners: spec({
    default: 'vuln',
    read: (f) =>
      f.list().map((s) => {
        if (!SCANNERS.includes(s)) f.fail(`"${s}" is not one of ${SCANNERS.join(', ')}`);
        return s;
      }),
  }),
  'upload-sarif': spec({ default: 'true', boolean: true, read: (f, ctx) => (f.given ? f.boolean() : ctx.onGitHub) }),
  category: spec({
    read: (f) => {
      const value = f.text();
      if (/\s/.test(value)) f.fail(`"${value}" may not contain spaces`);
      return value;
    },
  }),
  token: spec({ default: '${{ github.token }}', read: (f) => (f.given ? f.text() : '') }),
  'wait-for-processing': spec({ default: 'true', boolean: true, read: (f) => f.boolean() }),
  push: spec({ default: 'false', boolean: true, read: (f) => f.boolean() }),
  comment: spec({
    default: 'auto',
    read: (f) => f.oneOf(['auto', 'true', 'false']) as 'auto' | 'true' | 'false',
  }),
  provenance: spec({ read: (f) => f.provenance() }),
  sbom: spec({ read: (f) => (f.text() === '' ? undefined : f.boolean()) }),
  sign: spec({
    default: 'false',
    read: (f) => f.oneOf(['false', 'key', 'keyless', 'auto']) as 'false' | 'key' | 'keyless' | 'auto',
  }),
  'cosign-key': spec({ read: (f) => f.secretText() }),
  'cosign-password': spec({ read: (f) => f.secretText() }),
  'cosign-version': spec({ read: (f) => f.text().replace(/^v/, '') }),
} as const;

type Table = typeof INPUT_TABLE;
export type InputName = keyof Table;
type Read<K extends InputName> = ReturnType<Table[K]['read']>;

/**
 * Every input, parsed and validated: keys spelled exactly as in action.yml so a search for an input name finds its
 * declaration, its parsing and every use. `target` and `targets` become one list, `targets`.
 */
export type Inputs = { [K in Exclude<InputName, 'target' | 'targets'>]: Read<K> } & { targets: string[] };

/** Every input action.yml declares, in its order; the command line takes the same names as flags. */
export const INPUT_NAMES = Object.keys(INPUT_TABLE) as InputName[];
export const BOOLEAN_INPUTS: ReadonlySet<string> = new Set(
  INPUT_NAMES.filter((name) => (INPUT_TABLE[name] as InputSpec<unknown>).boolean),
);
/** The defaults as the table (and so action.yml) declares them. */
export const INPUT_DEFAULTS: Readonly<Record<string, string | undefined>> = Object.fromEntries(
  INPUT_NAMES.map((name) => [name, (INPUT_TABLE[name] as InputSpec<unknown>).default]),
);

/** Parse and validate every input. Throws ConfigurationError on the first mistake, before any work starts. */
export function getInputs(read: InputReader, ctx: RunContext, env: NodeJS.ProcessEnv = process.env): Inputs {
  const values: Record<string, unknown> = {};
  for (const name of INPUT_NAMES) {
    const entry = INPUT_TABLE[name] as InputSpec<unknown>;
    const raw = read(name);
    // An expression default (the token's) is the runner's to evaluate, never the code's.
    const expression = entry.default?.includes('${{');
    const fallback = expression || (entry.emptyIsNone && raw !== undefined) ? '' : (entry.default ?? '');
    values[name] = entry.read(new Field(name, raw, fallback), ctx);
  }
  const { target, targets: targetList, ...rest } = values as Record<InputName, unknown>;
  const inputs = { ...rest, targets: target ? [target as string] : (targetList as string[]) } as unknown as Inputs;
  checkTogether(inputs, target as string, targetList as string[], ctx, env);
  return inputs;
}

/** What one input alone cannot tell: inputs against each other, against the files and the environment. */
function checkTogether(
  inputs: Inputs,
  target: string,
  targetList: string[],
  ctx: RunContext,
  env: NodeJS.ProcessEnv,
): void {
  if (target && targetList.length > 0) {
    throw new ConfigurationError('targets', 'set either "target" or "targets", not both');
  }
  if (inputs.targets.length === 0) {
    throw new ConfigurationError('target', 'is required: name the Dockerfile stage to build (e.g. production-backend)');
  }
  for (const stage of inputs.targets) {
    if (!STAGE_RE.test(stage)) {
      throw new ConfigurationError(target ? 'target' : 'targets', `"${stage}" is not a valid stage name`);
    }
  }
  if (new Set(inputs.targets.map((t) => t.toLowerCase())).size !== inputs.targets.length) {
    throw new ConfigurationError('targets', 'lists the same stage twice');
  }

  // A remote context (a Git URL, an https tarball) as docker/build-push-action takes it: refused by name. The test
  // stage's export, the Dockerfile's stages and the workspace checks all need the checkout on the runner.
  if (isRemoteSource(inputs.context)) {
    throw new ConfigurationError(
      'context',
      `"${redact(inputs.context)}" is a remote context; this action builds a local checkout (run actions/checkout first and give its path)`,
    );
  }
  const contextPath = path.resolve(ctx.workspace, inputs.context);
  if (!fs.existsSync(contextPath) || !fs.statSync(contextPath).isDirectory()) {
    throw new ConfigurationError(
      'context',
      `directory "${inputs.context}" does not exist (resolved to ${contextPath})`,
    );
  }
  inputs.file ||= path.join(inputs.context, 'Dockerfile');
  const filePath = path.resolve(ctx.workspace, inputs.file);
  if (!fs.existsSync(filePath) || !fs.statSync(filePath).isFile()) {
    throw new ConfigurationError('file', `Dockerfile "${inputs.file}" does not exist (resolved to ${filePath})`);
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

  for (const target of inputs.targets) {
    let image: string;
    try {
      image = render(inputs.image, { target: target.toLowerCase() });
    } catch (error: unknown) {
      throw new ConfigurationError('image', `"${inputs.image}": ${errorMessage(error)}`);
    }
    if (!isImageName(image)) {
      throw new ConfigurationError(
        'image',
        `"${image}" is not a valid image name; use lower-case [registry/]path such as ghcr.io/owner/app (it may name {{target}})`,
      );
    }
  }

  inputs['secret-files'].forEach((secretFile, index) => {
    const which = `entry ${index + 1} (id "${secretFile.id}")`;
    if (!readableFile(secretFile.path)) {
      throw new ConfigurationError('secret-files', `${which} does not name a readable regular file`);
    }
    if (leadsOutOfWorkspace(ctx.workspace, secretFile.path)) {
      throw new ConfigurationError('secret-files', `${which} is a link inside the workspace that leads out of it`);
    }
  });
  inputs['secret-envs'].forEach(({ id, env: name }) => {
    if (env[name] === undefined) {
      throw new ConfigurationError(
        'secret-envs',
        `id "${id}" names the environment variable ${name}, which is not set; set it in the step's env:`,
      );
    }
  });
  inputs['build-contexts'].forEach(({ key, value }, index) => {
    const source = value.trim();
    if (source === '') throw new ConfigurationError('build-contexts', `entry ${index + 1} (${key}) has no source`);
    if (isRemoteSource(source) || source.startsWith('target:')) return;
    const folder = path.resolve(ctx.workspace, source);
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
      throw new ConfigurationError(
        'build-contexts',
        `entry ${index + 1} (${key}): folder "${source}" does not exist; use a folder, docker-image://, target:, oci-layout:// or a URL`,
      );
    }
    if (leadsOutOfWorkspace(ctx.workspace, folder)) {
      throw new ConfigurationError(
        'build-contexts',
        `entry ${index + 1} (${key}) is a link inside the workspace that leads out of it`,
      );
    }
  });
  checkSigning(inputs);
  const ids = [
    ...inputs.secrets.map((s) => s.id),
    ...inputs['secret-files'].map((s) => s.id),
    ...inputs['secret-envs'].map((s) => s.id),
  ];
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new ConfigurationError('secrets', `secret id "${duplicate}" is given twice`);

  checkSsh(inputs.ssh, ctx);
  for (const platform of inputs.platforms) {
    if (!/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(platform)) {
      throw new ConfigurationError('platforms', `"${platform}" is not os/arch[/variant] such as linux/amd64`);
    }
  }
  if (inputs['cache-scope'] && !/^[\w.-]+$/.test(inputs['cache-scope'])) {
    throw new ConfigurationError(
      'cache-scope',
      `"${inputs['cache-scope']}" may use letters, digits, "_", "-" and "." only`,
    );
  }
  for (const name of ['cache-from', 'cache-to'] as const) {
    inputs[name].forEach((entry, index) => {
      const problem = cacheSpecProblem(entry, name === 'cache-from' ? 'from' : 'to');
      if (problem) throw new ConfigurationError(name, `entry ${index + 1} ${problem}`);
    });
  }

  inputs['smoke-env'].forEach(({ key, value }, index) => {
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
  if (inputs['test-results-path']) checkResultsPath(inputs['test-results-path'], ctx);

  if (inputs['trivy-version'] && !/^\d+\.\d+\.\d+$/.test(inputs['trivy-version'])) {
    throw new ConfigurationError(
      'trivy-version',
      `"${inputs['trivy-version']}" is not a release version such as ${DEFAULT_TRIVY_VERSION}`,
    );
  }
  checkDownloadUrl(inputs['trivy-download-url']);
  if (inputs.scanners.length === 0) inputs.scanners = ['vuln'];
  if (inputs.trivyignore) {
    if (!fs.existsSync(inputs.trivyignore)) {
      throw new ConfigurationError(
        'trivyignore',
        `file "${path.relative(ctx.workspace, inputs.trivyignore)}" does not exist`,
      );
    }
  } else if (fs.existsSync(path.resolve(ctx.workspace, '.trivyignore'))) {
    inputs.trivyignore = path.resolve(ctx.workspace, '.trivyignore');
  }
  if (inputs.trivyignore && leadsOutOfWorkspace(ctx.workspace, inputs.trivyignore)) {
    throw new ConfigurationError('trivyignore', 'is a link inside the workspace that leads out of it');
  }

  if (inputs['upload-sarif'] && ctx.onGitHub && ctx.sha !== undefined && !/^[0-9a-f]{40}$/.test(ctx.sha)) {
    throw new ConfigurationError(
      'GITHUB_SHA',
      `"${ctx.sha.slice(0, 64)}" is not a commit id (40 hexadecimal digits); code scanning needs the commit that was analysed`,
      'environment',
    );
  }
}

/** cosign takes a key as PEM text (passed through the environment, never a file or argv) or a KMS URI. */
export const KMS_KEY_RE = /^(awskms|gcpkms|azurekms|hashivault|k8s|pkcs11):\/\/\S+$/;

function checkSigning(inputs: Inputs): void {
  const key = inputs['cosign-key'].trim();
  if (inputs.sign === 'key') {
    if (!key) {
      throw new ConfigurationError(
        'cosign-key',
        'is required with sign: key (a cosign private key, e.g. ${{ secrets.COSIGN_PRIVATE_KEY }})',
      );
    }
    if (
      !KMS_KEY_RE.test(key) &&
      !/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+-----END [A-Z ]*PRIVATE KEY-----/.test(key)
    ) {
      throw new ConfigurationError(
        'cosign-key',
        'is neither a PEM private key (as cosign generate-key-pair writes) nor a KMS URI (awskms://, gcpkms://, azurekms://, hashivault://, k8s://); its value is not shown',
      );
    }
  }
  if (inputs['cosign-version'] && !/^\d+\.\d+\.\d+$/.test(inputs['cosign-version'])) {
    throw new ConfigurationError(
      'cosign-version',
      `"${inputs['cosign-version']}" is not a release version such as 3.1.1`,
    );
  }
}

function checkSsh(entries: readonly string[], ctx: RunContext): void {
  entries.forEach((entry, index) => {
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
}

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

/**
 * An OCI reference Trivy can pull its DB from: registry host, repository path, a tag or digest (Trivy adds none:
 * `ghcr.io/aquasecurity/trivy-db` alone would ask for `latest`, which is not published). No scheme, no spaces, nothing
 * that could be read as a flag.
 */
const DB_REFERENCE_RE =
  /^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?|\[[0-9a-f:]+\](?::\d{1,5})?)(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+(?::[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})$/;

function dbRepository(f: Field, ref: string): string {
  if (!DB_REFERENCE_RE.test(ref)) {
    f.fail(
      `"${ref}" is not an OCI reference with a tag or digest such as ghcr.io/aquasecurity/trivy-db:2 (no scheme, lower case)`,
    );
  }
  return ref;
}

/** A source buildx fetches itself rather than reading a folder: a URL (git, https, docker-image://...) or git@. */
function isRemoteSource(source: string): boolean {
  return /^(?:[a-z][a-z0-9+.-]*:\/\/|git@)/i.test(source);
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

/** What `provenance` asks for, before the repository's visibility decides the default. */
export type ProvenanceInput = { kind: 'default' } | { kind: 'off' } | { kind: 'on'; attrs: string };
const PROVENANCE_KEYS = ['mode', 'builder-id', 'inline-only', 'version', 'filename', 'reproducible'];
/** The resource limits `docker buildx build --ulimit` takes. */
const ULIMITS = [
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
];

const ANNOTATION_LEVELS = ['manifest', 'index', 'manifest-descriptor', 'index-descriptor'];

/**
 * What is wrong with an `annotations` entry, as buildx's `--annotation` reads it: `[level[,level...]:]key=value`,
 * a level being manifest, index, manifest-descriptor or index-descriptor, optionally with `[os/arch]`.
 */
export function annotationProblem(entry: string): string | undefined {
  const pair = splitKeyValue(entry);
  if (!pair) return 'is not key=value';
  const colon = pair.key.lastIndexOf(':');
  const levels = colon < 0 ? [] : pair.key.slice(0, colon).split(',');
  const key = pair.key.slice(colon + 1);
  for (const level of levels) {
    const m = /^([a-z-]+)(?:\[([a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?)\])?$/.exec(level);
    if (!m || !ANNOTATION_LEVELS.includes(m[1])) {
      return `has the level "${level}"; use ${ANNOTATION_LEVELS.join(', ')} (optionally with [os/arch])`;
    }
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(key)) return `has the key "${key}", which is not an annotation key`;
  return undefined;
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

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** `150MB` (decimal, as docker shows sizes), `1.5GiB` (binary), `200000000` (bytes); undefined if not a size. */
export function parseSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?$/i.exec(text.trim());
  if (!match) return undefined;
  const bytes = Math.round(Number(match[1]) * SIZE_UNITS[(match[2] ?? '').toLowerCase()]);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}
