import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { getInputs, defaultImage, type InputReader, type Inputs } from '../src/inputs.js';
import { isImageTag } from '../src/docker/reference.js';
import { parseList, type ListOptions } from '../src/lists.js';
import { readContext } from '../src/context.js';
import { ConfigurationError } from '../src/errors.js';

const ctx = {
  ...readContext({}),
  workspace: path.resolve(import.meta.dirname, '..'),
  // A RUNNER_TEMP of its own, never an ancestor of the checkout (a checkout under the system temp folder would
  // otherwise take "../outside" for a folder inside RUNNER_TEMP).
  runnerTemp: fs.mkdtempSync(path.join(os.tmpdir(), 'msa-inputs-runner-temp-')),
  repository: 'Acme/Shop-App',
  sha: 'abc',
};
const reader =
  (values: Record<string, string>): InputReader =>
  (name) =>
    values[name];
const base = { target: 'production-backend', context: 'examples/fullstack' };

describe('parseList reads a list as docker/actions-toolkit getInputList does (the cases of its own tests)', () => {
  const pgp =
    '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF1oU1QBCADTJ3sHMUvsBf2Xp3Ot1wJ0LQkfWmZiHcDoKl+qN7V0\n=Ab12\n-----END PGP PRIVATE KEY BLOCK-----';
  test.each([
    ['a single line', 'bar', {}, ['bar']],
    ['nothing', '', {}, []],
    ['lines', 'bar\nbaz', {}, ['bar', 'baz']],
    ['empty lines', 'bar\n\nbaz', {}, ['bar', 'baz']],
    ['commas', 'bar,baz', {}, ['bar', 'baz']],
    ['a trailing comma', 'bar,baz,', {}, ['bar', 'baz']],
    ['CRLF', 'bar\r\nbaz', {}, ['bar', 'baz']],
    ['CRLF and commas', 'bar\r\nbaz,bat', {}, ['bar', 'baz', 'bat']],
    [
      'lines, commas kept',
      'user/app:cache\ntype=local,src=path/to/dir',
      { ignoreComma: true },
      ['user/app:cache', 'type=local,src=path/to/dir'],
    ],
    ['a # is not a comment by default', 'foo=bar\nbar=qux#baz', {}, ['foo=bar', 'bar=qux#baz']],
    ['comments', 'foo=bar\nbar=qux#baz', { comment: '#' }, ['foo=bar', 'bar=qux']],
    [
      'comments, not inside a line',
      '# ignore this\nfoo=bar\nbar=qux#baz',
      { comment: '#', commentNoInfix: true },
      ['foo=bar', 'bar=qux#baz'],
    ],
    [
      'CRLF, commas kept',
      'user/app:cache\r\ntype=local,src=path/to/dir',
      { ignoreComma: true },
      ['user/app:cache', 'type=local,src=path/to/dir'],
    ],
    [
      'quotes kept as written',
      '"env.no_proxy=localhost,127.0.0.1,.mydomain"',
      { ignoreComma: true, quote: false },
      ['"env.no_proxy=localhost,127.0.0.1,.mydomain"'],
    ],
    [
      'a quoted field alone on its line is still split at its commas',
      'linux/amd64\n"linux/arm64,linux/arm/v7"',
      {},
      ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
    ],
    [
      'a quoted value across lines',
      'GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789\n"MYSECRET=aaaaaaaa\nbbbbbbb\nccccccccc"\nFOO=bar',
      { ignoreComma: true },
      ['GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789', 'MYSECRET=aaaaaaaa\nbbbbbbb\nccccccccc', 'FOO=bar'],
    ],
    [
      'a quoted value across lines, with an empty line',
      'GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789\n"MYSECRET=aaaaaaaa\nbbbbbbb\nccccccccc"\nFOO=bar\n"EMPTYLINE=aaaa\n\nbbbb\nccc"',
      { ignoreComma: true },
      [
        'GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789',
        'MYSECRET=aaaaaaaa\nbbbbbbb\nccccccccc',
        'FOO=bar',
        'EMPTYLINE=aaaa\n\nbbbb\nccc',
      ],
    ],
    [
      'trailing newlines kept when not trimming',
      '"PRIVATE_SSH_KEY=TEST\nTEST\nTEST\n\n\n"\n',
      { ignoreComma: true, trimWhitespace: false },
      ['PRIVATE_SSH_KEY=TEST\nTEST\nTEST\n\n\n'],
    ],
    [
      'an unquoted multi-line value is several entries',
      'GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789\nMYSECRET=aaaaaaaa\nbbbbbbb\nccccccccc\nFOO=bar',
      { ignoreComma: true },
      ['GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789', 'MYSECRET=aaaaaaaa', 'bbbbbbb', 'ccccccccc', 'FOO=bar'],
    ],
    ['a large quoted value', `"GPG_KEY=${pgp}"\nFOO=bar`, { ignoreComma: true }, [`GPG_KEY=${pgp}`, 'FOO=bar']],
    [
      'doubled quotes inside a quoted value',
      'GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789\n"MYSECRET=aaaaaaaa\nbbbb""bbb\nccccccccc"\nFOO=bar',
      { ignoreComma: true },
      ['GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789', 'MYSECRET=aaaaaaaa\nbbbb"bbb\nccccccccc', 'FOO=bar'],
    ],
    [
      'quotes kept inside an entry',
      'type=image,"name=ghcr.io/a/b,docker.io/a/b",push-by-digest=true,push=true',
      { ignoreComma: true, quote: false },
      ['type=image,"name=ghcr.io/a/b,docker.io/a/b",push-by-digest=true,push=true'],
    ],
    ['shell text stays text', 'X=$(rm -rf /); `id`', { ignoreComma: true }, ['X=$(rm -rf /); `id`']],
  ] as const)('%s', (_name, input, options, expected) => {
    expect(parseList(input, options as ListOptions)).toEqual(expected);
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
      parallel: Infinity,
    });
  });

  test.each([
    ['all', Infinity],
    ['1', 1],
    [' 4 ', 4],
    ['64', 64],
  ])('parallel %j is %s targets at once', (value, expected) => {
    expect(getInputs(reader({ ...base, parallel: value }), ctx).parallel).toBe(expected);
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
    [{ tags: 'ok:1,Not Ok' }, 'tags', '"Not Ok" is not a valid tag'],
    [{ tags: 'Acme/Shop:1' }, 'tags', '"Acme/Shop:1" is not a valid image reference'],
    [{ tags: 'type=semver' }, 'tags', 'pattern'],
    [{ flavor: 'latest=maybe' }, 'flavor', 'latest=maybe is not auto, true or false'],
    [{ annotations: 'nolevel' }, 'annotations', 'entry 1'],
    [{ 'build-contexts': 'x' }, 'build-contexts', 'name=source'],
    [{ 'secret-envs': 'token=MISSING_ENV_FOR_TEST' }, 'secret-envs', 'MISSING_ENV_FOR_TEST'],
    [{ network: 'bridge' }, 'network', '"bridge" is not one of default, none, host'],
    [{ allow: 'network.host,root' }, 'allow', 'root'],
    [{ 'add-hosts': 'db' }, 'add-hosts', 'db'],
    [{ 'shm-size': 'lots' }, 'shm-size', 'lots'],
    [{ ulimit: 'files=1' }, 'ulimit', 'files'],
    [{ 'no-cache-filters': 'a b' }, 'no-cache-filters', 'a b'],
    [{ checks: 'strict' }, 'checks', '"strict" is not one of warn, error, false'],
    [{ provenance: 'mode=full' }, 'provenance', 'mode=full'],
    [{ sbom: 'yes' }, 'sbom', 'yes'],
    [{ sign: 'gpg' }, 'sign', '"gpg" is not one of false, key, keyless, auto'],
    [{ sign: 'key' }, 'cosign-key', 'sign: key'],
    [{ sign: 'key', 'cosign-key': 'not a key' }, 'cosign-key', 'PEM'],
    [{ labels: 'novalue' }, 'labels', 'is not key=value'],
    [{ 'build-args': '=x' }, 'build-args', 'is not NAME=value'],
    [{ secrets: 'bad id=1' }, 'secrets', 'is not id=value'],
    [{ secrets: 'a=1', 'secret-files': 'a=package.json' }, 'secrets', 'given twice'],
    [
      { 'secret-files': 'key=/does/not/exist' },
      'secret-files',
      'entry 1 (id "key") does not name a readable regular file',
    ],
    [{ 'secret-files': 'key=examples' }, 'secret-files', 'does not name a readable regular file'],
    [{ ssh: 'bad id' }, 'ssh', 'entry 1 is not default, id, or id=path'],
    [{ ssh: 'default' }, 'ssh', 'uses the SSH agent, but SSH_AUTH_SOCK is not set'],
    [{ ssh: 'key=/no/such/key' }, 'ssh', 'names /no/such/key, which is neither a socket nor a readable file'],
    [{ 'cache-from': 'type=gcs,bucket=x' }, 'cache-from', 'entry 1 has an unknown type "gcs"'],
    [{ 'cache-from': 'type=local,source=/tmp/c' }, 'cache-from', 'has "source", which type=local does not take'],
    [{ 'cache-from': 'type=local,dest=/tmp/c' }, 'cache-from', 'has no src=, which type=local needs'],
    [{ 'cache-to': 'type=local,dest=/tmp/c,mode=maximal' }, 'cache-to', 'has mode= that is not one of min, max'],
    [{ 'cache-to': 'type=gha,ignore-error=yes' }, 'cache-to', 'has ignore-error= that is not true or false'],
    [{ 'cache-to': 'type=registry' }, 'cache-to', 'has no ref=, which type=registry needs'],
    [{ 'cache-from': 'type=inline' }, 'cache-from', 'only cache-to takes'],
    [{ 'cache-from': 'mode=max' }, 'cache-from', 'has no type='],
    [{ 'cache-to': 'type=s3,region=eu-west-1,secret_access_key=SECRET' }, 'cache-to', 'has no bucket='],
    [{ 'trivy-download-url': 'http://mirror.example.com/trivy' }, 'trivy-download-url', 'is not an https URL'],
    [{ 'trivy-download-url': 'ftp://mirror.example.com/trivy' }, 'trivy-download-url', 'is not an https URL'],
    [{ 'trivy-download-url': 'not a url' }, 'trivy-download-url', 'is not a URL'],
    [{ context: 'https://github.com/acme/shop.git#main' }, 'context', 'is a remote context'],
    [{ context: 'git@github.com:acme/shop.git' }, 'context', 'run actions/checkout first'],
    [{ 'trivy-db-repository': 'https://ghcr.io/aquasecurity/trivy-db:2' }, 'trivy-db-repository', 'no scheme'],
    [{ 'trivy-db-repository': 'ghcr.io/aquasecurity/trivy-db' }, 'trivy-db-repository', 'with a tag or digest'],
    [{ 'trivy-db-repository': '--insecure' }, 'trivy-db-repository', 'is not an OCI reference'],
    [{ 'trivy-db-repository': 'ghcr.io/AquaSecurity/trivy-db:2' }, 'trivy-db-repository', 'lower case'],
    [{ 'trivy-java-db-repository': 'ghcr.io/x/java db:1' }, 'trivy-java-db-repository', 'is not an OCI reference'],
    [{ 'test-results-path': '/' }, 'test-results-path', 'must be a folder inside the workspace or RUNNER_TEMP'],
    [
      { 'test-results-path': '/etc/results' },
      'test-results-path',
      'must be a folder inside the workspace or RUNNER_TEMP',
    ],
    [{ 'test-results-path': '../outside' }, 'test-results-path', 'must be a folder inside the workspace'],
    [{ 'test-results-path': '.' }, 'test-results-path', 'not the folder itself'],
    [{ 'test-results-path': 'src' }, 'test-results-path', 'already exists and is not an empty folder'],
    [{ 'test-results-path': 'package.json' }, 'test-results-path', 'already exists and is not an empty folder'],
    [{ 'smoke-env': '"A=line 1\nline 2"' }, 'smoke-env', 'entry 1 (A) has a line break or NUL in its value'],
    [{ 'smoke-env': `A=${'x'.repeat(32 * 1024 + 1)}` }, 'smoke-env', 'is longer than 32768 characters'],
    [{ 'smoke-stable-seconds': '-1' }, 'smoke-stable-seconds', 'out of range; use 0-300'],
    [{ 'smoke-stable-seconds': '301' }, 'smoke-stable-seconds', 'out of range; use 0-300'],
    [{ platforms: 'amd64' }, 'platforms', 'is not os/arch'],
    [{ 'no-cache': 'yes' }, 'no-cache', 'use true or false'],
    [{ smoke: '1' }, 'smoke', 'use true or false'],
    [{ port: '0' }, 'port', 'out of range; use 1-65535'],
    [{ port: '3001.5' }, 'port', 'not a whole number'],
    [{ 'smoke-timeout': 'NaN' }, 'smoke-timeout', 'not a whole number'],
    [{ parallel: '0' }, 'parallel', 'neither all nor a number of targets from 1 to 64'],
    [{ parallel: '65' }, 'parallel', 'neither all nor a number of targets from 1 to 64'],
    [{ parallel: '2.5' }, 'parallel', 'neither all nor a number'],
    [{ parallel: 'max' }, 'parallel', 'neither all nor a number'],
    [{ 'health-status': '99' }, 'health-status', 'out of range; use 100-599'],
    [{ 'health-path': 'health' }, 'health-path', 'starting with "/"'],
    [{ 'smoke-paths': '/ok,no' }, 'smoke-paths', 'starting with "/"'],
    [{ 'smoke-env': '1X=2' }, 'smoke-env', 'is not KEY=VALUE'],
    [{ 'cache-scope': 'a b' }, 'cache-scope', 'may use letters'],
    [{ 'test-target': 'x y' }, 'test-target', 'not a valid stage name'],
  ])('%j is refused naming %s', (override, input, fragment) => {
    const values = { ...base, ...override };
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

  test.each([
    [{ ssh: 'key=package.json' }, 'ssh', ['key=package.json']],
    [
      { 'cache-from': 'user/app:cache\ntype=gha,scope=x,mode=max' },
      'cache-from',
      ['user/app:cache', 'type=gha,scope=x,mode=max'],
    ],
    [
      { 'cache-to': 'type=s3,region=eu-west-1,bucket=b,secret_access_key=SECRET' },
      'cache-to',
      ['type=s3,region=eu-west-1,bucket=b,secret_access_key=SECRET'],
    ],
    [{ 'trivy-download-url': 'http://127.0.0.1:8080/trivy/' }, 'trivy-download-url', 'http://127.0.0.1:8080/trivy'],
    [{ 'trivy-download-url': 'http://[::1]:8080/trivy' }, 'trivy-download-url', 'http://[::1]:8080/trivy'],
    [
      { 'trivy-db-repository': 'registry.corp:5000/mirrors/trivy-db:2\nghcr.io/aquasecurity/trivy-db:2' },
      'trivy-db-repository',
      ['registry.corp:5000/mirrors/trivy-db:2', 'ghcr.io/aquasecurity/trivy-db:2'],
    ],
    [
      { 'trivy-java-db-repository': `localhost:5000/trivy-java-db@sha256:${'a'.repeat(64)}` },
      'trivy-java-db-repository',
      [`localhost:5000/trivy-java-db@sha256:${'a'.repeat(64)}`],
    ],
    [{ 'trivy-db-repository': '' }, 'trivy-db-repository', []],
    [{ 'test-results-path': 'build/new-results' }, 'test-results-path', 'build/new-results'],
    [{ 'smoke-env': `A=${'x'.repeat(32 * 1024)}` }, 'smoke-env', [{ key: 'A', value: 'x'.repeat(32 * 1024) }]],
    [{ 'smoke-stable-seconds': '0' }, 'smoke-stable-seconds', 0],
    [{ target: '', targets: 'a', tags: 'x:1' }, 'tags', [{ kind: 'reference', text: 'x:1' }]],
    [{ network: 'none' }, 'network', 'none'],
    [{ 'add-hosts': 'db:10.0.0.2\ncache=::1' }, 'add-hosts', ['db=10.0.0.2', 'cache=::1']],
    [{ ulimit: 'nofile=1024:2048' }, 'ulimit', ['nofile=1024:2048']],
    [{ allow: 'network.host' }, 'allow', ['network.host']],
    [{ 'shm-size': '2g' }, 'shm-size', '2g'],
    [{ checks: 'error' }, 'checks', 'error'],
    [{ provenance: 'false' }, 'provenance', { kind: 'off' }],
    [{ provenance: 'mode=max' }, 'provenance', { kind: 'on', attrs: 'mode=max' }],
    [{ sbom: 'false' }, 'sbom', false],
    [{ 'secret-envs': 'token=HOME' }, 'secret-envs', [{ id: 'token', env: 'HOME' }]],
  ])('%j is accepted: %s = %j', (override, input, value) => {
    expect(getInputs(reader({ ...base, ...override }), ctx)[input as keyof Inputs]).toEqual(value);
  });

  test.each([
    ['bad id=hunter2', 'entry 1 is not id=value'],
    ['key=-----BEGIN KEY-----\nMIIEhunter2\n-----END KEY-----', 'entry 2 is not id=value'],
    ['ok=1\n=hunter2', 'entry 2 is not id=value'],
  ])('no part of a secret value appears in the error about its entry (%#)', (secrets, message) => {
    let caught: unknown;
    try {
      getInputs(reader({ ...base, secrets }), ctx);
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).toContain(message);
    for (const part of ['hunter2', 'BEGIN', 'MIIE', 'END KEY']) expect((caught as Error).message).not.toContain(part);
  });

  test('a quoted multi-line secret is one entry', () => {
    const inputs = getInputs(reader({ ...base, secrets: '"key=-----BEGIN KEY-----\nMIIE\n-----END KEY-----"' }), ctx);
    expect(inputs.secrets).toEqual([{ id: 'key', value: '-----BEGIN KEY-----\nMIIE\n-----END KEY-----' }]);
  });

  test('a secret-file that does not exist is named by position and id, never by its path', () => {
    expect(() => getInputs(reader({ ...base, 'secret-files': 'a=package.json\nb=/private/x' }), ctx)).toThrow(
      'Input "secret-files": entry 2 (id "b") does not name a readable regular file',
    );
  });

  test('ssh default needs a live agent socket', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-ssh-'));
    const sock = path.join(dir, 'agent.sock');
    const server = net.createServer().listen(sock);
    try {
      expect(getInputs(reader({ ...base, ssh: 'default' }), { ...ctx, sshAuthSock: sock }).ssh).toEqual(['default']);
      expect(() =>
        getInputs(reader({ ...base, ssh: 'default' }), { ...ctx, sshAuthSock: path.join(dir, 'x') }),
      ).toThrow('SSH_AUTH_SOCK is not a socket');
    } finally {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('paths in the workspace that are links leading out of it are refused (a pull request controls the checkout)', () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'msa-ws-'));
    fs.mkdirSync(path.join(workspace, 'app'));
    fs.writeFileSync(path.join(workspace, 'app', 'Dockerfile'), 'FROM scratch AS x\n');
    fs.symlinkSync('/etc/passwd', path.join(workspace, 'app', 'passwd'));
    fs.symlinkSync('/etc/hostname', path.join(workspace, 'Dockerfile.evil'));
    fs.symlinkSync('/etc', path.join(workspace, 'results-link'));
    const wctx = { ...ctx, workspace, repository: 'a/b' };
    const values = { target: 'x', context: 'app' };
    try {
      expect(() => getInputs(reader({ ...values, 'secret-files': 'pw=app/passwd' }), wctx)).toThrow(
        'Input "secret-files": entry 1 (id "pw") is a link inside the workspace that leads out of it',
      );
      expect(() => getInputs(reader({ ...values, file: 'Dockerfile.evil' }), wctx)).toThrow(
        'Input "file": "Dockerfile.evil" is a link inside the workspace that leads out of it',
      );
      expect(() => getInputs(reader({ ...values, trivyignore: 'app/passwd' }), wctx)).toThrow('Input "trivyignore"');
      expect(() => getInputs(reader({ ...values, 'test-results-path': 'results-link/x' }), wctx)).toThrow(
        'Input "test-results-path"',
      );
      // Named outside the workspace: the workflow's own choice.
      expect(getInputs(reader({ ...values, 'secret-files': 'h=/etc/hostname' }), wctx)['secret-files']).toHaveLength(1);
    } finally {
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  });

  test('GITHUB_SHA that is not a commit id is refused before an upload, naming the variable', () => {
    const onGitHub = { ...ctx, onGitHub: true, sha: 'main' };
    let caught: unknown;
    try {
      getInputs(reader(base), onGitHub);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    expect((caught as Error).message).toBe(
      'Environment variable "GITHUB_SHA": "main" is not a commit id (40 hexadecimal digits); code scanning needs the commit that was analysed',
    );
    expect(() => getInputs(reader({ ...base, 'upload-sarif': 'false' }), onGitHub)).not.toThrow();
    expect(() =>
      getInputs(reader(base), { ...onGitHub, sha: '0123456789abcdef0123456789abcdef01234567' }),
    ).not.toThrow();
  });

  test('several targets may have custom tags (each gets its own, decided when the targets are named)', () => {
    expect(getInputs(reader({ ...base, target: '', targets: 'a,b', tags: 'x:1' }), ctx).tags).toEqual([
      { kind: 'reference', text: 'x:1' },
    ]);
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
