import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  failedTestsFromLog,
  JUnitError,
  JUnitReader,
  JUNIT_LIMITS,
  type JUnitLimits,
} from '../src/test-results/junit.js';
import { locationFromStack } from '../src/test-results/phase.js';

function read(xml: string, limits: Partial<JUnitLimits> = {}): JUnitReader {
  const reader = new JUnitReader({ ...JUNIT_LIMITS, ...limits });
  reader.readText(xml, 'r.xml');
  return reader;
}

async function readFile(file: string, limits: Partial<JUnitLimits> = {}): Promise<JUnitReader> {
  const reader = new JUnitReader({ ...JUNIT_LIMITS, ...limits });
  await reader.readFile(fs.openSync(file, 'r'), path.basename(file));
  return reader;
}

function tempFile(name: string, write: (fd: number) => void): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'msa-junit-')), name);
  const fd = fs.openSync(file, 'w');
  try {
    write(fd);
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

describe('JUnitReader', () => {
  test("node's reporter: testcases directly under testsuites", () => {
    const reader = read(`<?xml version="1.0"?>
<testsuites>
  <testcase name="a" time="0.1" classname="test"/>
  <testcase name="b" time="0.2" classname="test" failure="boom"><failure type="testCodeFailure" message="boom">Error: boom
    at (/srv/b.test.js:3:9)</failure></testcase>
  <testcase name="c" classname="test"><skipped type="skipped" message="later"/></testcase>
</testsuites>`);
    expect(reader.totals).toEqual({ total: 3, passed: 1, failed: 1, skipped: 1 });
    expect(reader.failures[0]).toMatchObject({ name: 'b', message: 'boom' });
    expect(locationFromStack(reader.failures[0].details)).toEqual({ file: '/srv/b.test.js', line: 3 });
  });

  test('jest-junit / pytest style: nested suites, file and line, error counts as failed', () => {
    const reader = read(`<testsuites name="jest tests">
  <testsuite name="api" file="backend/test/api.test.ts">
    <testsuite name="nested">
      <testcase classname="api nested" name="works" time="0.01"/>
    </testsuite>
    <testcase classname="api" name="fails" file="backend/test/api.test.ts" line="42"><failure message="expected 1">stack</failure></testcase>
    <testcase classname="api" name="errors"><error message="TypeError: x is undefined"/></testcase>
  </testsuite>
</testsuites>`);
    expect(reader.totals).toEqual({ total: 3, passed: 1, failed: 2, skipped: 0 });
    const byName = (name: string) => reader.failures.find((c) => c.name === name);
    expect(byName('fails')).toMatchObject({
      suite: 'api',
      file: 'backend/test/api.test.ts',
      line: 42,
      message: 'expected 1',
      details: 'stack',
    });
    expect(byName('errors')).toMatchObject({ message: 'TypeError: x is undefined', file: 'backend/test/api.test.ts' });
  });

  test('a single testsuite root; failure with only a body (CDATA too)', () => {
    const reader = read(
      '<testsuite name="s"><testcase name="x"><failure><![CDATA[\n\nAssertionError: nope\n at y]]></failure></testcase></testsuite>',
    );
    expect(reader.failures[0]).toMatchObject({
      message: 'AssertionError: nope',
      details: 'AssertionError: nope\n at y',
    });
  });

  test('several reports add up', () => {
    const reader = new JUnitReader();
    reader.readText('<testsuite><testcase name="a"/></testsuite>', 'a.xml');
    reader.readText('<testsuite><testcase name="b"><failure/></testcase></testsuite>', 'b.xml');
    expect(reader.totals).toEqual({ total: 2, passed: 1, failed: 1, skipped: 0 });
    expect(reader.failures[0]).toMatchObject({ name: 'b', message: 'failed' });
  });

  test.each([
    ['<testsuites><testcase name="a"></testsuites>', 'r.xml is not well-formed XML'],
    ['<coverage lines="3"/>', 'r.xml is not a JUnit report: its root is <coverage>'],
    ['', 'r.xml is not well-formed XML: document must contain a root element'],
    ['<!DOCTYPE x [<!ENTITY a "aaaa">]><testsuite><testcase name="&a;"/></testsuite>', 'not well-formed XML'],
  ])('%j is refused, naming the file', (xml, message) => {
    expect(() => read(xml)).toThrow(JUnitError);
    expect(() => read(xml)).toThrow(message);
  });

  test('texts are cut to their bounds, whatever the report holds', () => {
    const long = 'x'.repeat(5000);
    const reader = read(
      `<testsuite><testcase name="${long}" classname="${long}"><failure message="${long}">${long}${long}</failure></testcase></testsuite>`,
      { maxTextChars: 100, maxDetailsChars: 300 },
    );
    const [failed] = reader.failures;
    expect(failed.name).toHaveLength(101);
    expect(failed.classname).toHaveLength(101);
    expect(failed.message).toHaveLength(101);
    expect(failed.details?.length).toBeLessThanOrEqual(301);
  });

  test('failures past keepFailures are counted, not kept', () => {
    const cases = Array.from({ length: 7 }, (_, i) => `<testcase name="t${i}"><failure/></testcase>`).join('');
    const reader = read(`<testsuite>${cases}</testsuite>`, { keepFailures: 3 });
    expect(reader.totals.failed).toBe(7);
    expect(reader.failures.map((f) => f.name)).toEqual(['t0', 't1', 't2']);
    expect(reader.failuresLeftOut).toBe(4);
  });

  test('maxCases: exactly at the limit is read, one more is refused with the limit named', () => {
    const cases = (n: number) =>
      `<testsuite>${Array.from({ length: n }, (_, i) => `<testcase name="t${i}"/>`).join('')}</testsuite>`;
    expect(read(cases(5), { maxCases: 5 }).totals.total).toBe(5);
    expect(() => read(cases(6), { maxCases: 5 })).toThrow('r.xml takes the reports over the limit of 5 test cases');
  });

  test('maxFileBytes: a file at the limit is read, one byte more is refused before reading', async () => {
    const xml = '<testsuite><testcase name="a"/></testsuite>';
    const file = tempFile('edge.xml', (fd) => fs.writeSync(fd, xml));
    expect((await readFile(file, { maxFileBytes: xml.length })).totals.total).toBe(1);
    await expect(readFile(file, { maxFileBytes: xml.length - 1 })).rejects.toThrow(
      `edge.xml is ${xml.length} bytes, over the limit of ${xml.length - 1} bytes for one JUnit report`,
    );
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  test('1,000,000 test cases in one report (about 70 MB) are counted without running out of stack', async () => {
    const file = tempFile('million.xml', (fd) => {
      fs.writeSync(fd, '<?xml version="1.0"?>\n<testsuites><testsuite name="big">\n');
      const chunk: string[] = [];
      for (let i = 0; i < 1_000_000; i++) {
        chunk.push(
          i % 1000 === 0
            ? `<testcase name="case ${i}" classname="c"><failure message="boom ${i}">at /app/t.js:1:1</failure></testcase>\n`
            : `<testcase name="case ${i}" classname="suite" time="0.001"/>\n`,
        );
        if (chunk.length === 10_000) fs.writeSync(fd, chunk.splice(0).join(''));
      }
      fs.writeSync(fd, `${chunk.join('')}</testsuite></testsuites>\n`);
    });
    const reader = await readFile(file);
    expect(reader.totals).toEqual({ total: 1_000_000, passed: 999_000, failed: 1000, skipped: 0 });
    expect(reader.failures).toHaveLength(1000);
    expect(reader.failures[999]).toMatchObject({ name: 'case 999000', message: 'boom 999000' });
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }, 60_000);
});

test('failedTestsFromLog reads the common runners out of a buildx log', () => {
  const log = [
    '#9 0.331 not ok 1 - checkout total includes tax',
    '#9 0.331 not ok 2 - /srv/fail.test.js',
    '#9 0.5 ✖ renders the header (3.2ms)',
    '#9 0.6   ✕ adds items (5 ms)',
    '#9 0.7 FAILED tests/test_api.py::test_login - AssertionError',
    '#9 0.8 --- FAIL: TestParse (0.00s)',
    '#9 0.9 ok 3 - fine',
    '#9 1.0 not ok 1 - checkout total includes tax',
  ].join('\n');
  expect(failedTestsFromLog(log)).toEqual([
    'checkout total includes tax',
    'renders the header',
    'adds items',
    'tests/test_api.py::test_login',
    'TestParse',
  ]);
  const many = Array.from({ length: 5000 }, (_, i) => `not ok ${i} - t${i}`).join('\n');
  expect(failedTestsFromLog(many, 100)).toHaveLength(100);
});
