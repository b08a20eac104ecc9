/** Label on every container the action starts, so nothing of ours can hide in `docker ps -a`. */
export const CONTAINER_LABEL = 'com.github.multistage-action';

export interface SmokeRunOptions {
  name: string;
  image: string;
  containerPort: number;
  runId: string;
  target: string;
  /** The container's environment as an env file (values never in argv, never in the docker CLI's environment). */
  envFile?: string;
  hardened: boolean;
}

/** Flags a hardened production deploy runs with. */
export const HARDENED_FLAGS = [
  '--read-only',
  '--tmpfs',
  '/tmp:rw,noexec,nosuid,size=64m',
  '--cap-drop',
  'ALL',
  '--security-opt',
  'no-new-privileges',
  '--pids-limit',
  '256',
  '--memory',
  '512m',
];

export function smokeRunArgs(options: SmokeRunOptions): string[] {
  const args = [
    'run',
    '--detach',
    '--name',
    options.name,
    '--label',
    `${CONTAINER_LABEL}=${options.runId}`,
    '--label',
    `${CONTAINER_LABEL}.target=${options.target}`,
    '--publish',
    `127.0.0.1::${options.containerPort}`,
  ];
  if (options.envFile) args.push('--env-file', options.envFile);
  if (options.hardened) args.push(...HARDENED_FLAGS);
  args.push(options.image);
  return args;
}

/** `docker port` prints e.g. "127.0.0.1:49153" (and maybe an IPv6 line); the first IPv4 port wins. */
export function parseHostPort(text: string): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^(?:\d+\.\d+\.\d+\.\d+|0\.0\.0\.0):(\d+)\s*$/.exec(line.trim());
    if (m) return Number(m[1]);
  }
  return undefined;
}
