import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { couldBeCommand, htmlText, inert, mdCode, mdCodeBlock, mdLink, withoutControls } from '../src/untrusted.js';
import { ActionsUi, maskedValues } from '../src/ui.js';
import {
  copyRegular,
  ExportLimitError,
  isInside,
  openRegular,
  readRegularText,
  removeTree,
  walkNoFollow,
} from '../src/safe-fs.js';
import { runnerCommands, unintendedCommands } from './helpers/workflow-commands.js';

/** Lines an image can print to take over the runner, one per way the runner reads a command. */
const ATTACKS = [
  '::error title=PWNED::injected annotation',
  '  ::warning::PWNED indented',
  '::ADD-MASK::PWNED upper case',
  '::set-output name=pushed::true',
  '::save-state name=containers::[]',
  '::add-path::/tmp/PWNED',
  '::stop-commands::attacker-token',
  'progress 50%\r::error::PWNED after a carriage return',
  'text before ##[error]PWNED legacy form mid-line',
  '##[set-output name=pushed;]true',
  '::group::PWNED group',
  '::echo::on',
  '\u00a0::error::PWNED after a no-break space',
];

describe('the runner simulator reads commands as actions/runner does', () => {
  test.each(ATTACKS)('%j is a command when printed raw', (line) => {
    expect(unintendedCommands(line).length).toBeGreaterThan(0);
  });
  test('stop-commands suspends everything but its token, case-insensitively', () => {
    const out = ['::stop-commands::tok', '::error::hidden', '##[warning]hidden', '::TOK::', '::error::seen'].join('\n');
    expect(runnerCommands(out).map((c) => `${c.command}:${c.data}`)).toEqual([
      'stop-commands:tok',
      'tok:',
      'error:seen',
    ]);
  });
  test('unregistered names and half commands are not commands', () => {
    expect(runnerCommands('::notacommand::x\nfoo :: bar\n##[nope]x\n::error')).toEqual([]);
  });
});

describe('inert: untrusted text never becomes a command', () => {
  test.each(ATTACKS)('%j printed through inert is inert', (line) => {
    const printed = `${inert(`log: ${line}\n${line}`)}\n`;
    expect(unintendedCommands(printed)).toEqual([]);
    expect(printed).toContain(line);
  });
  test('text that cannot be a command is printed as it is', () => {
    expect(inert('#5 [base 1/3] FROM node:20')).toBe('#5 [base 1/3] FROM node:20');
    expect(couldBeCommand('std::vector')).toBe(true);
    expect(couldBeCommand('plain: text')).toBe(false);
  });
  test('each block has a fresh token nothing inside can guess', () => {
    const a = inert('::error::x');
    const b = inert('::error::x');
    expect(a.split('\n')[0]).not.toBe(b.split('\n')[0]);
    expect(a).toMatch(/^::stop-commands::msa-[0-9a-f]{32}\n::error::x\n::msa-[0-9a-f]{32}::$/);
  });
  test('text that prints a resume of its own cannot end the block early', () => {
    const printed = inert('::stop-commands::x\n::x::\n::error title=PWNED::y');
    expect(unintendedCommands(printed)).toEqual([]);
  });
});

