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
}

/** The parts of @actions/cache the action uses; `isFeatureAvailable` is false off GitHub. */
export interface ActionsCache {
  isFeatureAvailable(): boolean;
  restoreCache(paths: string[], key: string, restoreKeys?: string[]): Promise<string | undefined>;
  saveCache(paths: string[], key: string): Promise<number>;
}

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
  return /Version:\s*v?(\d+\.\d+\.\d+)/.exec(text)?.[1];
}

export interface InstallOptions {
  run: Runner;
  /** The release asked for (trivy-version); '' for any trivy on PATH, else the pinned one. */
  version: string;
  /** Base URL of releases: <url>/v<version>/<asset>. */
  downloadUrl: string;
  toolCache: ToolCache;
  actionsCache: ActionsCache;
  /** RUNNER_TOOL_CACHE, where the tool cache keeps trivy (saved across jobs with @actions/cache). */
  toolCacheRoot: string;
  platform?: NodeJS.Platform;
  arch?: string;
  log: (message: string) => void;
}

export interface InstalledTrivy {
  /** Command to run (a path, or `trivy` from PATH). */
  command: string;
  source: 'path' | 'tool-cache' | 'actions-cache' | 'download';
}

/**
 * Trivy: with no version asked for, the one on PATH whatever its version (the log says which), else the pinned
 * release; with a version asked for, exactly that one: from PATH, from the job's tool cache, from the cross-job
 * cache, or downloaded, checked against the release's checksums file and cached. Fails with everything it tried.
 */
export async function installTrivy(requested: InstallOptions): Promise<InstalledTrivy> {
  const platform = requested.platform ?? process.platform;
  const arch = requested.arch ?? process.arch;
  const tried: string[] = [];

  const onPath = await requested.run('trivy', ['--version'], { allowFailure: true }).catch(() => undefined);
  const pathVersion = onPath && onPath.exitCode === 0 ? versionFromOutput(onPath.stdout) : undefined;
  if (pathVersion && (!requested.version || pathVersion === requested.version)) {
    requested.log(
      `Using trivy ${pathVersion} from PATH${requested.version ? '' : ' (trivy-version is empty: any version on PATH)'}`,
    );
    return { command: 'trivy', source: 'path' };
  }
  // Nothing on PATH and no version asked for: the release this action pins.
  const options = { ...requested, version: requested.version || DEFAULT_TRIVY_VERSION };
  tried.push(pathVersion ? `trivy on PATH is ${pathVersion}, not ${options.version}` : 'no trivy on PATH');

  const binary = (dir: string): string => path.join(dir, 'trivy');
  const cached = await options.toolCache.find('trivy', options.version, arch);
  if (cached && fs.existsSync(binary(cached))) {
    options.log(`Using trivy ${options.version} from the tool cache`);
    return { command: binary(cached), source: 'tool-cache' };
  }
  tried.push(`no trivy ${options.version} in the tool cache`);

  const cacheKey = `multistage-trivy-${options.version}-${platform}-${arch}`;
  const toolDir = path.join(options.toolCacheRoot, 'trivy', options.version, arch);
  if (options.actionsCache.isFeatureAvailable()) {
    try {
      const hit = await options.actionsCache.restoreCache([toolDir], cacheKey);
      if (hit && fs.existsSync(binary(toolDir))) {
        fs.writeFileSync(`${toolDir}.complete`, '');
        options.log(`Using trivy ${options.version} restored from the Actions cache`);
        return { command: binary(toolDir), source: 'actions-cache' };
      }
      tried.push(`no Actions cache entry ${cacheKey}`);
    } catch (error: unknown) {
      tried.push(`the Actions cache failed (${errorMessage(error)})`);
    }
  }

  const asset = trivyAsset(options.version, platform, arch);
  const base = `${options.downloadUrl}/v${options.version}`;
  const checksumsName = `trivy_${options.version}_checksums.txt`;
  let archive: string;
  let checksums: string;
  try {
    const checksumsFile = await options.toolCache.downloadTool(`${base}/${checksumsName}`);
    checksums = fs.readFileSync(checksumsFile, 'utf8');
    fs.rmSync(checksumsFile, { force: true });
    archive = await options.toolCache.downloadTool(`${base}/${asset}`);
  } catch (error: unknown) {
    tried.push(`downloading ${base}/${asset} failed: ${errorMessage(error)}`);
    throw unavailable(options.version, tried);
  }
  const expected = checksumFor(checksums, asset);
  if (!expected) {
    tried.push(`${checksumsName} has no checksum for ${asset}`);
    throw unavailable(options.version, tried);
  }
  const actual = sha256File(archive);
  if (actual !== expected) {
    fs.rmSync(archive, { force: true });
    tried.push(
      `checksum mismatch for ${asset}: ${checksumsName} says ${expected}, the download is ${actual}; refusing to run it`,
    );
    throw unavailable(options.version, tried);
  }
  const extracted = await options.toolCache.extractTar(archive);
  fs.rmSync(archive, { force: true });
  if (!fs.existsSync(binary(extracted))) {
    tried.push(`${asset} holds no trivy binary`);
    throw unavailable(options.version, tried);
  }
  const dir = await options.toolCache.cacheDir(extracted, 'trivy', options.version, arch);
  fs.rmSync(extracted, { recursive: true, force: true });
  options.log(`Installed trivy ${options.version} from ${base}/${asset} (sha256 ${actual})`);
  if (options.actionsCache.isFeatureAvailable()) {
    try {
      await options.actionsCache.saveCache([toolDir], cacheKey);
    } catch (error: unknown) {
      options.log(`Could not save trivy to the Actions cache: ${errorMessage(error)}`);
    }
  }
  return { command: binary(dir), source: 'download' };
}

function unavailable(version: string, tried: string[]): ToolError {
  return new ToolError(
    'trivy',
    `Trivy ${version} is not available. Tried:\n${tried.map((t) => `  - ${t}`).join('\n')}\n` +
      `To fix: install trivy ${version} on the runner (e.g. aquasecurity/setup-trivy), set trivy-version to the version on PATH, ` +
      `let the runner reach the release download, set trivy-download-url to a mirror, or set scan: false.`,
  );
}
