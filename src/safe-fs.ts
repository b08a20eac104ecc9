import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The one way the action reads a folder a build produced (the test stage's export): it never follows a link, reads
 * regular files only, never blocks on a FIFO or a device, and stops at documented limits. BuildKit's local exporter
 * writes what the stage holds as it is: symbolic links (to /etc/passwd, to /), FIFOs, and device nodes that read
 * the runner's own disks.
 */

export interface WalkLimits {
  /** Entries (files, folders, anything) looked at in all. */
  maxEntries: number;
  /** Folders inside folders. */
  maxDepth: number;
}

export const WALK_LIMITS: WalkLimits = { maxEntries: 100_000, maxDepth: 64 };

export type SkippedKind =
  'symbolic link' | 'FIFO' | 'socket' | 'block device' | 'character device' | 'unreadable folder' | 'unknown';

export interface FoundFile {
  /** Relative to the root, "/"-separated. */
  path: string;
  size: number;
}

export interface WalkResult {
  files: FoundFile[];
  skipped: { path: string; kind: SkippedKind }[];
}

/** A folder a build produced is over one of the limits: nothing in it is used. */
export class ExportLimitError extends Error {
  override readonly name = 'ExportLimitError';
}

function kindOf(stat: fs.Stats): SkippedKind {
  if (stat.isSymbolicLink()) return 'symbolic link';
  if (stat.isFIFO()) return 'FIFO';
  if (stat.isSocket()) return 'socket';
  if (stat.isBlockDevice()) return 'block device';
  if (stat.isCharacterDevice()) return 'character device';
  return 'unknown';
}

/** Every regular file under `root`, sorted, found without following any link; everything else is listed as skipped. */
export function walkNoFollow(root: string, limits: WalkLimits = WALK_LIMITS): WalkResult {
  const files: FoundFile[] = [];
  const skipped: WalkResult['skipped'] = [];
  let entries = 0;
  const pending: { rel: string; depth: number }[] = [{ rel: '', depth: 0 }];
  while (pending.length > 0) {
    const { rel, depth } = pending.pop() as { rel: string; depth: number };
    let names: string[];
    try {
      names = fs.readdirSync(path.join(root, rel));
    } catch {
      skipped.push({ path: rel || '.', kind: 'unreadable folder' });
      continue;
    }
    for (const name of names) {
      entries++;
      if (entries > limits.maxEntries) {
        throw new ExportLimitError(`it holds more than ${limits.maxEntries} entries (the limit)`);
      }
      const child = rel ? `${rel}/${name}` : name;
      const stat = fs.lstatSync(path.join(root, child));
      if (stat.isDirectory()) {
        if (depth + 1 > limits.maxDepth) {
          throw new ExportLimitError(`${child} is nested deeper than ${limits.maxDepth} folders (the limit)`);
        }
        pending.push({ rel: child, depth: depth + 1 });
      } else if (stat.isFile()) {
        files.push({ path: child, size: stat.size });
      } else {
        skipped.push({ path: child, kind: kindOf(stat) });
      }
    }
  }
  const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return { files: files.sort(byPath), skipped: skipped.sort(byPath) };
}

/**
 * Open a file for reading only if it is a regular file itself: never through a link (O_NOFOLLOW), never waiting on
 * a FIFO or device (O_NONBLOCK, then fstat). Returns the descriptor; the caller closes it.
 */
export function openRegular(file: string): number {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  try {
    if (!fs.fstatSync(fd).isFile()) throw new Error(`${file} is not a regular file`);
  } catch (error: unknown) {
    fs.closeSync(fd);
    throw error;
  }
  return fd;
}

/** Read at most `maxBytes` of a regular file (see openRegular); `undefined` when it is not one or cannot be read. */
export function readRegularText(file: string, maxBytes: number): string | undefined {
  let fd: number;
  try {
    fd = openRegular(file);
  } catch {
    return undefined;
  }
  try {
    const buffer = Buffer.alloc(Math.min(maxBytes, Math.max(0, fs.fstatSync(fd).size)));
    const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** Copy one regular file (see openRegular) to `to`, created new with mode 0644; never follows a link at `to`. */
export function copyRegular(from: string, to: string): void {
  const input = openRegular(from);
  try {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    const output = fs.openSync(
      to,
      fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW,
      0o644,
    );
    try {
      const buffer = Buffer.alloc(1024 * 1024);
      let read: number;
      while ((read = fs.readSync(input, buffer, 0, buffer.length, null)) > 0) fs.writeSync(output, buffer, 0, read);
    } finally {
      fs.closeSync(output);
    }
  } finally {
    fs.closeSync(input);
  }
}

/** Remove a tree a build wrote, also when it holds folders without permissions (mode 000) that rm alone cannot enter. */
export function removeTree(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  } catch {
    // fall through: make every folder ours to empty, then try again
  }
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop() as string;
    try {
      fs.chmodSync(current, 0o700);
      for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
        if (entry.isDirectory()) pending.push(path.join(current, entry.name));
      }
    } catch {
      // best effort
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/** `child` is `parent` or inside it, as paths (after resolving "." and ".."; links are not looked at). */
export function isInside(parent: string, child: string): boolean {
  const relative = path.relative(path.resolve(parent), path.resolve(child));
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/**
 * A path the workflow named inside the workspace must lead somewhere inside it too: in a pull request the workspace
 * is the author's checkout, and a checked-out symbolic link (Dockerfile -> /home/runner/.ssh/id_rsa) would make
 * the action hand the runner's own files to the build or print them in its errors. Paths named outside the
 * workspace (RUNNER_TEMP, an absolute path) are the workflow's own choice. False when the path does not exist.
 */
export function leadsOutOfWorkspace(workspace: string, resolved: string): boolean {
  if (!isInside(workspace, resolved)) return false;
  let real: string;
  try {
    real = fs.realpathSync(resolved);
  } catch {
    return false;
  }
  return !isInside(fs.realpathSync(workspace), real);
}

/** The longest existing ancestor of a path, resolved through links (the path itself when it exists). */
export function realAncestor(target: string): string {
  let current = path.resolve(target);
  for (;;) {
    try {
      return fs.realpathSync(current);
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}
