import { once } from 'node:events';
import * as fs from 'node:fs';
import { Writable, type Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { TarParser } from '../release/tar.js';
import { openRegular, readRegularText } from '../safe-fs.js';

/**
 * The final image's layers, read from `docker image save` as a stream (the archive, and each layer inside it, parsed
 * as it arrives; nothing is unpacked to disk): what each layer adds, and the bytes a layer writes that a later layer
 * deletes or overwrites (what dive calls wasted space).
 */

/** What one layer holds: its files' sizes by path, and what it deletes. */
export interface LayerContent {
  /** Compressed (as stored) digest of the layer blob. */
  digest: string;
  files: Map<string, number>;
  /** Paths a whiteout (`.wh.<name>`) removes. */
  deleted: string[];
  /** Folders an opaque whiteout (`.wh..wh..opq`) empties. */
  opaque: string[];
  /** Entries past MAX_ENTRIES_PER_LAYER are counted, not kept. */
  truncated: boolean;
}

export interface SavedImage {
  /** In the image's order, base first. */
  layers: LayerContent[];
  /**
   * The layers' bytes as a registry stores them (compressed): the blobs' own sizes when the engine keeps them
   * compressed (containerd store), else gzip's output counted on the fly (`measureCompressed`); undefined if unknown.
   */
  compressedBytes?: number;
  /** The image config's history entries that made a layer, in the same order (empty when unknown). */
  history: { createdBy: string }[];
}

/** A hostile image cannot make the reader hold more than this. */
const MAX_ENTRIES_PER_LAYER = 1_000_000;
const MAX_LAYERS = 500;
const MAX_JSON_BYTES = 8 * 1024 * 1024;

const BLOB = /^blobs\/sha256\/([0-9a-f]{64})$/;
const LEGACY_LAYER = /^([0-9a-f]{64})\/layer\.tar$/;

function normalize(name: string): string {
  return name.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
}

/** Reads one layer's tar (already decompressed) into a LayerContent. */
function layerReader(digest: string): { parser: TarParser; content: LayerContent } {
  const content: LayerContent = { digest, files: new Map(), deleted: [], opaque: [], truncated: false };
  let entries = 0;
  const parser = new TarParser({
    entry: (header) => {
      if (++entries > MAX_ENTRIES_PER_LAYER) {
        content.truncated = true;
        return;
      }
      const name = normalize(header.name);
      const slash = name.lastIndexOf('/');
      const dir = slash < 0 ? '' : name.slice(0, slash);
      const base = slash < 0 ? name : name.slice(slash + 1);
      if (base === '.wh..wh..opq') content.opaque.push(dir);
      else if (base.startsWith('.wh.')) content.deleted.push(dir ? `${dir}/${base.slice(4)}` : base.slice(4));
      else if (header.type !== '5')
        content.files.set(name, header.type === '0' || header.type === '7' ? header.size : 0);
    },
  });
  return { parser, content };
}

/**
 * A decompressed layer arrives faster than it is parsed: reading it in one chain of promises would keep the event
 * loop from everything else the run does meanwhile (the other targets' smoke tests, uploads, pushes). Every 1 MiB
 * parsed, the loop gets a turn.
 */
function fairTurns(): (bytes: number) => Promise<void> {
  let since = 0;
  return async (bytes) => {
    since += bytes;
    if (since < 1024 * 1024) return;
    since = 0;
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
}

/** zstd layers need Node's zstd (22.15+, 23.8+; the node24 runtime has it). */
const createZstd = (zlib as unknown as { createZstdDecompress?: () => Transform }).createZstdDecompress;

function decompressorFor(head: Buffer): Transform | 'tar' | 'other' {
  if (head[0] === 0x1f && head[1] === 0x8b) return zlib.createGunzip();
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return createZstd ? createZstd() : 'other';
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  return 'other';
}

/** A layer's bytes (gzip, zstd or a plain tar: `kind`, from decompressorFor) parsed as they come. */
function layerSink(
  digest: string,
  kind: Transform | 'tar',
): { content: LayerContent; write: (chunk: Buffer) => Promise<void>; end: () => Promise<void> } {
  const { parser, content } = layerReader(digest);
  if (kind === 'tar') return { content, write: (chunk) => parser.write(chunk), end: async () => undefined };
  const decompress = kind;
  const consumed = (async () => {
    const turn = fairTurns();
    for await (const piece of decompress) {
      await parser.write(piece as Buffer);
      await turn((piece as Buffer).length);
    }
  })();
  return {
    content,
    write: async (chunk) => {
      if (!decompress.write(chunk)) await once(decompress, 'drain');
    },
    end: async () => {
      decompress.end();
      await consumed;
    },
  };
}

/** A writable that takes `docker image save` output and, once finished, gives the image's layers. */
export function savedImageReader(options: { measureCompressed?: boolean } = {}): {
  writable: Writable;
  result: () => SavedImage;
} {
  const layers = new Map<string, LayerContent>();
  let compressedBytes = 0;
  let compressedKnown = true;
  const json = new Map<string, string>();
  // The entry being read.
  let blob:
    | {
        digest?: string;
        name: string;
        head: Buffer[];
        headBytes: number;
        mode?: 'layer' | 'json' | 'skip';
        layer?: ReturnType<typeof layerSink>;
        text?: Buffer[];
        textBytes?: number;
        /** Entry size as stored. */
        size: number;
        /** gzip of an uncompressed layer, counting its output. */
        gzip?: Transform;
        gzipped?: Promise<void>;
      }
    | undefined;

  async function feed(chunk: Buffer): Promise<void> {
    if (!blob || blob.mode === 'skip') return;
    if (blob.mode === 'json') {
      blob.textBytes = (blob.textBytes ?? 0) + chunk.length;
      if (blob.textBytes > MAX_JSON_BYTES) blob.mode = 'skip';
      else blob.text?.push(Buffer.from(chunk));
      return;
    }
    if (blob.gzip && !blob.gzip.write(chunk)) await once(blob.gzip, 'drain');
    await blob.layer?.write(chunk);
  }

  async function decide(): Promise<void> {
    if (!blob || blob.mode) return;
    const head = Buffer.concat(blob.head);
    blob.head = [];
    const kind = head.length > 0 ? decompressorFor(head) : 'other';
    const isLayer = kind !== 'other' && (blob.digest !== undefined || LEGACY_LAYER.test(blob.name));
    if (isLayer && layers.size < MAX_LAYERS) {
      const id = blob.digest ?? LEGACY_LAYER.exec(blob.name)?.[1] ?? blob.name;
      blob.mode = 'layer';
      blob.layer = layerSink(`sha256:${id}`, kind);
      layers.set(blob.name, blob.layer.content);
      if (kind !== 'tar') compressedBytes += blob.size;
      else if (!options.measureCompressed) compressedKnown = false;
      else {
        const gzip = zlib.createGzip();
        blob.gzip = gzip;
        blob.gzipped = (async () => {
          for await (const piece of gzip) compressedBytes += (piece as Buffer).length;
        })();
      }
    } else if (head[0] === 0x7b /* { */ || head[0] === 0x5b /* [ */) {
      blob.mode = 'json';
      blob.text = [];
    } else {
      blob.mode = 'skip';
    }
    await feed(head);
  }

  const outer = new TarParser({
    entry: (header) => {
      const name = normalize(header.name);
      blob = { name, digest: BLOB.exec(name)?.[1], head: [], headBytes: 0, size: header.size };
      if (header.type !== '0' && header.type !== '7') blob.mode = 'skip';
    },
    data: async (chunk) => {
      if (!blob) return;
      if (!blob.mode) {
        blob.head.push(Buffer.from(chunk));
        blob.headBytes += chunk.length;
        if (blob.headBytes >= 512) await decide();
        return;
      }
      await feed(chunk);
    },
    end: async () => {
      if (!blob) return;
      if (!blob.mode) await decide();
      await blob.layer?.end();
      if (blob.gzip) {
        blob.gzip.end();
        await blob.gzipped;
      }
      if (blob.mode === 'json' && blob.text) json.set(blob.name, Buffer.concat(blob.text).toString('utf8'));
      blob = undefined;
    },
  });

  const writable = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      outer.write(chunk).then(() => callback(), callback);
    },
  });

  const result = (): SavedImage => {
    const manifest = parseJson<{ Config?: string; Layers?: string[] }[]>(json.get('manifest.json'));
    const entry = manifest?.[0];
    const order = (entry?.Layers ?? []).map(normalize);
    const ordered = order.map((name) => layers.get(name)).filter((l): l is LayerContent => Boolean(l));
    const config = parseJson<{ history?: { created_by?: string; empty_layer?: boolean }[] }>(
      entry?.Config ? json.get(normalize(entry.Config)) : undefined,
    );
    const history = (config?.history ?? [])
      .filter((h) => !h.empty_layer)
      .map((h) => ({ createdBy: typeof h.created_by === 'string' ? h.created_by.slice(0, 4000) : '' }));
    return {
      layers: ordered,
      history: history.length === ordered.length ? history : [],
      ...(compressedKnown && ordered.length > 0 ? { compressedBytes } : {}),
    };
  };
  return { writable, result };
}

