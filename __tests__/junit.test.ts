import { describe, expect, test } from '@jest/globals';
import { failedTestsFromLog, parseJUnit, totals, JUnitError } from '../src/test-results/junit.js';
import { locationFromStack } from '../src/test-results/phase.js';

describe('parseJUnit', () => {
  test("node's reporter: testcases directly under testsuites", () => {
    const cases = parseJUnit(`<?xml version="1.0"?>
<testsuites>
  <testcase name="a" time="0.1" classname="test"/>
  <testcase name="b" time="0.2" classname="test" failure="boom"><failure type="testCodeFailure" message="boom">Error: boom
    at (/srv/b.test.js:3:9)</failure></testcase>
  <testcase name="c" classname="test"><skipped type="skipped" message="later"/></testcase>
</testsuites>`);
    expect(totals(cases)).toEqual({ total: 3, passed: 1, failed: 1, skipped: 1 });
    expect(cases[1]).toMatchObject({ name: 'b', status: 'failed', message: 'boom' });
    expect(locationFromStack(cases[1].details)).toEqual({ file: '/srv/b.test.js', line: 3 });
  });

  test('jest-junit / pytest style: nested suites, file and line, error counts as failed', () => {
    const cases = parseJUnit(`<testsuites name="jest tests">
  <testsuite name="api" file="backend/test/api.test.ts">
    <testsuite name="nested">
      <testcase classname="api nested" name="works" time="0.01"/>
    </testsuite>
    <testcase classname="api" name="fails" file="backend/test/api.test.ts" line="42"><failure message="expected 1">stack</failure></testcase>
    <testcase classname="api" name="errors"><error message="TypeError: x is undefined"/></testcase>
  </testsuite>
</testsuites>`);
    expect(totals(cases)).toEqual({ total: 3, passed: 1, failed: 2, skipped: 0 });
    const byName = (name: string) => cases.find((c) => c.name === name);
    expect(byName('works')).toMatchObject({ suite: 'nested', file: 'backend/test/api.test.ts', status: 'passed' });
    expect(byName('fails')).toMatchObject({
      file: 'backend/test/api.test.ts',
      line: 42,
      message: 'expected 1',
      details: 'stack',
    });
    expect(byName('errors')).toMatchObject({ status: 'failed', message: 'TypeError: x is undefined' });
  });

  test('a single testsuite root; failure with only a body', () => {
    const cases = parseJUnit(
      '<testsuite name="s"><testcase name="x"><failure>\n\nAssertionError: nope\n at y</failure></testcase></testsuite>',
    );
    expect(cases[0]).toMatchObject({ status: 'failed', message: 'AssertionError: nope' });
  });

  test.each([
    ['<testsuites><testcase name="a"></testsuites>', 'is not well-formed XML'],
    ['<coverage lines="3"/>', 'is not a JUnit report'],
  ])('%s is refused', (xml, message) => {
    expect(() => parseJUnit(xml, 'r.xml')).toThrow(JUnitError);
    expect(() => parseJUnit(xml, 'r.xml')).toThrow(message);
  });
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
});
