import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface TestTotals {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
}

export interface TestCase {
  name: string;
  classname?: string;
  suite?: string;
  file?: string;
  line?: number;
  seconds?: number;
  status: 'passed' | 'failed' | 'skipped';
  /** The failure or error message, when failed. */
  message?: string;
  /** The failure body (stack trace), when failed. */
  details?: string;
}

export class JUnitError extends Error {
  override readonly name = 'JUnitError';
}

type XmlNode = Record<string, unknown>;

const ARRAYS = new Set(['testsuite', 'testcase', 'failure', 'error', 'skipped']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ARRAYS.has(name),
});

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && '#text' in (value as XmlNode)) return String((value as XmlNode)['#text']);
  return undefined;
}

function attr(node: XmlNode, name: string): string | undefined {
  const value = node[`@_${name}`];
  return value === undefined ? undefined : String(value);
}

function firstLine(message: string | undefined): string | undefined {
  return message
    ?.split('\n')
    .find((l) => l.trim() !== '')
    ?.trim();
}

function readCase(node: XmlNode, suite: string | undefined, suiteFile: string | undefined): TestCase {
  const failures = [
    ...((node.failure as XmlNode[] | undefined) ?? []),
    ...((node.error as XmlNode[] | undefined) ?? []),
  ];
  const line = attr(node, 'line');
  const seconds = attr(node, 'time');
  const base: TestCase = {
    name: attr(node, 'name') ?? '(unnamed test)',
    classname: attr(node, 'classname'),
    suite,
    file: attr(node, 'file') ?? suiteFile,
    line: line && /^\d+$/.test(line) ? Number(line) : undefined,
    seconds: seconds && !Number.isNaN(Number(seconds)) ? Number(seconds) : undefined,
    status: 'passed',
  };
  if (failures.length > 0) {
    const first = failures[0];
    const body = typeof first === 'string' ? first : text(first);
    const message = (typeof first === 'object' ? attr(first, 'message') : undefined) ?? firstLine(body) ?? 'failed';
    return { ...base, status: 'failed', message, details: body?.trim() };
  }
  if (node.skipped !== undefined) return { ...base, status: 'skipped' };
  return base;
}

function walk(node: XmlNode, suite: string | undefined, suiteFile: string | undefined, out: TestCase[]): void {
  for (const testcase of (node.testcase as XmlNode[] | undefined) ?? []) {
    out.push(readCase(typeof testcase === 'object' ? testcase : {}, suite, suiteFile));
  }
  for (const child of (node.testsuite as XmlNode[] | undefined) ?? []) {
    if (typeof child !== 'object') continue;
    walk(child, attr(child, 'name') ?? suite, attr(child, 'file') ?? suiteFile, out);
  }
}

/** Read one JUnit XML document (testsuites/testsuite/testcase, nested suites, failure/error/skipped). */
export function parseJUnit(xml: string, source = 'report'): TestCase[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new JUnitError(`${source} is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  }
  const doc = parser.parse(xml) as XmlNode;
  const root = (doc.testsuites as XmlNode | undefined) ?? doc;
  if (doc.testsuites === undefined && doc.testsuite === undefined) {
    throw new JUnitError(`${source} is not a JUnit report: its root is neither <testsuites> nor <testsuite>`);
  }
  const cases: TestCase[] = [];
  walk(typeof root === 'object' ? root : {}, undefined, undefined, cases);
  return cases;
}

export function totals(cases: readonly TestCase[]): TestTotals {
  const count = (status: TestCase['status']): number => cases.filter((c) => c.status === status).length;
  return { total: cases.length, passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}

/** Names of failed tests as the common runners print them in a build log (used when no report could be read). */
export function failedTestsFromLog(log: string): string[] {
  const names: string[] = [];
  const add = (name: string): void => {
    const clean = name.trim();
    if (clean && !names.includes(clean)) names.push(clean);
  };
  for (const raw of log.split('\n')) {
    const line = raw.replace(/^#\d+ \d+(\.\d+)? /, '');
    let m: RegExpExecArray | null;
    if ((m = /^\s*not ok \d+ - (.+?)(?: # .*)?$/.exec(line)) && !/^\//.test(m[1])) add(m[1]);
    else if ((m = /^\s*✖ (.+?)(?: \([\d.]+m?s\))?$/.exec(line)) && !/^failing tests:?$/.test(m[1])) add(m[1]);
    else if ((m = /^\s*✕ (.+?)(?: \(\d+ ms\))?$/.exec(line))) add(m[1]);
    else if ((m = /^FAILED (\S+?)(?: - .*)?$/.exec(line))) add(m[1]);
    else if ((m = /^\s*--- FAIL: (\S+)/.exec(line))) add(m[1]);
  }
  return names;
}
