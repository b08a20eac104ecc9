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
  /**
   * The runner's cache service, when its URL and token are in the environment, and the protocol it speaks: `v2` on
   * github.com's runners (ACTIONS_CACHE_SERVICE_V2 with ACTIONS_RESULTS_URL), `v1` on GHES (ACTIONS_CACHE_URL).
   * The same rule @actions/cache follows, so the build cache and the Trivy caches agree.
   */
  cacheService?: CacheProtocol;
  /** GITHUB_ACTOR: who triggered the run (Dependabot's token is read-only on pull requests). */
  actor?: string;
  /** GITHUB_WORKFLOW and GITHUB_JOB: which job's pull request comment is this one's. */
  workflow?: string;
  job?: string;
  /** SSH_AUTH_SOCK: the agent `ssh: default` forwards to the build. */
  sshAuthSock?: string;
  /** DOCKER_HOST, named when the engine cannot be reached. */
  dockerHost?: string;
  /** The user's home folder (Trivy's cache lives under it). */
  home: string;
}

export type CacheProtocol = 'v1' | 'v2';

/** GitHub Enterprise Server: any server but github.com, *.ghe.com (GHE.com) and *.localhost. */
export function isGhes(serverUrl: string): boolean {
  const host = new URL(serverUrl).hostname.toLowerCase();
  return host !== 'github.com' && !host.endsWith('.ghe.com') && !host.endsWith('.localhost');
}

function cacheProtocol(nonEmpty: (name: string) => string | undefined, serverUrl: string): CacheProtocol | undefined {
  if (!nonEmpty('ACTIONS_RUNTIME_TOKEN')) return undefined;
  if (nonEmpty('ACTIONS_CACHE_SERVICE_V2') && !isGhes(serverUrl))
    return nonEmpty('ACTIONS_RESULTS_URL') ? 'v2' : undefined;
  return nonEmpty('ACTIONS_CACHE_URL') || nonEmpty('ACTIONS_RESULTS_URL') ? 'v1' : undefined;
}

export function readContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const nonEmpty = (name: string): string | undefined => (env[name] ? env[name] : undefined);
  const serverUrl = nonEmpty('GITHUB_SERVER_URL') ?? 'https://github.com';
  return {
    repository: nonEmpty('GITHUB_REPOSITORY'),
    sha: nonEmpty('GITHUB_SHA'),
    ref: nonEmpty('GITHUB_REF'),
    eventName: nonEmpty('GITHUB_EVENT_NAME'),
    eventPath: nonEmpty('GITHUB_EVENT_PATH'),
    serverUrl,
    apiUrl: nonEmpty('GITHUB_API_URL') ?? 'https://api.github.com',
    workspace: nonEmpty('GITHUB_WORKSPACE') ?? process.cwd(),
    runnerTemp: nonEmpty('RUNNER_TEMP') ?? path.join(os.tmpdir()),
    toolCache: nonEmpty('RUNNER_TOOL_CACHE') ?? path.join(os.homedir(), '.cache', 'multistage-action', 'tools'),
    runId: nonEmpty('GITHUB_RUN_ID') ?? `local-${process.pid}`,
    onGitHub: env.GITHUB_ACTIONS === 'true',
    cacheService: cacheProtocol(nonEmpty, serverUrl),
    actor: nonEmpty('GITHUB_ACTOR'),
    workflow: nonEmpty('GITHUB_WORKFLOW'),
    job: nonEmpty('GITHUB_JOB'),
    sshAuthSock: nonEmpty('SSH_AUTH_SOCK'),
    dockerHost: nonEmpty('DOCKER_HOST'),
    home: nonEmpty('HOME') ?? os.homedir(),
  };
}
