import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancelledError, createProcessRunner, isSameProcess, processStart, type ProcessRecord } from '../src/exec.js';
import { CommandError, GateFailure } from '../src/errors.js';
import { takeExport } from '../src/test-results/phase.js';
import { readTrivyReport } from '../src/scan/phase.js';
import { containerLogs, MAX_LOG_LINE_CHARS } from '../src/docker/container.js';

const node = process.execPath;

describe('the process runner', () => {
  test('argv reaches the child as it is: no shell ever reads it', async () => {
    const { run } = createProcessRunner(() => undefined);
    const result = await run(node, [
      '-e',
      'console.log(JSON.stringify(process.argv.slice(1)))',
      '$(id)',
      '`x`; rm -rf /',
    ]);
    expect(JSON.parse(result.stdout)).toEqual(['$(id)', '`x`; rm -rf /']);
  });

  test('a non-zero exit throws a CommandError with the stderr tail; allowFailure returns it', async () => {
    const { run } = createProcessRunner(() => undefined);
    await expect(run(node, ['-e', 'console.error("broke"); process.exit(3)'])).rejects.toThrow(
      new CommandError(node, ['-e'], 3, 'broke\n'),
    );
    expect((await run(node, ['-e', 'process.exit(4)'], { allowFailure: true })).exitCode).toBe(4);
    await expect(run('/nonexistent/tool', [])).rejects.toMatchObject({ exitCode: 127 });
  });

  test('output is kept within bounds: the start, a note of what was left out, and the end', async () => {
    const { run } = createProcessRunner(() => undefined, undefined, {
      maxCaptureBytes: 100,
      tailBytes: 50,
      maxLineChars: 40,
    });
    const lines: string[] = [];
    const result = await run(
      node,
      ['-e', 'process.stdout.write("a".repeat(100) + "b".repeat(1000) + "c".repeat(50))'],
      {
        onLine: (line) => lines.push(line),
      },
    );
    expect(result.stdout).toBe(`${'a'.repeat(100)}\n[... 1000 bytes left out ...]\n${'c'.repeat(50)}`);
    // A line with no end is handed on in pieces of at most maxLineChars.
    expect(Math.max(...lines.map((l) => l.length))).toBe(40);
    expect(lines.join('')).toHaveLength(1150);
  });

  test('exactly at the capture limit nothing is left out', async () => {
    const { run } = createProcessRunner(() => undefined, undefined, {
      maxCaptureBytes: 100,
      tailBytes: 50,
      maxLineChars: 40,
    });
    expect((await run(node, ['-e', 'process.stdout.write("x".repeat(100))'])).stdout).toBe('x'.repeat(100));
  });

  test('each child is recorded while it runs, in a process group of its own, with its start time', async () => {
    const records: ProcessRecord[] = [];
    const removed: number[] = [];
    const runner = createProcessRunner(() => undefined, {
      addProcess: (r) => records.push(r),
      removeProcess: (pid) => removed.push(pid),
    });
    // The child reads its own process group from /proc (Node has no getpgid): field 5 of /proc/self/stat, counted
    // after the command name's closing parenthesis.
    const result = await runner.run(node, [
      '-e',
      'const s = require("node:fs").readFileSync("/proc/self/stat", "utf8"); console.log(process.pid, s.slice(s.lastIndexOf(")") + 2).split(" ")[2])',
    ]);
    const [pid, pgid] = result.stdout.trim().split(' ').map(Number);
    // A group of its own: the child leads it (its pgid is its pid), not the test runner's group.
    expect(pgid).toBe(pid);
    expect(pgid).not.toBe(Number(fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[2]));
    expect(records).toEqual([{ pid, start: expect.any(Number) }]);
    expect(removed).toEqual([pid]);
    expect(isSameProcess(records[0])).toBe(false); // it has ended
  });

  test('endAll ends a running child and its own children, and nothing starts afterwards', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-exec-'));
    const pidFile = path.join(dir, 'grandchild');
    const runner = createProcessRunner(() => undefined);
    const running = runner.run(
      node,
      [
        '-e',
        `const c = require("node:child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
       require("node:fs").writeFileSync(${JSON.stringify(pidFile)}, String(c.pid)); setInterval(() => {}, 1000);`,
      ],
      { allowFailure: true },
    );
    while (!fs.existsSync(pidFile) || fs.readFileSync(pidFile, 'utf8') === '')
      await new Promise((r) => setTimeout(r, 20));
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
    const record = { pid: grandchild, start: processStart(grandchild) };
    expect(isSameProcess(record)).toBe(true);
    await runner.endAll(500);
    expect((await running).exitCode).toBe(143);
    await new Promise((r) => setTimeout(r, 100));
    expect(isSameProcess(record)).toBe(false);
    await expect(runner.run(node, ['-e', '0'])).rejects.toThrow(CancelledError);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a pid whose start time differs is not the recorded process (pids are reused)', () => {
    expect(isSameProcess({ pid: process.pid, start: processStart(process.pid) })).toBe(true);
    expect(isSameProcess({ pid: process.pid, start: (processStart(process.pid) ?? 0) + 1 })).toBe(false);
    expect(isSameProcess({ pid: process.pid })).toBe(false);
  });

  test('timeoutMs ends the child and says so', async () => {
    const { run } = createProcessRunner(() => undefined);
    const result = await run(node, ['-e', 'setInterval(() => {}, 1000)'], { allowFailure: true, timeoutMs: 200 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).not.toBe(0);
  });
});

