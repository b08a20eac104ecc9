import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Runner } from '../exec.js';
import { errorMessage, ToolError } from '../errors.js';
import { DEFAULT_TRIVY_VERSION } from '../inputs.js';

/** The parts of @actions/tool-cache the installer uses (the real module in production and in tests). */
export interface ToolCache {
  find(tool: string, version: string, arch?: string): Promise<string>;
  downloadTool(url: string, dest?: string): Promise<string>;
  extractTar(file: string, dest?: string): Promise<string>;
  cacheDir(dir: string, tool: string, version: string, arch?: string): Promise<string>;
  cacheFile(file: string, target: string, tool: string, version: string, arch?: string): Promise<string>;
}

/** The parts of @actions/cache the action uses; `isFeatureAvailable` is false off GitHub. */
export interface ActionsCache {
  isFeatureAvailable(): boolean;
  restoreCache(paths: string[], key: string, restoreKeys?: string[]): Promise<string | undefined>;
  saveCache(paths: string[], key: string): Promise<number>;
}

/** How a tool's releases are named and checked: everything the installer needs to know about one tool. */
export interface ToolRelease {
  tool: string;
  /** The release this action pins, installed when none is asked for and none is on PATH. */
  pinned: string;
  /** The input that asks for a version, for messages. */
  versionInput: string;
  /** argv that prints the version, and how to read it (undefined: a build that does not say, e.g. "devel"). */
  versionArgs: string[];
  versionFrom(output: string): string | undefined;
  /** The release asset for this runner; throws a ToolError where the tool has none. */
  asset(version: string, platform: NodeJS.Platform, arch: string): string;
  checksums(version: string): string;
  /** A tarball holding the binary, or the binary itself. */
  kind: 'tar' | 'binary';
  /** What else a user can do when nothing worked: the action that installs it, and the other ways out. */
  fix: { installWith: string; otherwise: string };
}

export const TRIVY: ToolRelease = {
  tool: 'trivy',
  pinned: DEFAULT_TRIVY_VERSION,
  versionInput: 'trivy-version',
  versionArgs: ['--version'],
  versionFrom: (text) => /Version:\s*v?(\d+\.\d+\.\d+)/.exec(text)?.[1],
  asset: (version, platform, arch) => trivyAsset(version, platform, arch),
  checksums: (version) => `trivy_${version}_checksums.txt`,
  kind: 'tar',
  fix: { installWith: 'aquasecurity/setup-trivy', otherwise: 'set trivy-download-url to a mirror, or set scan: false' },
};

/** The release asset for this runner: trivy_<v>_Linux-64bit.tar.gz and the like. */
export function trivyAsset(version: string, platform: NodeJS.Platform, arch: string): string {
  const os = platform === 'linux' ? 'Linux' : platform === 'darwin' ? 'macOS' : undefined;
  const cpu = arch === 'x64' ? '64bit' : arch === 'arm64' ? 'ARM64' : undefined;
  if (!os || !cpu)
    throw new ToolError('trivy', `Trivy has no release for ${platform}/${arch}; install it on the runner yourself`);
  return `trivy_${version}_${os}-${cpu}.tar.gz`;
}

/** Find an asset's SHA-256 in a goreleaser checksums file (`<sha256>  <name>` per line). */
export function checksumFor(checksums: string, asset: string): string | undefined {
  for (const line of checksums.split('\n')) {
    const m = /^([0-9a-f]{64})\s+\*?(\S+)\s*$/i.exec(line.trim());
    if (m && m[2] === asset) return m[1].toLowerCase();
  }
  return undefined;
}

