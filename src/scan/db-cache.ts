import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { errorMessage } from '../errors.js';
import type { ActionsCache } from '../tools/install.js';

export const DB_CACHE_PREFIX = 'multistage-trivy-db-';

/**
 * A daily key (the DB is rebuilt every few hours upstream) and the prefix that restores yesterday's. DBs from
 * repositories the inputs name are kept apart from Trivy's default ones (a mirror's or a fixture DB never stands in
 * for the public one, nor the other way): their key holds a digest of the repository lists.
 */
export function dbCacheKeys(now: Date, repositories: readonly string[] = []): { key: string; restoreKeys: string[] } {
  // A restore key matches by prefix: the default DB's prefix must not be a prefix of a mirror's keys.
  const source =
    repositories.length === 0
      ? 'default'
      : createHash('sha256').update(repositories.join('\n')).digest('hex').slice(0, 12);
  const prefix = `${DB_CACHE_PREFIX}${source}-`;
  return { key: `${prefix}${now.toISOString().slice(0, 10)}`, restoreKeys: [prefix] };
}

export function dbPaths(cacheDir: string): string[] {
  return [path.join(cacheDir, 'db'), path.join(cacheDir, 'java-db')];
}

export interface DbCache {
  /** The DB was restored with today's key: Trivy need not download it. */
  fresh: boolean;
  /** Save the DB under today's key unless it came from there; never throws. */
  save(): Promise<void>;
}

/** Restore Trivy's DB from the Actions cache (off GitHub: nothing to do). */
export async function restoreDb(
  cache: ActionsCache,
  cacheDir: string,
  now: Date,
  log: (m: string) => void,
  repositories: readonly string[] = [],
): Promise<DbCache> {
  if (!cache.isFeatureAvailable()) return { fresh: false, save: async () => undefined };
  const { key, restoreKeys } = dbCacheKeys(now, repositories);
  let hit: string | undefined;
  try {
    hit = await cache.restoreCache(dbPaths(cacheDir), key, restoreKeys);
    log(hit ? `Restored the Trivy DB from the Actions cache (${hit})` : 'No cached Trivy DB yet; Trivy downloads it');
  } catch (error: unknown) {
    log(`Could not restore the Trivy DB from the Actions cache: ${errorMessage(error)}`);
  }
  let saved = false;
  return {
    fresh: hit === key,
    // Once per run, whichever target's scan comes first: a cache key is written once.
    save: async () => {
      if (hit === key || saved) return;
      saved = true;
      try {
        // @actions/cache answers -1 (after its own warning) when the service refused or failed the save.
        const id = await cache.saveCache(dbPaths(cacheDir), key);
        log(
          id === -1
            ? `The Trivy DB was not saved to the Actions cache as ${key}; the next job downloads it again`
            : `Saved the Trivy DB to the Actions cache as ${key}`,
        );
      } catch (error: unknown) {
        log(`Could not save the Trivy DB to the Actions cache: ${errorMessage(error)}`);
      }
    },
  };
}