describe('ActionsUi', () => {
  test('info never writes a command, whatever it holds', () => {
    let written = '';
    const ui = new ActionsUi((text) => void (written += text));
    for (const line of ATTACKS) ui.info(`Container log: ${line}`);
    expect(unintendedCommands(written)).toEqual([]);
    expect(written).toContain('Container log: ::set-output name=pushed::true');
  });
  test('annotations past 10 of a kind (9 errors: one is kept for the failure) become log lines, counted', () => {
    const writes: string[] = [];
    const spy = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    let logged = '';
    try {
      const ui = new ActionsUi((text) => void (logged += text));
      for (let i = 0; i < 25; i++) ui.error(`test ${i} failed`, { title: `Test failed: t${i}` });
      for (let i = 0; i < 12; i++) ui.warning(`w${i}`);
      expect(ui.leftOutNote()).toBe(
        '16 errors, 2 warnings more than GitHub shows as annotations (10 of each kind per step) are printed as log lines above and listed in the job summary',
      );
    } finally {
      process.stdout.write = spy;
    }
    const annotations = runnerCommands(writes.join(''));
    expect(annotations.filter((c) => c.command === 'error')).toHaveLength(9);
    expect(annotations.filter((c) => c.command === 'warning')).toHaveLength(10);
    expect(logged).toContain('Error: Test failed: t9: test 9 failed');
    expect(logged).toContain('Error: Test failed: t24: test 24 failed');
  });
  test('a multi-line secret is masked whole and line by line', () => {
    expect(maskedValues('-----BEGIN KEY-----\nMIIEabc\n-----END KEY-----')).toEqual([
      '-----BEGIN KEY-----\nMIIEabc\n-----END KEY-----',
      '-----BEGIN KEY-----',
      'MIIEabc',
      '-----END KEY-----',
    ]);
    expect(maskedValues('a\n\nxy')).toEqual(['a\n\nxy']);
    expect(maskedValues('')).toEqual([]);
  });
});

describe('Markdown for untrusted text', () => {
  test.each([
    ['plain', '`plain`'],
    ['a`b', '``a`b``'],
    ['```', '```` ``` ````'],
    ['`x', '`` `x ``'],
    ['l1\nl2\r\nl3', '`l1 ⏎ l2 ⏎ l3`'],
    ['', ''],
  ])('mdCode(%j) = %j', (text, md) => expect(mdCode(text)).toBe(md));
  test('pipes are escaped in table cells only', () => {
    expect(mdCode('a|b', { inTable: true })).toBe('`a\\|b`');
    expect(mdCode('a|b')).toBe('`a|b`');
  });
  test('code blocks are fenced longer than any backtick run inside', () => {
    expect(mdCodeBlock('x\n`````\ny')).toBe('``````text\nx\n`````\ny\n``````');
    expect(mdCodeBlock('x')).toBe('```text\nx\n```');
  });
  test('control characters and bidi overrides are made visible; long text is cut', () => {
    expect(withoutControls('a\u001b[31mred\u202Eevil\u0000')).toBe('a\uFFFD[31mred\uFFFDevil\uFFFD');
    expect(mdCode('x'.repeat(600), { max: 10 })).toBe('`xxxxxxxxxx… (590 more characters)`');
  });
  test('HTML text is entities; links only to plain https', () => {
    expect(htmlText('<img src=x onerror="a">&')).toBe('&lt;img src=x onerror=&quot;a&quot;&gt;&amp;');
    expect(mdLink('CVE-1', 'https://avd.aquasec.com/nvd/cve-1')).toBe('[`CVE-1`](https://avd.aquasec.com/nvd/cve-1)');
    expect(mdLink('CVE-1', 'javascript:alert(1)')).toBe('`CVE-1`');
    expect(mdLink('CVE-1', 'https://x.example/a) [b](https://evil')).toBe('`CVE-1`');
    expect(mdLink('CVE-1', undefined)).toBe('`CVE-1`');
  });
});

