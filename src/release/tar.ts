import * as fs from 'node:fs';
import { Readable } from 'node:stream';

/** One file of a tar stream: its name inside the archive and where its bytes come from. */
export type TarEntry = { name: string; data: Buffer } | { name: string; file: string; size: number };

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/**
 * A ustar header. Sizes past ustar's 8 GiB go in base-256, as GNU tar writes them and Go's archive/tar (docker
 * load) reads them.
 */
export function tarHeader(name: string, size: number, mtime = 0): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar: name longer than 100 bytes: ${name}`);
  const header = Buffer.alloc(BLOCK, 0);
  header.write(name, 0, 100, 'utf8');
  header.write(octal(0o644, 8), 100, 8, 'ascii');
  header.write(octal(0, 8), 108, 8, 'ascii');
  header.write(octal(0, 8), 116, 8, 'ascii');
  if (size < 8 ** 11) {
    header.write(octal(size, 12), 124, 12, 'ascii');
  } else {
    header[124] = 0x80;
    let rest = BigInt(size);
    for (let i = 135; i > 124; i--) {
      header[i] = Number(rest & 0xffn);
      rest >>= 8n;
    }
  }
  header.write(octal(mtime, 12), 136, 12, 'ascii');
  header.write('        ', 148, 8, 'ascii');
  header.write('0', 156, 1, 'ascii');
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return header;
}

const padding = (size: number): Buffer => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK, 0);

/**
 * A tar stream of regular files, read lazily (a layer is never held in memory whole). A file whose size changed
 * since it was listed fails the stream instead of writing a corrupt archive.
 */
export function tarStream(entries: readonly TarEntry[]): Readable {
  async function* generate(): AsyncGenerator<Buffer> {
    for (const entry of entries) {
      if ('data' in entry) {
        yield tarHeader(entry.name, entry.data.length);
        yield entry.data;
        yield padding(entry.data.length);
        continue;
      }
      yield tarHeader(entry.name, entry.size);
      let written = 0;
      for await (const chunk of fs.createReadStream(entry.file, { highWaterMark: 1024 * 1024 })) {
        written += (chunk as Buffer).length;
        if (written > entry.size) throw new Error(`tar: ${entry.file} grew while it was being archived`);
        yield chunk as Buffer;
      }
      if (written !== entry.size) throw new Error(`tar: ${entry.file} shrank while it was being archived`);
      yield padding(entry.size);
    }
    yield Buffer.alloc(BLOCK * 2, 0);
  }
  return Readable.from(generate(), { objectMode: false });
}

/** One entry of a tar stream, as its header says. */
export interface TarEntryHeader {
  name: string;
  size: number;
  /** '0' regular file, '1' hard link, '2' symlink, '5' folder, … */
  type: string;
}

export interface TarHandlers {
  entry(header: TarEntryHeader): void | Promise<void>;
  /** A piece of the current entry's content. */
  data?(chunk: Buffer): void | Promise<void>;
  end?(): void | Promise<void>;
}

/** Bounds on what a tar header may claim: a hostile archive cannot make the reader hold more than this. */
const MAX_LONG_NAME = 64 * 1024;

function headerText(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? length : nul).toString('utf8');
}

function headerNumber(block: Buffer, start: number, length: number): number {
  if (block[start] & 0x80) {
    let value = 0;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + block[i];
    return value;
  }
  const text = headerText(block, start, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/**
 * A tar reader fed in pieces (ustar, with GNU long names and pax `path`/`size` records): headers and content are
 * handed on as they arrive, nothing is written to disk and content is never held whole. Awaiting each `write`
 * keeps back-pressure.
 */
export class TarParser {
  private buffer: Buffer = Buffer.alloc(0);
  private remaining = 0;
  private padding = 0;
  private current?: TarEntryHeader;
  /** A GNU long name or pax header being read (its content is the next entry's name or attributes). */
  private meta?: { kind: 'L' | 'x'; chunks: Buffer[]; size: number };
  private nextName?: string;
  private nextSize?: number;
  private ended = false;

  constructor(private readonly handlers: TarHandlers) {}

  async write(chunk: Buffer): Promise<void> {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (!this.ended) {
      if (this.remaining > 0) {
        if (this.buffer.length === 0) return;
        const piece = this.buffer.subarray(0, Math.min(this.remaining, this.buffer.length));
        this.buffer = this.buffer.subarray(piece.length);
        this.remaining -= piece.length;
        if (this.meta) {
          if (this.meta.size <= MAX_LONG_NAME) this.meta.chunks.push(Buffer.from(piece));
        } else if (this.handlers.data) {
          await this.handlers.data(piece);
        }
        if (this.remaining === 0) await this.finishEntry();
        continue;
      }
      if (this.padding > 0) {
        const skip = Math.min(this.padding, this.buffer.length);
        this.buffer = this.buffer.subarray(skip);
        this.padding -= skip;
        if (this.padding > 0) return;
        continue;
      }
      if (this.buffer.length < 512) return;
      const block = this.buffer.subarray(0, 512);
      this.buffer = this.buffer.subarray(512);
      if (block.every((b) => b === 0)) {
        this.ended = true;
        return;
      }
      const type = String.fromCharCode(block[156] || 0x30);
      const size = headerNumber(block, 124, 12);
      if (!Number.isSafeInteger(size) || size < 0) throw new Error('tar: a header with an impossible size');
      const prefix = headerText(block, 345, 155);
      const name = headerText(block, 0, 100);
      this.padding = (512 - (size % 512)) % 512;
      if (type === 'L' || type === 'x') {
        this.meta = { kind: type, chunks: [], size };
        this.remaining = size;
        if (size === 0) await this.finishEntry();
        continue;
      }
      if (type === 'g') {
        this.meta = { kind: 'x', chunks: [], size: MAX_LONG_NAME + 1 };
        this.remaining = size;
        if (size === 0) await this.finishEntry();
        continue;
      }
      this.current = {
        name: this.nextName ?? (prefix ? `${prefix}/${name}` : name),
        size: this.nextSize ?? size,
        type,
      };
      this.nextName = undefined;
      this.nextSize = undefined;
      const effective = this.current.size;
      if (!Number.isSafeInteger(effective) || effective < 0) throw new Error('tar: a header with an impossible size');
      this.padding = (512 - (effective % 512)) % 512;
      await this.handlers.entry(this.current);
      this.remaining = effective;
      if (effective === 0) await this.finishEntry();
    }
  }

  private async finishEntry(): Promise<void> {
    if (this.meta) {
      const text = Buffer.concat(this.meta.chunks).toString('utf8');
      if (this.meta.kind === 'L') this.nextName = text.replace(/\0+$/, '');
      else {
        // pax records: "<length> <key>=<value>\n"
        for (const record of text.split('\n')) {
          const match = /^\d+ ([^=]+)=(.*)$/s.exec(record);
          if (match?.[1] === 'path') this.nextName = match[2];
          if (match?.[1] === 'size' && /^\d+$/.test(match[2])) this.nextSize = Number(match[2]);
        }
      }
      this.meta = undefined;
      return;
    }
    if (this.current) {
      this.current = undefined;
      await this.handlers.end?.();
    }
  }
}
