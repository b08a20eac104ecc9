import { once } from '../runtime.js';
import type { ActionsCache, ToolCache } from './install.js';

/**
 * The real @actions/tool-cache and @actions/cache, each loaded on its first use: a run with trivy on PATH and no
 * cache service never loads them (they are most of the bundle).
 */
export function actionsToolCaches(cacheService: boolean): { toolCache: ToolCache; actionsCache: ActionsCache } {
  const tc = once(() => import('@actions/tool-cache'));
  const cache = once(() => import('@actions/cache'));
  return {
    toolCache: {
      find: async (tool, version, arch) => (await tc()).find(tool, version, arch),
      downloadTool: async (url, dest) => (await tc()).downloadTool(url, dest),
      extractTar: async (file, dest) => (await tc()).extractTar(file, dest),
      cacheDir: async (dir, tool, version, arch) => (await tc()).cacheDir(dir, tool, version, arch),
      cacheFile: async (file, target, tool, version, arch) => (await tc()).cacheFile(file, target, tool, version, arch),
    },
    actionsCache: {
      // The same environment @actions/cache looks at (ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL and the token).
      isFeatureAvailable: () => cacheService,
      restoreCache: async (paths, key, restoreKeys) => (await cache()).restoreCache(paths, key, restoreKeys),
      saveCache: async (paths, key) => (await cache()).saveCache(paths, key),
    },
  };
}
