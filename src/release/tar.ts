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
