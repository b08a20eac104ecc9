import * as crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, expect, test } from '@jest/globals';
import { TarParser, tarStream } from '../src/release/tar.js';
import { computeWaste, readLayoutImage, savedImageReader, type LayerMemo } from '../src/analysis/layers.js';
import { analyze, lineOfLayer, recommend, stageStats, THRESHOLDS } from '../src/analysis/analyze.js';
import { budgetVerdict } from '../src/analysis/phase.js';
import { ProgressParser } from '../src/build/progress.js';
import { findStage, parseDockerfile, stagesNeeded } from '../src/dockerfile/parse.js';
import { parseSize } from '../src/inputs.js';
import { mdText } from '../src/untrusted.js';
import {
  commentBody,
  commentMarker,
  describeSizeChange,
  MAX_COMMENT_CHARS,
  pullRequestNumber,
  registryImageSize,
} from '../src/comment/comment.js';

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A tar as GNU tar writes it (pax headers for long names), from files in a folder. */
function gnuTar(files: Record<string, string | number>, format = 'pax'): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-tar-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), typeof content === 'number' ? Buffer.alloc(content, 1) : content);
  }
  const out = execFileSync('tar', ['-C', dir, `--format=${format}`, '-cf', '-', ...Object.keys(files)]);
  fs.rmSync(dir, { recursive: true });
  return out;
}

async function entries(tar: Buffer, pieceSize = 7): Promise<{ name: string; size: number; bytes: number }[]> {
  const seen: { name: string; size: number; bytes: number }[] = [];
  const parser = new TarParser({
    entry: (h) => void seen.push({ name: h.name, size: h.size, bytes: 0 }),
    data: (chunk) => void (seen[seen.length - 1].bytes += chunk.length),
  });
  // Fed in odd pieces, as a pipe hands them over.
  for (let i = 0; i < tar.length; i += pieceSize) await parser.write(tar.subarray(i, i + pieceSize));
  return seen;
}

describe('the tar reader', () => {
  test("GNU tar's pax and gnu formats, long names, fed in 7-byte pieces: every entry, its size and its bytes", async () => {
    const long = `${'deep/'.repeat(30)}file.txt`;
    for (const format of ['pax', 'gnu', 'ustar']) {
      const files = format === 'ustar' ? { 'a.txt': 'hello', 'b/c.bin': 1500 } : { 'a.txt': 'hello', [long]: 1500 };
      const seen = await entries(gnuTar(files, format));
      const regular = seen.filter((e) => !e.name.endsWith('/') && e.size > 0);
      expect(regular.map((e) => [e.name, e.size, e.bytes])).toEqual(
        Object.entries(files).map(([n, c]) => [
          n,
          typeof c === 'number' ? c : c.length,
          typeof c === 'number' ? c : c.length,
        ]),
      );
    }
  });
  test('what the action itself writes reads back', async () => {
    const tar = await collect(tarStream([{ name: 'index.json', data: Buffer.from('{"a":1}') }]));
    expect(await entries(tar, 512)).toEqual([{ name: 'index.json', size: 7, bytes: 7 }]);
  });
  test('a header with an impossible size is refused', async () => {
    const header = Buffer.alloc(512);
    header.write('x', 0);
    header.write('zzzzzzzzzzz\0', 124);
    header.write('0', 156);
    await expect(new TarParser({ entry: () => undefined }).write(header)).rejects.toThrow(/impossible size|impossible/);
  });
});

