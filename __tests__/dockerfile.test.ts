import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  expandArgs,
  findStage,
  instructions,
  parseDockerfile,
  stagesNeeded,
  stageLabel,
} from '../src/dockerfile/parse.js';

const example = fs.readFileSync(path.resolve(import.meta.dirname, '../examples/fullstack/Dockerfile'), 'utf8');

describe('parseDockerfile on the example', () => {
  const df = parseDockerfile(example, { NODE_IMAGE: 'local/node:20' });
  test('lists the stages in order with their lines', () => {
    expect(df.stages.map(stageLabel)).toEqual([
      'base',
      'dependencies',
      'development',
      'testing',
      'test-results',
      'shared-build',
      'frontend-build',
      'backend-build',
      'production-backend',
      'production-frontend',
    ]);
    const lines = example.split('\n');
    for (const stage of df.stages) expect(lines[stage.line - 1]).toMatch(/^FROM /);
  });
  test('substitutes build args over global ARG defaults', () => {
    expect(findStage(df, 'base')?.images).toEqual(['local/node:20']);
    expect(findStage(df, 'production-frontend')?.images).toEqual(['busybox:1.36']);
  });
  test('production-backend needs base, dependencies, shared-build, backend-build, not the frontend or tests', () => {
    const target = findStage(df, 'PRODUCTION-BACKEND');
    expect(target).toBeDefined();
    expect(stagesNeeded(df, target!).map(stageLabel)).toEqual([
      'base',
      'dependencies',
      'shared-build',
      'backend-build',
      'production-backend',
    ]);
  });
  test('test-results (FROM scratch) needs testing through its COPY --from', () => {
    expect(stagesNeeded(df, findStage(df, 'test-results')!).map(stageLabel)).toEqual([
      'base',
      'dependencies',
      'testing',
      'test-results',
    ]);
  });
});

test('continuations, comments inside them, heredocs, escape directive and mount from=', () => {
  const text = [
    '# escape=`',
    'FROM alpine AS one',
    'RUN echo a `',
    '# a comment in the middle',
    '  && echo b',
    'RUN <<EOF',
    'FROM fake AS nope',
    'EOF',
    'FROM one AS two',
    'RUN --mount=type=bind,from=one,target=/x true',
    'COPY --from=0 /a /b',
    'COPY --from=busybox:1 /bin/busybox /bin/',
  ].join('\n');
  const ins = instructions(text);
  expect(ins.map((i) => i.keyword)).toEqual(['FROM', 'RUN', 'RUN', 'FROM', 'RUN', 'COPY', 'COPY']);
  expect(ins[1]).toMatchObject({ args: 'echo a    && echo b', line: 3 });
  const df = parseDockerfile(text);
  expect(df.stages.map(stageLabel)).toEqual(['one', 'two']);
  expect(df.stages[1].dependsOn).toEqual([0]);
  expect(df.stages[1].images).toEqual(['busybox:1']);
});

test.each([
  ['${A}', { A: 'x' }, 'x'],
  ['$A/b', { A: 'x' }, 'x/b'],
  ['${A:-def}', {}, 'def'],
  ['${A:-def}', { A: 'set' }, 'set'],
  ['${A:+alt}', { A: 'set' }, 'alt'],
  ['${A:+alt}', {}, ''],
  ['node:${V}-alpine', { V: '20' }, 'node:20-alpine'],
])('expandArgs(%s)', (value, values, expected) => expect(expandArgs(value, values)).toBe(expected));