function parseJson<T>(text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

export interface Waste {
  /** Bytes written in one layer and deleted or overwritten in a later one. */
  wastedBytes: number;
  /** The biggest such files, most bytes first. */
  top: { path: string; bytes: number; layer: number }[];
}

/** What dive reports as wasted space: every file a later layer deletes or overwrites, at its size where written. */
export function computeWaste(layers: readonly Pick<LayerContent, 'files' | 'deleted' | 'opaque'>[]): Waste {
  const present = new Map<string, { size: number; layer: number }>();
  const wasted: { path: string; bytes: number; layer: number }[] = [];
  const drop = (path: string): void => {
    const hit = present.get(path);
    if (hit) {
      if (hit.size > 0) wasted.push({ path, bytes: hit.size, layer: hit.layer });
      present.delete(path);
    }
    const prefix = `${path}/`;
    for (const [other, info] of present) {
      if (!other.startsWith(prefix)) continue;
      if (info.size > 0) wasted.push({ path: other, bytes: info.size, layer: info.layer });
      present.delete(other);
    }
  };
  layers.forEach((layer, index) => {
    for (const dir of layer.opaque) {
      const prefix = dir ? `${dir}/` : '';
      for (const [other, info] of present) {
        if (!other.startsWith(prefix) || other === dir) continue;
        if (info.size > 0) wasted.push({ path: other, bytes: info.size, layer: info.layer });
        present.delete(other);
      }
    }
    for (const path of layer.deleted) drop(path);
    for (const [path, size] of layer.files) {
      const earlier = present.get(path);
      if (earlier && earlier.size > 0) wasted.push({ path, bytes: earlier.size, layer: earlier.layer });
      present.set(path, { size, layer: index });
    }
  });
  wasted.sort((a, b) => b.bytes - a.bytes);
  return { wastedBytes: wasted.reduce((n, w) => n + w.bytes, 0), top: wasted.slice(0, 10) };
}

/** The bytes a layer adds (its regular files). */
export function layerBytes(layer: Pick<LayerContent, 'files'>): number {
  let total = 0;
  for (const size of layer.files.values()) total += size;
  return total;
}

/** Layers already read in this run, by their digest (content-addressed: the same blob reads the same). */
export type LayerMemo = Map<string, Promise<LayerContent>>;

/** One layer blob (gzip, zstd or plain tar) of a layout, read into a LayerContent; never through a link. */
async function readLayerBlob(file: string, digest: string): Promise<LayerContent> {
  const stream = fs.createReadStream('', { fd: openRegular(file) });
  let sink: ReturnType<typeof layerSink> | undefined;
  const head: Buffer[] = [];
  let headBytes = 0;
  const decide = async (): Promise<ReturnType<typeof layerSink>> => {
    const first = Buffer.concat(head);
    const kind = decompressorFor(first);
    if (kind === 'other') throw new Error(`the layer ${digest} is neither a tar nor gzip- or zstd-compressed`);
    const opened = layerSink(digest, kind);
    await opened.write(first);
    return opened;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (sink) {
        await sink.write(chunk);
        continue;
      }
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes >= 512) sink = await decide();
    }
    sink ??= await decide();
    await sink.end();
  } finally {
    stream.destroy();
  }
  return sink.content;
}

