import * as os from 'node:os';
import * as path from 'node:path';

/** What the action knows about where it runs, read once from the runner's documented environment. */
export interface RunContext {
  /** `owner/name`, when on GitHub. */
  repository?: string;
  sha?: string;
  ref?: string;
  eventName?: string;
  eventPath?: string;
  serverUrl: string;
  apiUrl: string;
  workspace: string;
  runnerTemp: string;
  /** RUNNER_TOOL_CACHE: where downloaded tools are kept (a folder in the user's cache off GitHub). */
  toolCache: string;
  runId: string;
  /** Running as a step on GitHub Actions (not the command line). */
  onGitHub: boolean;
  /** The runner's cache service is reachable for `type=gha` (its URL and token are in the environment). */
  cacheService: boolean;
}

export function readContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const nonEmpty = (name: string): string | undefined => (env[name] ? env[name] : undefined);
  return {
    repository: nonEmpty('GITHUB_REPOSITORY'),
    sha: nonEmpty('GITHUB_SHA'),
    ref: nonEmpty('GITHUB_REF'),
    eventName: nonEmpty('GITHUB_EVENT_NAME'),
    eventPath: nonEmpty('GITHUB_EVENT_PATH'),
    serverUrl: nonEmpty('GITHUB_SERVER_URL') ?? 'https://github.com',
    apiUrl: nonEmpty('GITHUB_API_URL') ?? 'https://api.github.com',
    workspace: nonEmpty('GITHUB_WORKSPACE') ?? process.cwd(),
    runnerTemp: nonEmpty('RUNNER_TEMP') ?? path.join(os.tmpdir()),
    toolCache: nonEmpty('RUNNER_TOOL_CACHE') ?? path.join(os.homedir(), '.cache', 'multistage-action', 'tools'),
    runId: nonEmpty('GITHUB_RUN_ID') ?? `local-${process.pid}`,
    onGitHub: env.GITHUB_ACTIONS === 'true',
    cacheService:
      Boolean(nonEmpty('ACTIONS_RESULTS_URL') || nonEmpty('ACTIONS_CACHE_URL')) &&
      Boolean(nonEmpty('ACTIONS_RUNTIME_TOKEN')),
  };
}