export function sha256File(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export function versionFromOutput(text: string): string | undefined {
  return TRIVY.versionFrom(text);
}

export interface InstallOptions {
  run: Runner;
  /** The release asked for; '' for any one on PATH, else the pinned one. */
  version: string;
  /** Base URL of releases: <url>/v<version>/<asset>. */
  downloadUrl: string;
  toolCache: ToolCache;
  actionsCache: ActionsCache;
  /** RUNNER_TOOL_CACHE, where the tool cache keeps the tool (saved across jobs with @actions/cache). */
  toolCacheRoot: string;
  platform?: NodeJS.Platform;
  arch?: string;
  log: (message: string) => void;
}

export interface InstalledTool {
  /** Command to run (a path, or the bare name from PATH). */
  command: string;
  source: 'path' | 'tool-cache' | 'actions-cache' | 'download';
}

/**
 * A tool: with no version asked for, the one on PATH whatever its version (the log says which), else the pinned
 * release; with a version asked for, exactly that one: from PATH, from the job's tool cache, from the cross-job
 * cache, or downloaded, checked against the release's checksums file and cached. Fails with everything it tried.
 */
export async function installTool(release: ToolRelease, requested: InstallOptions): Promise<InstalledTool> {
  const { tool } = release;
  const platform = requested.platform ?? process.platform;
  const arch = requested.arch ?? process.arch;
  const tried: string[] = [];

  const onPath = await requested.run(tool, release.versionArgs, { allowFailure: true }).catch(() => undefined);
  const runs = onPath !== undefined && onPath.exitCode === 0;
  const pathVersion = runs ? release.versionFrom(onPath.stdout) : undefined;
  if (runs && (!requested.version || pathVersion === requested.version)) {
    requested.log(
      `Using ${tool} ${pathVersion ?? '(a build that does not say its version)'} from PATH${requested.version ? '' : ` (${release.versionInput} is empty: any version on PATH)`}`,
    );
    return { command: tool, source: 'path' };
  }
  // Nothing on PATH and no version asked for: the release this action pins.
  const options = { ...requested, version: requested.version || release.pinned };
  tried.push(
    runs
      ? `${tool} on PATH is ${pathVersion ?? 'of an unknown version'}, not ${options.version}`
      : `no ${tool} on PATH`,
  );

  const binary = (dir: string): string => path.join(dir, tool);
  const cached = await options.toolCache.find(tool, options.version, arch);
  if (cached && fs.existsSync(binary(cached))) {
    options.log(`Using ${tool} ${options.version} from the tool cache`);
    return { command: binary(cached), source: 'tool-cache' };
  }
  tried.push(`no ${tool} ${options.version} in the tool cache`);

  const cacheKey = `multistage-${tool}-${options.version}-${platform}-${arch}`;
  const toolDir = path.join(options.toolCacheRoot, tool, options.version, arch);
  if (options.actionsCache.isFeatureAvailable()) {
    try {
      const hit = await options.actionsCache.restoreCache([toolDir], cacheKey);
      if (hit && fs.existsSync(binary(toolDir))) {
        fs.writeFileSync(`${toolDir}.complete`, '');
        options.log(`Using ${tool} ${options.version} restored from the Actions cache`);
        return { command: binary(toolDir), source: 'actions-cache' };
      }
      tried.push(`no Actions cache entry ${cacheKey}`);
    } catch (error: unknown) {
      tried.push(`the Actions cache failed (${errorMessage(error)})`);
    }
  }

  const asset = release.asset(options.version, platform, arch);
  const base = `${options.downloadUrl}/v${options.version}`;
  const checksumsName = release.checksums(options.version);
  let download: string;
  let checksums: string;
  try {
    const checksumsFile = await options.toolCache.downloadTool(`${base}/${checksumsName}`);
    checksums = fs.readFileSync(checksumsFile, 'utf8');
    fs.rmSync(checksumsFile, { force: true });
    download = await options.toolCache.downloadTool(`${base}/${asset}`);
  } catch (error: unknown) {
    tried.push(`downloading ${base}/${asset} failed: ${errorMessage(error)}`);
    throw unavailable(release, options.version, tried);
  }
  const expected = checksumFor(checksums, asset);
  if (!expected) {
    fs.rmSync(download, { force: true });
    tried.push(`${checksumsName} has no checksum for ${asset}`);
    throw unavailable(release, options.version, tried);
  }
  const actual = sha256File(download);
  if (actual !== expected) {
    fs.rmSync(download, { force: true });
    tried.push(
      `checksum mismatch for ${asset}: ${checksumsName} says ${expected}, the download is ${actual}; refusing to run it`,
    );
    throw unavailable(release, options.version, tried);
  }
  let dir: string;
  if (release.kind === 'tar') {
    const extracted = await options.toolCache.extractTar(download);
    fs.rmSync(download, { force: true });
    if (!fs.existsSync(binary(extracted))) {
      fs.rmSync(extracted, { recursive: true, force: true });
      tried.push(`${asset} holds no ${tool} binary`);
      throw unavailable(release, options.version, tried);
    }
    dir = await options.toolCache.cacheDir(extracted, tool, options.version, arch);
    fs.rmSync(extracted, { recursive: true, force: true });
  } else {
    fs.chmodSync(download, 0o755);
    dir = await options.toolCache.cacheFile(download, tool, tool, options.version, arch);
    fs.rmSync(download, { force: true });
  }
  options.log(`Installed ${tool} ${options.version} from ${base}/${asset} (sha256 ${actual})`);
  if (options.actionsCache.isFeatureAvailable()) {
    try {
      await options.actionsCache.saveCache([toolDir], cacheKey);
    } catch (error: unknown) {
      options.log(`Could not save ${tool} to the Actions cache: ${errorMessage(error)}`);
    }
  }
  return { command: binary(dir), source: 'download' };
}

/** Trivy, as installTool installs it. */
export function installTrivy(requested: InstallOptions): Promise<InstalledTool> {
  return installTool(TRIVY, requested);
}

function unavailable(release: ToolRelease, version: string, tried: string[]): ToolError {
  const name = release.tool[0].toUpperCase() + release.tool.slice(1);
  return new ToolError(
    release.tool,
    `${name} ${version} is not available. Tried:\n${tried.map((t) => `  - ${t}`).join('\n')}\n` +
      `To fix: install ${release.tool} ${version} on the runner (e.g. ${release.fix.installWith}), set ${release.versionInput} to the version on PATH, ` +
      `let the runner reach the release download, ${release.fix.otherwise}.`,
  );
}
