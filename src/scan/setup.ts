import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Runner } from '../exec.js';
import { installTrivy, type ActionsCache, type ToolCache } from '../tools/install.js';
import { restoreDb, type DbCache } from './db-cache.js';

/** Trivy and its DB, set up once per run however many targets are scanned. */
export interface TrivySetup {
  /** Command to run: a path, or `trivy` from PATH. */
  trivy: string;
  cacheDir: string;
  db: DbCache;
  /** What setting up said, printed in the first scan's group (the setup may run while a build prints). */
  notes: string[];
}

export interface TrivySetupOptions {
  run: Runner;
  now: () => number;
  version: string;
  downloadUrl: string;
  /** RUNNER_TOOL_CACHE, where downloaded tools are kept. */
  toolCacheRoot: string;
  /** The user's home: Trivy's cache is ~/.cache/trivy. */
  home: string;
  caches: { toolCache: ToolCache; actionsCache: ActionsCache };
  /** The DB and Java DB repositories the inputs name, in that order ('' between them): part of the cache key. */
  dbRepositories?: readonly string[];
}

export async function setUpTrivy(options: TrivySetupOptions): Promise<TrivySetup> {
  const notes: string[] = [];
  const log = (message: string): void => void notes.push(message);
  const installed = await installTrivy({
    run: options.run,
    version: options.version,
    downloadUrl: options.downloadUrl,
    toolCache: options.caches.toolCache,
    actionsCache: options.caches.actionsCache,
    toolCacheRoot: options.toolCacheRoot,
    log,
  });
  const cacheDir = path.join(options.home, '.cache', 'trivy');
  const db = await restoreDb(
    options.caches.actionsCache,
    cacheDir,
    new Date(options.now()),
    log,
    options.dbRepositories,
  );
  return { trivy: installed.command, cacheDir, db, notes };
}

/**
 * Which DB updates Trivy may be told to skip: only a DB restored today and actually on disk. Real Trivy refuses
 * `--skip-db-update` without db/trivy.db and db/metadata.json, and `--skip-java-db-update` without
 * java-db/metadata.json ("cannot be specified on the first run"), the latter as soon as the image holds a JAR.
 */
export function dbSkips(cacheDir: string, fresh: boolean): { skipDbUpdate: boolean; skipJavaDbUpdate: boolean } {
  const has = (...parts: string[]): boolean => fs.existsSync(path.join(cacheDir, ...parts));
  return {
    skipDbUpdate: fresh && has('db', 'trivy.db') && has('db', 'metadata.json'),
    skipJavaDbUpdate: fresh && has('java-db', 'metadata.json'),
  };
}

/**
 * Trivy would not touch the DB on disk now (pkg/db NeedsUpdate): db/trivy.db and a schema-2 metadata.json whose
 * DownloadedAt is set, and either its NextUpdate has not come or it was downloaded within the hour. Such a DB can
 * be shared by scans running at once.
 */
export function dbIsCurrent(cacheDir: string, now: number): boolean {
  try {
    if (!fs.existsSync(path.join(cacheDir, 'db', 'trivy.db'))) return false;
    const meta = JSON.parse(fs.readFileSync(path.join(cacheDir, 'db', 'metadata.json'), 'utf8')) as {
      Version?: unknown;
      NextUpdate?: unknown;
      DownloadedAt?: unknown;
    };
    const next = typeof meta.NextUpdate === 'string' ? Date.parse(meta.NextUpdate) : NaN;
    const downloaded = typeof meta.DownloadedAt === 'string' ? Date.parse(meta.DownloadedAt) : NaN;
    if (meta.Version !== 2 || !(downloaded > 0)) return false;
    return now < next || now < downloaded + 3600_000;
  } catch {
    return false;
  }
}