describe('limits at their edges', () => {
  function exportOf(files: Record<string, number>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-take-'));
    for (const [name, size] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), 'x'.repeat(size));
    return dir;
  }

  test('export bytes: exactly at the limit is copied, one byte more refuses the export', () => {
    const limits = { maxEntries: 10, maxDepth: 3, maxBytes: 10 };
    const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-dest-'));
    expect(takeExport(exportOf({ 'a.xml': 6, 'b.xml': 4 }), path.join(dest, 'ok'), 't', limits).files).toHaveLength(2);
    expect(fs.readdirSync(path.join(dest, 'ok')).sort()).toEqual(['a.xml', 'b.xml']);
    const raw = exportOf({ 'a.xml': 6, 'b.xml': 5 });
    expect(() => takeExport(raw, path.join(dest, 'over'), 't', limits)).toThrow(GateFailure);
    expect(() => takeExport(exportOf({ 'a.xml': 6, 'b.xml': 5 }), path.join(dest, 'over'), 't', limits)).toThrow(
      'The export of test stage "t" was not read: its files hold 11 bytes, over the limit of 10 bytes',
    );
    expect(fs.existsSync(raw)).toBe(false); // the raw export is removed either way
    fs.rmSync(dest, { recursive: true, force: true });
  });

  test("Trivy's report: exactly at the limit is read, one byte more is refused with the size", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-trivy-report-'));
    const file = path.join(dir, 'r.json');
    const json = '{"SchemaVersion":2,"Results":[]}';
    fs.writeFileSync(file, json);
    expect(readTrivyReport(file, json.length)).toEqual([]);
    expect(() => readTrivyReport(file, json.length - 1)).toThrow(
      `the report is ${json.length} bytes, over the limit of ${json.length - 1} bytes`,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a container log line is cut at its limit', async () => {
    const long = 'z'.repeat(MAX_LOG_LINE_CHARS + 5);
    const exact = 'y'.repeat(MAX_LOG_LINE_CHARS);
    const logs = await containerLogs(async () => ({ exitCode: 0, stdout: `${exact}\n${long}\n`, stderr: '' }), 'c', 50);
    const [first, second] = logs.split('\n');
    expect(first).toBe(exact);
    expect(second).toBe(`${'z'.repeat(MAX_LOG_LINE_CHARS)}… (5 more characters)`);
  });
});