/**
 * One manifest's image in an OCI layout, read from the blobs the build already wrote (the analysis asks the engine
 * for no export): its layers in order, their compressed size (the manifest's own descriptors), the config's history.
 * A layer another target of the run already read (the same digest: a shared base or stage) is taken from `memo`,
 * not read again.
 */
export async function readLayoutImage(
  files: { config: string; layers: { digest: string; size: number }[]; blobPath: (digest: string) => string },
  memo: LayerMemo = new Map(),
): Promise<SavedImage> {
  if (files.layers.length > MAX_LAYERS) throw new Error(`the image has ${files.layers.length} layers`);
  const config = parseJson<{ history?: { created_by?: string; empty_layer?: boolean }[] }>(
    readRegularText(files.blobPath(files.config), MAX_JSON_BYTES),
  );
  const compressedBytes = files.layers.reduce((sum, layer) => sum + layer.size, 0);
  // One layer at a time (a hostile image's 500 layers never hold 500 files open); every layer is claimed in the
  // memo at once, so a target starting alongside waits for this read instead of repeating it.
  let previous: Promise<unknown> = Promise.resolve();
  const pending = files.layers.map(({ digest }) => {
    const file = files.blobPath(digest);
    const read = (): Promise<LayerContent> => {
      const own = previous.then(() => readLayerBlob(file, digest));
      previous = own.catch(() => undefined);
      return own;
    };
    const known = memo.get(digest);
    // Another target's copy that could not be read: this one's own is.
    if (known) return known.catch(read);
    const own = read();
    memo.set(digest, own);
    return own;
  });
  const layers = await Promise.all(pending);
  const history = (config?.history ?? [])
    .filter((h) => !h.empty_layer)
    .map((h) => ({ createdBy: typeof h.created_by === 'string' ? h.created_by.slice(0, 4000) : '' }));
  return {
    layers,
    history: history.length === layers.length ? history : [],
    ...(layers.length > 0 ? { compressedBytes } : {}),
  };
}