describe('safe-fs: reading what a build exported', () => {
  function exportDir(): { root: string; canary: string } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-export-'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-outside-'));
    const canary = path.join(outside, 'canary.txt');
    fs.writeFileSync(canary, 'CANARY');
    fs.mkdirSync(path.join(root, 'sub/deeper'), { recursive: true });
    fs.writeFileSync(path.join(root, 'ok.xml'), '<testsuite/>');
    fs.writeFileSync(path.join(root, 'sub/deeper/two.xml'), '<testsuite/>');
    fs.symlinkSync(canary, path.join(root, 'canary.xml'));
    fs.symlinkSync('/', path.join(root, 'root'));
    fs.symlinkSync(outside, path.join(root, 'sub/outside'));
    execFileSync('mkfifo', [path.join(root, 'fifo.xml')]);
    return { root, canary };
  }

  test('regular files only, nothing behind a link, every other entry named', () => {
    const { root } = exportDir();
    const found = walkNoFollow(root);
    expect(found.files.map((f) => f.path)).toEqual(['ok.xml', 'sub/deeper/two.xml']);
    expect(found.skipped).toEqual([
      { path: 'canary.xml', kind: 'symbolic link' },
      { path: 'fifo.xml', kind: 'FIFO' },
      { path: 'root', kind: 'symbolic link' },
      { path: 'sub/outside', kind: 'symbolic link' },
    ]);
    removeTree(root);
  });

  test('opening a link, a FIFO or a folder fails at once instead of following or blocking', () => {
    const { root } = exportDir();
    expect(() => openRegular(path.join(root, 'canary.xml'))).toThrow(/ELOOP/);
    expect(() => openRegular(path.join(root, 'fifo.xml'))).toThrow('is not a regular file');
    expect(() => openRegular(path.join(root, 'sub'))).toThrow('is not a regular file');
    expect(readRegularText(path.join(root, 'canary.xml'), 100)).toBeUndefined();
    expect(readRegularText(path.join(root, 'ok.xml'), 5)).toBe('<test');
    removeTree(root);
  });

  test('copying never writes through a link at the destination', () => {
    const { root, canary } = exportDir();
    const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-dest-'));
    fs.symlinkSync(canary, path.join(dest, 'ok.xml'));
    expect(() => copyRegular(path.join(root, 'ok.xml'), path.join(dest, 'ok.xml'))).toThrow(/EEXIST/);
    expect(fs.readFileSync(canary, 'utf8')).toBe('CANARY');
    removeTree(root);
    removeTree(dest);
  });

  test('limits: exactly at the entry and depth limits is read; one more is refused with the limit named', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-limits-'));
    for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(root, `f${i}`), '');
    expect(walkNoFollow(root, { maxEntries: 5, maxDepth: 3 }).files).toHaveLength(5);
    fs.writeFileSync(path.join(root, 'f5'), '');
    expect(() => walkNoFollow(root, { maxEntries: 5, maxDepth: 3 })).toThrow(
      new ExportLimitError('it holds more than 5 entries (the limit)'),
    );
    const deep = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-deep-'));
    fs.mkdirSync(path.join(deep, 'a/b/c'), { recursive: true });
    expect(walkNoFollow(deep, { maxEntries: 100, maxDepth: 3 }).files).toEqual([]);
    fs.mkdirSync(path.join(deep, 'a/b/c/d'));
    expect(() => walkNoFollow(deep, { maxEntries: 100, maxDepth: 3 })).toThrow(
      'a/b/c/d is nested deeper than 3 folders (the limit)',
    );
    removeTree(root);
    removeTree(deep);
  });

  test('a tree with a folder without permissions (mode 000) is still removed', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-perm-'));
    fs.mkdirSync(path.join(root, 'locked/inner'), { recursive: true });
    fs.writeFileSync(path.join(root, 'locked', 'inner', 'x.xml'), '');
    fs.chmodSync(path.join(root, 'locked', 'inner'), 0);
    fs.chmodSync(path.join(root, 'locked'), 0);
    removeTree(root);
    expect(fs.existsSync(root)).toBe(false);
  });

  test('isInside compares paths, not prefixes', () => {
    expect(isInside('/w/repo', '/w/repo/a')).toBe(true);
    expect(isInside('/w/repo', '/w/repo')).toBe(true);
    expect(isInside('/w/repo', '/w/repo-evil/a')).toBe(false);
    expect(isInside('/w/repo', '/w/repo/../x')).toBe(false);
    expect(isInside('/w/repo', '/w/repo/..foo')).toBe(true);
  });
});