describe('layers and waste, as dive counts them', () => {
  const layer = (files: Record<string, number>, deleted: string[] = [], opaque: string[] = []) => ({
    files: new Map(Object.entries(files)),
    deleted,
    opaque,
  });
  test.each([
    ['nothing deleted', [layer({ a: 10 }), layer({ b: 5 })], 0],
    ['a file deleted later', [layer({ blob: 3_000_000 }), layer({}, ['blob'])], 3_000_000],
    ['a file overwritten later', [layer({ 'etc/x': 100 }), layer({ 'etc/x': 40 })], 100],
    ['a folder deleted', [layer({ 'tmp/a': 10, 'tmp/b/c': 20, tmpfile: 5 }), layer({}, ['tmp'])], 30],
    ['an opaque folder', [layer({ 'cache/a': 7, 'keep/b': 9 }), layer({ 'cache/new': 1 }, [], ['cache'])], 7],
    ['written and deleted in the same layer: nothing to see', [layer({ kept: 1 })], 0],
  ])('%s', (_name, layers, wasted) => {
    expect(computeWaste(layers).wastedBytes).toBe(wasted);
  });

  test('docker image save (OCI layout in a tar, gzip layers) read as a stream: layers in order, history, whiteouts', async () => {
    const base = zlib.gzipSync(gnuTar({ 'bin/sh': 1000, blob: 3000 }));
    const top = zlib.gzipSync(gnuTar({ '.wh.blob': '', 'app/server.js': 200 }));
    const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
    const config = Buffer.from(
      JSON.stringify({
        history: [
          { created_by: 'ADD rootfs /' },
          { created_by: 'ENV X=1', empty_layer: true },
          { created_by: 'RUN /bin/sh -c rm /blob # buildkit' },
        ],
      }),
    );
    const manifest = Buffer.from(
      JSON.stringify([
        {
          Config: `blobs/sha256/${sha(config)}`,
          Layers: [`blobs/sha256/${sha(base)}`, `blobs/sha256/${sha(top)}`],
        },
      ]),
    );
    // The order docker save writes: blobs (top layer first here, to show order comes from manifest.json), then
    // the manifest.
    const archive = await collect(
      tarStream([
        { name: `blobs/sha256/${sha(top)}`, data: top },
        { name: `blobs/sha256/${sha(config)}`, data: config },
        { name: `blobs/sha256/${sha(base)}`, data: base },
        { name: 'manifest.json', data: manifest },
      ]),
    );
    const reader = savedImageReader();
    await new Promise<void>((resolve, reject) => {
      reader.writable.on('finish', resolve).on('error', reject);
      for (let i = 0; i < archive.length; i += 1000) reader.writable.write(archive.subarray(i, i + 1000));
      reader.writable.end();
    });
    const image = reader.result();
    expect(image.layers.map((l) => l.digest)).toEqual([`sha256:${sha(base)}`, `sha256:${sha(top)}`]);
    expect(image.layers[0].files.get('blob')).toBe(3000);
    expect(image.layers[1].deleted).toEqual(['blob']);
    expect(image.history.map((h) => h.createdBy)).toEqual(['ADD rootfs /', 'RUN /bin/sh -c rm /blob # buildkit']);
    expect(computeWaste(image.layers).wastedBytes).toBe(3000);
  });

  /** A layout's blobs: a gzip base, a gzip top layer that deletes the base's blob, a plain-tar layer, a config. */
  function layoutBlobs(
    made = {
      base: zlib.gzipSync(gnuTar({ 'bin/sh': 1000, blob: 3000 })),
      top: zlib.gzipSync(gnuTar({ '.wh.blob': '', 'app/server.js': 200 })),
    },
  ) {
    const { base, top } = made;
    const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
    const config = Buffer.from(
      JSON.stringify({
        history: [{ created_by: 'ADD rootfs /' }, { created_by: 'RUN /bin/sh -c rm /blob # buildkit' }],
      }),
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-layout-'));
    fs.mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
    // A blob of another platform sits in the layout too: only the manifest's own are read.
    const other = zlib.gzipSync(gnuTar({ 'other/arch': 50 }));
    for (const blob of [base, top, config, other]) fs.writeFileSync(path.join(dir, 'blobs', 'sha256', sha(blob)), blob);
    const digest = (b: Buffer) => `sha256:${sha(b)}`;
    const blobPath = (d: string) => path.join(dir, 'blobs', 'sha256', d.slice('sha256:'.length));
    return {
      made,
      base,
      top,
      dir,
      blobPath,
      files: {
        config: digest(config),
        layers: [base, top].map((b) => ({ digest: digest(b), size: b.length })),
        blobPath,
      },
    };
  }

  test("an OCI layout's manifest read from its blobs (the release path): the same layers, history, waste as docker save", async () => {
    const { base, top, dir, files } = layoutBlobs();
    const image = await readLayoutImage(files);
    expect(image.layers.map((l) => l.digest)).toEqual(files.layers.map((l) => l.digest));
    expect(image.layers[0].files.get('blob')).toBe(3000);
    expect(image.layers[1].deleted).toEqual(['blob']);
    expect(image.history.map((h) => h.createdBy)).toEqual(['ADD rootfs /', 'RUN /bin/sh -c rm /blob # buildkit']);
    expect(computeWaste(image.layers).wastedBytes).toBe(3000);
    expect(image.compressedBytes).toBe(base.length + top.length);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a layer another target of the run read (the same digest) is taken from the memo, not read again', async () => {
    const a = layoutBlobs();
    const b = layoutBlobs(a.made);
    const memo: LayerMemo = new Map();
    // Both targets at once: the second waits for the first's read of the shared layers.
    const [first, second] = await Promise.all([readLayoutImage(a.files, memo), readLayoutImage(b.files, memo)]);
    expect(second.layers[0]).toBe(first.layers[0]);
    expect(second.layers[1]).toBe(first.layers[1]);
    expect([...memo.keys()]).toEqual(a.files.layers.map((l) => l.digest));
    // Proof it was not read: the second layout's copy is gone, and a third reader still gets the layers.
    fs.rmSync(b.blobPath(b.files.layers[0].digest));
    fs.writeFileSync(b.blobPath(b.files.layers[0].digest), '');
    const third = await readLayoutImage({ ...b.files }, memo);
    expect(third.layers[0].files.get('blob')).toBe(3000);
    // A memo entry that failed is read again from this layout's own blob.
    memo.set(a.files.layers[0].digest, Promise.reject(new Error('unreadable')));
    const fourth = await readLayoutImage(a.files, memo);
    expect(fourth.layers[0].files.get('bin/sh')).toBe(1000);
    for (const dir of [a.dir, b.dir]) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a layer blob that is a link or a FIFO is refused, never followed or waited on', async () => {
    const { dir, blobPath, files } = layoutBlobs();
    fs.rmSync(blobPath(files.layers[1].digest));
    fs.symlinkSync('/etc/passwd', blobPath(files.layers[1].digest));
    await expect(readLayoutImage(files)).rejects.toThrow();
    fs.rmSync(blobPath(files.layers[1].digest));
    execFileSync('mkfifo', [blobPath(files.layers[1].digest)]);
    await expect(readLayoutImage(files)).rejects.toThrow(/not a regular file/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

const DOCKERFILE = `ARG BASE=busybox
FROM \${BASE} AS deps
WORKDIR /app
COPY . .
RUN npm ci
FROM deps AS app
RUN head -c 3000000 /dev/zero > /blob
RUN rm /blob
`;
const dockerfile = parseDockerfile(DOCKERFILE);
const needed = stagesNeeded(dockerfile, findStage(dockerfile, 'app')!);

function progress(lines: string[]) {
  const p = new ProgressParser();
  for (const line of lines) p.push(line);
  return p.result().stepDetails;
}

describe('stages, from BuildKit progress', () => {
  // A rebuild after a source change, as buildx 0.29 prints it: WORKDIR cached, COPY . . and everything after rebuilt.
  const rebuild = progress([
    '#4 [deps 1/4] FROM docker.io/library/busybox',
    '#4 DONE 0.1s',
    '#5 [deps 2/4] WORKDIR /app',
    '#5 CACHED',
    '#6 [deps 3/4] COPY . .',
    '#6 DONE 0.2s',
    '#7 [deps 4/4] RUN npm ci',
    '#7 DONE 12.5s',
    '#8 [app 1/3] RUN head -c 3000000 /dev/zero > /blob',
    '#8 DONE 0.4s',
    '#9 [app 2/3] RUN rm /blob',
    '#9 DONE 0.3s',
  ]);
  test('time, steps and cached steps per stage', () => {
    expect(stageStats(rebuild, needed)).toEqual([
      { name: 'deps', seconds: 12.8, steps: 3, cached: 1, status: 'built', line: 2 },
      { name: 'app', seconds: 0.7, steps: 2, cached: 0, status: 'built', line: 6 },
    ]);
  });
  test('cache-order fires on the COPY . . line when a rebuild ran the install again; not on a cold build', () => {
    const recs = recommend({ stages: [], layers: [], imageSize: 1, wastedBytes: 0, wasted: [] }, rebuild, needed);
    expect(recs).toEqual([expect.objectContaining({ rule: 'cache-order', stage: 'deps', line: 4 })]);
    expect(recs[0].message).toContain('`RUN npm ci` (line 5) ran again because `COPY . .` (line 4)');
    const cold = rebuild.map((s) => ({ ...s, cached: false }));
    expect(recommend({ stages: [], layers: [], imageSize: 1, wastedBytes: 0, wasted: [] }, cold, needed)).toEqual([]);
  });
  test('slow stage, big image and wasted bytes, each at its documented threshold', () => {
    const over = recommend(
      {
        stages: [
          { name: 'deps', seconds: THRESHOLDS.slowStageSeconds + 1, steps: 1, cached: 0, status: 'built', line: 2 },
        ],
        layers: [
          { size: 400_000_000, createdBy: 'ADD rootfs /' },
          { size: 150_000_000, createdBy: 'RUN apt-get install -y build-essential', line: 5 },
        ],
        imageSize: THRESHOLDS.bigImageBytes + 1,
        wastedBytes: THRESHOLDS.wastedBytes + 1,
        wasted: [{ path: 'blob', bytes: THRESHOLDS.wastedBytes + 1, line: 7 }],
      },
      [],
      needed,
    );
    expect(over.map((r) => [r.rule, r.line])).toEqual([
      ['slow-stage', 2],
      ['big-image', 5],
      ['wasted-bytes', 7],
    ]);
    const at = recommend(
      {
        stages: [{ name: 'deps', seconds: THRESHOLDS.slowStageSeconds, steps: 1, cached: 0, status: 'built', line: 2 }],
        // A big base image is not judged: only what the Dockerfile adds.
        layers: [
          { size: 900_000_000, createdBy: 'ADD rootfs /' },
          { size: THRESHOLDS.bigImageBytes, createdBy: 'RUN make', line: 5 },
        ],
        imageSize: THRESHOLDS.bigImageBytes + 900_000_000,
        wastedBytes: THRESHOLDS.wastedBytes,
        wasted: [],
      },
      [],
      needed,
    );
    expect(at).toEqual([]);
  });
  test('a layer is traced to its Dockerfile line; a base image layer is not', () => {
    expect(lineOfLayer('RUN /bin/sh -c rm /blob # buildkit', needed)).toBe(8);
    expect(lineOfLayer('COPY . . # buildkit', needed)).toBe(4);
    expect(lineOfLayer('ADD alpine-minirootfs.tar.gz / # buildkit', needed)).toBeUndefined();
  });
  test('the whole analysis: waste traced to the line that wrote it', () => {
    const image = {
      layers: [
        { digest: 'sha256:a', files: new Map([['bin/sh', 1000]]), deleted: [], opaque: [], truncated: false },
        { digest: 'sha256:b', files: new Map([['blob', 3_000_000]]), deleted: [], opaque: [], truncated: false },
        { digest: 'sha256:c', files: new Map(), deleted: ['blob'], opaque: [], truncated: false },
      ],
      history: [
        { createdBy: 'ADD rootfs /' },
        { createdBy: 'RUN /bin/sh -c head -c 3000000 /dev/zero > /blob # buildkit' },
        { createdBy: 'RUN /bin/sh -c rm /blob # buildkit' },
      ],
    };
    const a = analyze(rebuild, needed, image, 3_001_000);
    expect(a.layers.map((l) => [l.size, l.line])).toEqual([
      [1000, undefined],
      [3_000_000, 7],
      [0, 8],
    ]);
    expect(a.wastedBytes).toBe(3_000_000);
    expect(a.wasted[0]).toEqual({ path: 'blob', bytes: 3_000_000, line: 7 });
    expect(budgetVerdict('app', 3_001_000, 1_000_000, a)).toBe(
      'app is 3.0 MB, over max-image-size (1.0 MB); biggest layers: 3.0 MB from line 7 (RUN /bin/sh -c head -c 3000000 /dev/zero > /blob); 1.0 kB from the base image (ADD rootfs /); 0 B from line 8 (RUN /bin/sh -c rm /blob)',
    );
    expect(budgetVerdict('app', 3_001_000, 5_000_000, a)).toBeUndefined();
  });
});

test.each([
  ['150MB', 150_000_000],
  ['1.5GiB', 1.5 * 1024 ** 3],
  ['200000000', 200_000_000],
  ['512 KiB', 512 * 1024],
  ['2gb', 2e9],
  ['lots', undefined],
  ['0', undefined],
  ['-5MB', undefined],
])('parseSize(%s)', (text, bytes) => expect(parseSize(text)).toBe(bytes));

test('mdText: Markdown and HTML in a sentence stay text', () => {
  expect(mdText('run `rm -rf` [x](javascript:y) <img> | *b*')).toBe(
    'run \\`rm \\-rf\\` \\[x\\]\\(javascript:y\\) &lt;img&gt; \\| \\*b\\*',
  );
});

describe('the pull request comment', () => {
  const report = (target: string) =>
    ({
      target,
      image: 'x',
      stages: [],
      pushed: false,
      failure: { kind: 'gate', phase: 'smoke', message: `${target} <b>failed</b> | x` },
    }) as never;
  test('the marker names workflow, job and targets, and cannot close the HTML comment', () => {
    expect(commentMarker('Image', 'build', ['backend', 'frontend'])).toBe(
      '<!-- multistage-action workflow=Image job=build targets=backend,frontend -->',
    );
    expect(commentMarker('a-->b<script>', 'j', ['t'])).toBe(
      '<!-- multistage-action workflow=a-bscript job=j targets=t -->',
    );
  });
  test("the body stays under GitHub's 65,536 characters, whatever the number of targets", () => {
    const body = commentBody(
      Array.from({ length: 5000 }, (_, i) => report(`target-${i}`)),
      commentMarker('w', 'j', ['t']),
      'https://github.com/acme/shop/actions/runs/1',
    );
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(body).toContain('more targets');
    expect(body).not.toContain('<b>');
  });
  test("a failure message carrying an image's own text (its history's created_by) stays text", () => {
    const hostile = {
      target: 'web',
      image: 'x',
      stages: [],
      pushed: false,
      failure: { kind: 'gate', phase: 'build', message: 'web is 5 MB; <b>x</b> ![x](https://evil.example/p.png)' },
    } as never;
    const body = commentBody([hostile], commentMarker('w', 'j', ['web']), undefined);
    expect(body).not.toContain('<b>');
    expect(body).not.toContain('![x](');
    expect(body).toContain('\\!\\[x\\]\\(https://evil\\.example/p\\.png\\)');
  });
  test('the pull request number from the event file; none for other events', () => {
    const file = path.join(os.tmpdir(), `msa-event-${process.pid}.json`);
    fs.writeFileSync(file, JSON.stringify({ pull_request: { number: 42 } }));
    expect(pullRequestNumber('pull_request', file)).toBe(42);
    expect(pullRequestNumber('pull_request_target', file)).toBe(42);
    expect(pullRequestNumber('push', file)).toBeUndefined();
    fs.writeFileSync(file, '{"pull_request":{"number":"42; rm -rf /"}}');
    expect(pullRequestNumber('pull_request', file)).toBeUndefined();
    fs.rmSync(file);
  });
});

describe('size change against the base branch', () => {
  test('told in words', () => {
    expect(describeSizeChange(5_500_000, 5_000_000, 'main')).toBe('+500.0 kB vs main');
    expect(describeSizeChange(4_000_000, 5_000_000, 'main')).toBe('−1.0 MB vs main');
    expect(describeSizeChange(5_000_100, 5_000_000, 'main')).toBe('same size as main');
  });
  test("the registry's image for the engine's platform, as imagetools --raw gives it (index, then manifest)", async () => {
    const index = {
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { digest: `sha256:${'a'.repeat(64)}`, platform: { os: 'linux', architecture: 'arm64' } },
        { digest: `sha256:${'b'.repeat(64)}`, platform: { os: 'linux', architecture: 'amd64' } },
        { digest: `sha256:${'c'.repeat(64)}`, platform: { os: 'unknown', architecture: 'unknown' } },
      ],
    };
    const manifest = { layers: [{ size: 1000 }, { size: 2500 }] };
    const asked: string[] = [];
    const run = (async (_c: string, args: readonly string[]) => {
      const ref = args.at(-1) as string;
      asked.push(ref);
      if (ref === 'reg.example/acme/shop:waste') return { exitCode: 0, stdout: JSON.stringify(index), stderr: '' };
      if (ref === `reg.example/acme/shop@sha256:${'b'.repeat(64)}`)
        return { exitCode: 0, stdout: JSON.stringify(manifest), stderr: '' };
      return { exitCode: 1, stdout: '', stderr: 'not found' };
    }) as never;
    expect(await registryImageSize(run, 'reg.example/acme/shop:waste', 'linux/amd64')).toBe(3500);
    expect(asked).toEqual(['reg.example/acme/shop:waste', `reg.example/acme/shop@sha256:${'b'.repeat(64)}`]);
    expect(await registryImageSize(run, 'reg.example/acme/shop:none', 'linux/amd64')).toBeUndefined();
  });
});
