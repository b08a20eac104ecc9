import type { Runner } from '../exec.js';

export interface ImageInfo {
  id: string;
  size: number;
  /** TCP ports the image EXPOSEs, in ascending order. */
  exposedPorts: number[];
  hasHealthcheck: boolean;
  user: string;
}

interface RawInspect {
  Id: string;
  Size: number;
  Config?: {
    ExposedPorts?: Record<string, unknown> | null;
    Healthcheck?: { Test?: string[] } | null;
    User?: string;
  };
}

/** Pure: the parts of `docker image inspect` the action uses. */
export function imageInfoFrom(raw: RawInspect): ImageInfo {
  const ports = Object.keys(raw.Config?.ExposedPorts ?? {})
    .filter((p) => p.endsWith('/tcp') || !p.includes('/'))
    .map((p) => Number(p.split('/')[0]))
    .filter((p) => Number.isInteger(p) && p > 0)
    .sort((a, b) => a - b);
  const test = raw.Config?.Healthcheck?.Test ?? [];
  return {
    id: raw.Id,
    size: raw.Size,
    exposedPorts: ports,
    hasHealthcheck: test.length > 0 && test[0] !== 'NONE',
    user: raw.Config?.User ?? '',
  };
}

export async function inspectImage(run: Runner, reference: string): Promise<ImageInfo> {
  const { stdout } = await run('docker', ['image', 'inspect', '--format', '{{json .}}', reference]);
  return imageInfoFrom(JSON.parse(stdout) as RawInspect);
}
