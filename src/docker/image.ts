import type { Runner } from '../exec.js';

export interface ImageInfo {
  id: string;
  size: number;
  /** TCP ports the image EXPOSEs, in ascending order. */
  exposedPorts: number[];
}

interface RawInspect {
  Id: string;
  Size: number;
  Config?: { ExposedPorts?: Record<string, unknown> | null };
}

/** Pure: the parts of `docker image inspect` the action uses. */
export function imageInfoFrom(raw: RawInspect): ImageInfo {
  const ports = Object.keys(raw.Config?.ExposedPorts ?? {})
    .filter((port) => port.endsWith('/tcp') || !port.includes('/'))
    .map((port) => Number(port.split('/')[0]))
    .filter((port) => Number.isInteger(port) && port > 0)
    .sort((a, b) => a - b);
  return { id: raw.Id, size: raw.Size, exposedPorts: ports };
}

export async function inspectImage(run: Runner, reference: string): Promise<ImageInfo> {
  const { stdout } = await run('docker', ['image', 'inspect', '--format', '{{json .}}', reference]);
  return imageInfoFrom(JSON.parse(stdout) as RawInspect);
}
