import * as fs from 'node:fs';
import { SaxesParser, type SaxesTag } from 'saxes';
import type { TestTotals } from '../report/types.js';

/** A failed test as the action keeps it: every text cut to a bound, whatever the report holds. */
export interface FailedTest {
  name: string;
  classname?: string;
  suite?: string;
  file?: string;
  line?: number;
  /** The failure or error message. */
  message: string;
  /** The failure body (stack trace). */
  details?: string;
}

/** How much of a report the action takes in; documented in the README ("Limits"). */
export interface JUnitLimits {
  /** One report file; a larger one is refused, naming the file and the limit. */
  maxFileBytes: number;
  /** Test cases across every report of a run. */
  maxCases: number;
  /** Failed tests kept with their details (the rest are counted). */
  keepFailures: number;
  /** Characters kept of a name, a class name or a message. */
  maxTextChars: number;
  /** Characters kept of a failure's body. */
  maxDetailsChars: number;
}

export const JUNIT_LIMITS: JUnitLimits = {
  maxFileBytes: 1024 * 1024 * 1024,
  maxCases: 10_000_000,
  keepFailures: 20_000,
  maxTextChars: 1_000,
  maxDetailsChars: 8_000,
};

/** A report that cannot be read as JUnit XML, or that is over a limit. Names the file. */
export class JUnitError extends Error {
  override readonly name = 'JUnitError';
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

function firstLine(text: string | undefined): string | undefined {
  return text
    ?.split('\n')
    .find((l) => l.trim() !== '')
    ?.trim();
}

interface OpenCase {
  name: string;
  classname?: string;
  suite?: string;
  file?: string;
  line?: number;
  status: 'passed' | 'failed' | 'skipped';
  message?: string;
  details?: string;
}

/**
 * Reads JUnit XML reports as streams (testsuites/testsuite/testcase, nested suites, failure/error/skipped): a report
 * of any size within the limits is counted without holding it, its tree, or its passed tests in memory. DTDs are not
 * expanded (an undefined entity is an error), so no entity can grow the input.
 */
export class JUnitReader {
  readonly totals: TestTotals = { total: 0, passed: 0, failed: 0, skipped: 0 };
  readonly failures: FailedTest[] = [];

  constructor(private readonly limits: JUnitLimits = JUNIT_LIMITS) {}

  /** Failed tests counted but not kept (over `keepFailures`). */
  get failuresLeftOut(): number {
    return this.totals.failed - this.failures.length;
  }

  /** Read one report from an open descriptor of a regular file (closed here); `source` names it in errors. */
  async readFile(fd: number, source: string): Promise<void> {
    const size = fs.fstatSync(fd).size;
    if (size > this.limits.maxFileBytes) {
      fs.closeSync(fd);
      throw new JUnitError(
        `${source} is ${size} bytes, over the limit of ${this.limits.maxFileBytes} bytes for one JUnit report`,
      );
    }
    const parse = this.parser(source);
    const stream = fs.createReadStream('', { fd, encoding: 'utf8', highWaterMark: 1024 * 1024 });
    try {
      for await (const chunk of stream) parse.write(chunk as string);
      parse.close();
    } finally {
      stream.destroy();
    }
  }

  /** Read one report held as a string (tests, small reports). */
  readText(xml: string, source = 'report'): void {
    this.parser(source).write(xml).close();
  }

  private parser(source: string): SaxesParser {
    const limits = this.limits;
    const parser = new SaxesParser({ position: true });
    const suites: { name?: string; file?: string }[] = [];
    let root: string | undefined;
    let current: OpenCase | undefined;
    let body: string[] | undefined;
    let bodyChars = 0;
    const fail = (message: string): never => {
      throw new JUnitError(`${source} ${message}`);
    };
    parser.on('error', (error: Error) =>
      fail(`is not well-formed XML: ${error.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '')} (line ${parser.line})`),
    );
    parser.on('opentag', (tag: SaxesTag) => {
      const attr = (name: string): string | undefined => {
        const value = tag.attributes[name];
        return typeof value === 'string' ? value : undefined;
      };
      if (root === undefined) {
        root = tag.name;
        if (root !== 'testsuites' && root !== 'testsuite') {
          fail(`is not a JUnit report: its root is <${cut(root, 50)}>, neither <testsuites> nor <testsuite>`);
        }
      }
      if (tag.name === 'testsuite') {
        const parent = suites.at(-1);
        suites.push({ name: attr('name') ?? parent?.name, file: attr('file') ?? parent?.file });
      } else if (tag.name === 'testcase' && !current) {
        if (this.totals.total >= limits.maxCases) {
          fail(`takes the reports over the limit of ${limits.maxCases} test cases`);
        }
        const suite = suites.at(-1);
        const line = attr('line');
        current = {
          name: cut(attr('name') ?? '(unnamed test)', limits.maxTextChars),
          classname:
            attr('classname') === undefined ? undefined : cut(attr('classname') as string, limits.maxTextChars),
          suite: suite?.name === undefined ? undefined : cut(suite.name, limits.maxTextChars),
          file: cut(attr('file') ?? suite?.file ?? '', limits.maxTextChars) || undefined,
          line: line && /^\d{1,9}$/.test(line) ? Number(line) : undefined,
          status: 'passed',
        };
      } else if (current && (tag.name === 'failure' || tag.name === 'error')) {
        if (current.status !== 'failed') {
          current.status = 'failed';
          const message = attr('message');
          if (message !== undefined) current.message = cut(message, limits.maxTextChars);
          body = [];
          bodyChars = 0;
        }
      } else if (current && tag.name === 'skipped' && current.status === 'passed') {
        current.status = 'skipped';
      }
    });
    const collect = (text: string): void => {
      if (!body || bodyChars >= limits.maxDetailsChars) return;
      const piece = text.slice(0, limits.maxDetailsChars - bodyChars);
      body.push(piece);
      bodyChars += piece.length;
    };
    parser.on('text', collect);
    parser.on('cdata', collect);
    parser.on('closetag', (tag) => {
      if (tag.name === 'testsuite') {
        suites.pop();
      } else if ((tag.name === 'failure' || tag.name === 'error') && body) {
        if (current) current.details = body.join('').trim() || undefined;
        body = undefined;
      } else if (tag.name === 'testcase' && current) {
        this.count(current);
        current = undefined;
      }
    });
    parser.on('end', () => {
      if (root === undefined) fail('is empty: no <testsuites> or <testsuite> element');
    });
    return parser;
  }

  private count(test: OpenCase): void {
    this.totals.total++;
    this.totals[test.status]++;
    if (test.status !== 'failed' || this.failures.length >= this.limits.keepFailures) return;
    const details = test.details ? cut(test.details, this.limits.maxDetailsChars) : undefined;
    this.failures.push({
      name: test.name,
      classname: test.classname,
      suite: test.suite,
      file: test.file,
      line: test.line,
      message: test.message ?? cut(firstLine(details) ?? 'failed', this.limits.maxTextChars),
      details,
    });
  }
}

/** Names of failed tests as the common runners print them in a build log (used when no report could be read). */
export function failedTestsFromLog(log: string, max = 1000): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  const add = (name: string): void => {
    const clean = name.trim();
    if (clean && !seen.has(clean) && names.length < max) {
      seen.add(clean);
      names.push(cut(clean, 1000));
    }
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
