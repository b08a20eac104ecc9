import { describe, expect, test } from '@jest/globals';
import * as path from 'node:path';
import { getInputs, isImageTag, defaultImage, type InputReader } from '../src/inputs.js';
import { parseList } from '../src/lists.js';
import { readContext } from '../src/context.js';
import { ConfigurationError } from '../src/errors.js';

const ctx = {
  ...readContext({}),
  workspace: path.resolve(import.meta.dirname, '..'),
  repository: 'Acme/Shop-App',
  sha: 'abc',
};
const reader =
  (values: Record<string, string>): InputReader =>
  (name) =>
    values[name];
const base = { target: 'production-backend', context: 'examples/fullstack' };

describe('parseList', () => {
  test.each([
    ['', {}, []],
    ['a,b\nc', {}, ['a', 'b', 'c']],
    ['  a , b  \n\n c ', {}, ['a', 'b', 'c']],
    ['"a,b",c', {}, ['a,b', 'c']],
    [
      'type=gha,scope=x,mode=max\ntype=local,src=/tmp',
      { ignoreComma: true },
      ['type=gha,scope=x,mode=max', 'type=local,src=/tmp'],
    ],
    ['MSG=hello, world', { ignoreComma: true }, ['MSG=hello, world']],
    ['X=$(rm -rf /); `id`', { ignoreComma: true }, ['X=$(rm -rf /); `id`']],
  ])('%j %j -> %j', (input, options, expected) => {
    expect(parseList(input, options)).toEqual(expected);
  });
});

describe('getInputs', () => {
  test('defaults follow action.yml and the repository', () => {
    const inputs = getInputs(reader(base), ctx);
    expect(inputs).toMatchObject({
      targets: ['production-backend'],
      context: 'examples/fullstack',
      file: path.join('examples/fullstack', 'Dockerfile'),
      image: 'acme/shop-app',
      tags: [],
      cache: true,
      'no-cache': false,
      smoke: true,
      port: undefined,
      'health-path': '/health',
      'health-status': 200,
      'smoke-timeout': 60,
      push: false,
    });
  });

  test('lists, key-values and secrets are parsed', () => {
    const inputs = getInputs(
      reader({
        ...base,
        'build-args': 'A=1,2\nB=x=y',
        secrets: 'token=abc,def\nnpm_token=z',
        'smoke-env': 'PORT=3001\nGREETING=a=b',
        platforms: 'linux/amd64,linux/arm64',
        'smoke-paths': '/a, /b',
      }),
      ctx,
    );
    expect(inputs['build-args']).toEqual(['A=1,2', 'B=x=y']);
    expect(inputs.secrets).toEqual([
      { id: 'token', value: 'abc,def' },
      { id: 'npm_token', value: 'z' },
    ]);
    expect(inputs['smoke-env']).toEqual([
      { key: 'PORT', value: '3001' },
      { key: 'GREETING', value: 'a=b' },
    ]);
    expect(inputs.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(inputs['smoke-paths']).toEqual(['/a', '/b']);
  });

  test.each([
    [{ target: '' }, 'target', 'is required'],
    [{ targets: 'a,b' }, 'targets', 'set either "target" or "targets"'],
    [{ target: '', targets: 'a,A' }, 'targets', 'lists the same stage twice'],
    [{ target: 'bad stage' }, 'target', 'not a valid stage name'],
    [{ context: 'nowhere' }, 'context', 'does not exist'],
    [{ file: 'nowhere/Dockerfile' }, 'file', 'does not exist'],
    [{ image: 'bad image' }, 'image', 'is not a valid image name'],
    [{ tags: 'ok:1,Not Ok' }, 'tags', 'is not a valid image reference'],
    [{ labels: 'novalue' }, 'labels', 'is not key=value'],
    [{ 'build-args': '=x' }, 'build-args', 'is not NAME=value'],
    [{ secrets: 'bad id=1' }, 'secrets', 'is not id=value'],
    [{ secrets: 'a=1', 'secret-files': 'a=package.json' }, 'secrets', 'given twice'],
    [{ 'secret-files': 'key=/does/not/exist' }, 'secret-files', 'does not exist'],
    [{ ssh: 'bad id' }, 'ssh', 'is not default or id=path'],
    [{ platforms: 'amd64' }, 'platforms', 'is not os/arch'],
    [{ 'no-cache': 'yes' }, 'no-cache', 'use true or false'],
    [{ smoke: '1' }, 'smoke', 'use true or false'],
    [{ port: '0' }, 'port', 'out of range; use 1-65535'],
    [{ port: '3001.5' }, 'port', 'not a whole number'],
    [{ 'smoke-timeout': 'NaN' }, 'smoke-timeout', 'not a whole number'],
    [{ 'health-status': '99' }, 'health-status', 'out of range; use 100-599'],
    [{ 'health-path': 'health' }, 'health-path', 'starting with "/"'],
    [{ 'smoke-paths': '/ok,no' }, 'smoke-paths', 'starting with "/"'],
    [{ 'smoke-env': '1X=2' }, 'smoke-env', 'is not KEY=VALUE'],
    [{ 'cache-scope': 'a b' }, 'cache-scope', 'may use letters'],
    [{ 'test-target': 'x y' }, 'test-target', 'not a valid stage name'],
    [{ targets: 'a', target: '', tags: 'x:1' }, 'tags', undefined],
  ])('%j is refused naming %s', (override, input, fragment) => {
    const values = { ...base, ...override };
    if (fragment === undefined) {
      expect(() => getInputs(reader(values), ctx)).not.toThrow();
      return;
    }
    let caught: unknown;
    try {
      getInputs(reader(values), ctx);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    expect((caught as ConfigurationError).input).toBe(input);
    expect((caught as Error).message).toContain(`Input "${input}"`);
    expect((caught as Error).message).toContain(fragment);
  });

  test('a secret value never appears in the error about its entry', () => {
    expect(() => getInputs(reader({ ...base, secrets: 'bad id=hunter2' }), ctx)).toThrow(/bad id=\*\*\*/);
  });

  test('tags cannot be shared by several targets', () => {
    expect(() => getInputs(reader({ ...base, target: '', targets: 'a,b', tags: 'x:1' }), ctx)).toThrow(/Input "tags"/);
  });
});

test.each([
  ['nginx', true],
  ['nginx:1.25-alpine', true],
  ['ghcr.io/owner/app:v1.2.3', true],
  ['localhost:5000/app:1', true],
  ['App:1', false],
  ['app:', false],
  ['app:-bad', false],
  ['a b', false],
])('isImageTag(%s) = %s', (ref, ok) => expect(isImageTag(ref)).toBe(ok));

test('defaultImage lower-cases the repository, or uses the folder name', () => {
  expect(defaultImage({ ...ctx, repository: 'Acme/My_App' })).toBe('acme/my_app');
  expect(defaultImage({ ...ctx, repository: undefined, workspace: '/home/x/Web App' })).toBe('web-app');
});
