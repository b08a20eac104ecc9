import { describe, expect, test } from '@jest/globals';
import type { RefContext } from '../src/meta/event.js';
import { nameTarget, parseFlavor, parseTagEntries, TagRuleError } from '../src/meta/tags.js';
import { formatDate } from '../src/meta/date.js';
import { render } from '../src/meta/template.js';

const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37';
const PR_HEAD = 'a1b2c3d4e5f60718293a4b5c6d7e8f9011223344';

/** The runs metadata-action's README documents, as (event, ref) with what its payload gives. */
function run(eventName: string, ref: string, extra: Partial<RefContext> = {}): RefContext {
  return {
    eventName,
    ref,
    sha: SHA,
    defaultBranch: 'master',
    commitDate: new Date('2020-01-10T00:30:00Z'),
    date: new Date('2020-01-10T00:30:00Z'),
    shortShaLength: 7,
    repository: { name: 'app', url: 'https://github.com/name/app' },
    ...extra,
  };
}

const tags = (
  ref: RefContext,
  rules: string[],
  flavor: string[] = [],
  options: { image?: string; target?: string; several?: boolean } = {},
): string[] =>
  nameTarget({
    image: options.image ?? 'name/app',
    target: options.target ?? 'backend',
    severalTargets: options.several ?? false,
    entries: parseTagEntries(rules),
    flavor: parseFlavor(flavor),
    ref,
  }).tags.map((t) => t.replace(/^name\/app:/, ''));

// metadata-action's default rules (its `tags` input left empty), which a migration writes out.
const DEFAULTS = ['type=schedule', 'type=ref,event=branch', 'type=ref,event=tag', 'type=ref,event=pr'];
const SEMVER = [
  'type=ref,event=branch',
  'type=ref,event=pr',
  'type=semver,pattern={{version}}',
  'type=semver,pattern={{major}}.{{minor}}',
];
const PR = run('pull_request', 'refs/pull/2/merge', { sha: PR_HEAD });

describe('tags from git refs: the (event, ref, rules, flavor) -> tags table of metadata-action', () => {
  test.each([
    // README "Basic": the default rules.
    ['pull_request', PR, DEFAULTS, [], ['pr-2']],
    ['push master', run('push', 'refs/heads/master'), DEFAULTS, [], ['master']],
    ['push releases/v1', run('push', 'refs/heads/releases/v1'), DEFAULTS, [], ['releases-v1']],
    ['push tag v1.2.3', run('push', 'refs/tags/v1.2.3'), DEFAULTS, [], ['v1.2.3', 'latest']],
    ['push tag v2.0.8-beta.67', run('push', 'refs/tags/v2.0.8-beta.67'), DEFAULTS, [], ['v2.0.8-beta.67', 'latest']],
    ['workflow_dispatch master', run('workflow_dispatch', 'refs/heads/master'), DEFAULTS, [], ['master']],
    // README "Semver".
    ['semver: pull_request', PR, SEMVER, [], ['pr-2']],
    ['semver: push master', run('push', 'refs/heads/master'), SEMVER, [], ['master']],
    ['semver: push releases/v1', run('push', 'refs/heads/releases/v1'), SEMVER, [], ['releases-v1']],
    ['semver: tag v1.2.3', run('push', 'refs/tags/v1.2.3'), SEMVER, [], ['1.2.3', '1.2', 'latest']],
    ['semver: pre-release has no latest', run('push', 'refs/tags/v2.0.8-beta.67'), SEMVER, [], ['2.0.8-beta.67']],
    // type=ref's table.
    ['ref: my/branch sanitised', run('push', 'refs/heads/my/branch'), ['type=ref,event=branch'], [], ['my-branch']],
    ['ref: feature/x', run('push', 'refs/heads/feature/x'), ['type=ref,event=branch'], [], ['feature-x']],
    ['ref: a tag is not a branch', run('push', 'refs/tags/v1.2.3'), ['type=ref,event=branch'], [], []],
    // type=sha: sha- and 7 characters; long; on a pull request the head commit, not the merge commit.
    ['sha short', run('push', 'refs/heads/master'), ['type=sha'], [], ['sha-860c190']],
    ['sha long', run('push', 'refs/heads/master'), ['type=sha,format=long'], [], [`sha-${SHA}`]],
    ['sha prefix', run('push', 'refs/heads/master'), ['type=sha,prefix='], [], ['860c190']],
    ['sha on a pull request', PR, ['type=ref,event=pr', 'type=sha'], [], ['pr-2', 'sha-a1b2c3d']],
    // type=edge: the default branch only (or the one named).
    ['edge on the default branch', run('push', 'refs/heads/master'), ['type=edge'], [], ['edge']],
    ['edge elsewhere', run('push', 'refs/heads/dev'), ['type=edge'], [], []],
    ['edge,branch=dev', run('push', 'refs/heads/dev'), ['type=edge,branch=dev'], [], ['edge']],
    // type=raw, and the bare-word form of it.
    ['raw', run('push', 'refs/heads/master'), ['type=raw,value=foo', 'bar'], [], ['foo', 'bar']],
    [
      'raw with expressions',
      run('push', 'refs/heads/master'),
      ['type=raw,value=mytag-{{branch}}-{{sha}}'],
      [],
      ['mytag-master-860c190'],
    ],
    [
      'raw latest on the default branch',
      run('push', 'refs/heads/master'),
      ['type=raw,value=latest,enable={{is_default_branch}}'],
      [],
      ['latest'],
    ],
    [
      'raw latest elsewhere',
      run('push', 'refs/heads/dev'),
      ['type=raw,value=latest,enable={{is_default_branch}}'],
      [],
      [],
    ],
    ['disabled', run('push', 'refs/heads/master'), ['type=ref,event=branch,enable=false'], [], []],
    // type=schedule, only on schedule events.
    ['schedule nightly', run('schedule', 'refs/heads/master'), ['type=schedule'], [], ['nightly']],
    [
      'schedule date',
      run('schedule', 'refs/heads/master'),
      ["type=schedule,pattern={{date 'YYYYMMDD'}}"],
      [],
      ['20200110'],
    ],
    [
      'schedule tz',
      run('schedule', 'refs/heads/master'),
      ["type=schedule,pattern={{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}"],
      [],
      ['20200110-093000'],
    ],
    ['schedule on push', run('push', 'refs/heads/master'), ['type=schedule'], [], []],
    // semver's table.
    ['semver {{raw}}', run('push', 'refs/tags/v1.2.3'), ['type=semver,pattern={{raw}}'], [], ['v1.2.3', 'latest']],
    ['semver v{{major}}', run('push', 'refs/tags/v1.2.3'), ['type=semver,pattern=v{{major}}'], [], ['v1', 'latest']],
    [
      'semver {{minor}} {{patch}}',
      run('push', 'refs/tags/v1.2.3'),
      ['type=semver,pattern={{minor}}', 'type=semver,pattern={{patch}}'],
      [],
      ['2', '3', 'latest'],
    ],
    [
      'semver match',
      run('push', 'refs/tags/p1/v1.2.3'),
      ['type=semver,pattern={{version}},match=v(\\d.\\d.\\d)$'],
      [],
      ['1.2.3', 'latest'],
    ],
    [
      'semver value',
      run('push', 'refs/heads/master'),
      ['type=semver,pattern={{version}},value=v1.0.0'],
      [],
      ['1.0.0', 'latest'],
    ],
    [
      'semver pre-release {{major}}',
      run('push', 'refs/tags/v2.0.8-beta.67'),
      ['type=semver,pattern={{major}}', 'type=semver,pattern={{major}}.{{minor}}'],
      [],
      ['2.0.8-beta.67'],
    ],
    [
      'semver pre-release {{raw}}',
      run('push', 'refs/tags/v2.0.8-beta.67'),
      ['type=semver,pattern={{raw}}'],
      [],
      ['v2.0.8-beta.67'],
    ],
    ['semver on a branch', run('push', 'refs/heads/master'), ['type=semver,pattern={{version}}'], [], []],
    [
      'semver major zero kept out',
      run('push', 'refs/tags/v0.1.2'),
      [
        'type=semver,pattern={{version}}',
        'type=semver,pattern={{major}}.{{minor}}',
        'type=semver,pattern={{major}},enable=false',
      ],
      [],
      ['0.1.2', '0.1', 'latest'],
    ],
    // type=match's table.
    ['match \\d.\\d.\\d', run('push', 'refs/tags/v1.2.3'), ['type=match,pattern=\\d.\\d.\\d'], [], ['1.2.3', 'latest']],
    [
      'match group',
      run('push', 'refs/tags/v2.0.8-beta.67'),
      ['type=match,pattern=v(.*),group=1'],
      [],
      ['2.0.8-beta.67', 'latest'],
    ],
    [
      'match 20200110-RC2',
      run('push', 'refs/tags/20200110-RC2'),
      ['type=match,pattern=\\d+'],
      [],
      ['20200110', 'latest'],
    ],
    // priority: the highest first; it decides latest under auto.
    [
      'priority',
      run('push', 'refs/tags/v1.2.3'),
      ['type=sha', 'type=ref,event=tag'],
      [],
      ['v1.2.3', 'sha-860c190', 'latest'],
    ],
    [
      'sha first by priority: no latest',
      run('push', 'refs/tags/v1.2.3'),
      ['type=sha,priority=2000', 'type=ref,event=tag'],
      [],
      ['sha-860c190', 'v1.2.3'],
    ],
    // flavor.
    ['latest=false', run('push', 'refs/tags/v1.2.3'), SEMVER, ['latest=false'], ['1.2.3', '1.2']],
    [
      'latest=true on a branch',
      run('push', 'refs/heads/master'),
      ['type=ref,event=branch'],
      ['latest=true'],
      ['master', 'latest'],
    ],
    [
      'flavor prefix and suffix',
      run('push', 'refs/tags/v1.2.3'),
      ['type=semver,pattern={{version}}'],
      ['prefix=app-', 'suffix=-slim'],
      ['app-1.2.3-slim', 'latest'],
    ],
    [
      'flavor suffix onlatest',
      run('push', 'refs/tags/v1.2.3'),
      ['type=semver,pattern={{version}}'],
      ['suffix=-slim,onlatest=true'],
      ['1.2.3-slim', 'latest-slim'],
    ],
    [
      'a rule prefix beats the flavor',
      run('push', 'refs/heads/master'),
      ['type=sha'],
      ['prefix=app-'],
      ['sha-860c190'],
    ],
    // full references beside the rules (build-push-action's form).
    [
      'full references',
      run('push', 'refs/heads/master'),
      ['type=ref,event=branch', 'ghcr.io/acme/app:stable,ghcr.io/acme/app:{{sha}}'],
      [],
      ['master', 'ghcr.io/acme/app:stable', 'ghcr.io/acme/app:860c190'],
    ],
    [
      'a reference without a tag is latest',
      run('push', 'refs/heads/master'),
      ['ghcr.io/acme/app'],
      [],
      ['ghcr.io/acme/app:latest'],
    ],
  ] as [string, RefContext, string[], string[], string[]][])('%s', (_name, ref, rules, flavor, expected) => {
    expect(tags(ref, rules, flavor)).toEqual(expected);
  });
});

describe('{{target}} and several targets', () => {
  const master = run('push', 'refs/heads/master');
  const tag = run('push', 'refs/tags/v1.2.3');

  test('one target: tags as written', () => {
    expect(tags(tag, SEMVER)).toEqual(['1.2.3', '1.2', 'latest']);
  });

  test('several targets, no {{target}} anywhere: -<target> keeps them apart, latest included', () => {
    expect(tags(tag, SEMVER, [], { several: true, target: 'frontend' })).toEqual([
      '1.2.3-frontend',
      '1.2-frontend',
      'latest-frontend',
    ]);
  });

  test('{{target}} in the image: tags as written, one repository per target', () => {
    expect(tags(tag, SEMVER, [], { several: true, target: 'frontend', image: 'ghcr.io/acme/{{target}}' })).toEqual([
      'ghcr.io/acme/frontend:1.2.3',
      'ghcr.io/acme/frontend:1.2',
      'ghcr.io/acme/frontend:latest',
    ]);
  });

  test('{{target}} in a rule value or a reference: that tag as written, the others suffixed', () => {
    expect(
      tags(master, ['type=raw,value={{target}}-{{branch}}', 'type=sha', 'ghcr.io/acme/{{target}}:edge'], [], {
        several: true,
        target: 'backend',
      }),
    ).toEqual(['backend-master', 'sha-860c190-backend', 'ghcr.io/acme/backend:edge']);
  });

  test('{{target}} in the flavor: every tag as the flavor writes it', () => {
    expect(
      tags(tag, ['type=semver,pattern={{version}}'], ['suffix=-{{target}},onlatest=true'], {
        several: true,
        target: 'api',
      }),
    ).toEqual(['1.2.3-api', 'latest-api']);
  });
});

describe('rules refused by name', () => {
  test.each([
    ['type=semver', /type=semver needs pattern=/],
    ['type=ref', /type=ref needs event=branch, event=tag or event=pr/],
    ['type=ref,event=push', /type=ref needs event=branch/],
    ['type=sha,format=medium', /format=medium is not short or long/],
    ['type=pep440,pattern={{version}}', /type=pep440 is not supported/],
    ['type=nightly', /type=nightly is unknown; use one of schedule, semver, match, edge, ref, raw, sha/],
    ['type=raw,value=x,colour=red', /type=raw has no attribute colour=/],
    ['type=raw,value=x,priority=high', /priority=high is not a number/],
    ['type=match,pattern=v(.*),group=one', /group=one is not a group number/],
  ])('%s', (rule, message) => {
    expect(() => parseTagEntries([rule])).toThrow(TagRuleError);
    expect(() => parseTagEntries([rule])).toThrow(message);
  });

  test.each([
    [['type=raw,value={{nope}}'], /"\{\{nope\}\}" is unknown; use \{\{branch\}\}/],
    [['type=raw,value=x,enable=maybe'], /enable= gives "maybe", not true or false/],
    [['type=raw,value=-x'], /gives "name\/app:-x", which Docker refuses/],
    [["type=schedule,pattern={{date 'YYYY' tz='Mars/Olympus'}}"], /tz='Mars\/Olympus' is not a time zone/],
  ])('%s at evaluation', (rules, message) => {
    expect(() => tags(run('schedule', 'refs/heads/master'), rules)).toThrow(message);
  });

  test.each([
    [['latest=maybe'], /latest=maybe is not auto, true or false/],
    [['colour=red'], /is not latest=, prefix= or suffix=/],
    [['onlatest=true'], /onlatest= follows a prefix= or a suffix=/],
  ])('flavor %s', (flavor, message) => {
    expect(() => parseFlavor(flavor)).toThrow(message);
  });

  test('a semver rule on a tag that is not semver gives nothing and says why', () => {
    const naming = nameTarget({
      image: 'name/app',
      target: 't',
      severalTargets: false,
      entries: parseTagEntries(['type=semver,pattern={{version}}', 'type=sha']),
      flavor: parseFlavor([]),
      ref: run('push', 'refs/tags/release1'),
    });
    expect(naming.tags).toEqual(['name/app:sha-860c190']);
    expect(naming.warnings).toEqual([
      '"type=semver,pattern={{version}}": release1 is not a semantic version (https://semver.org), so it gives no tag',
    ]);
  });
});

describe('templates and dates', () => {
  test('the moment formats metadata-action documents', () => {
    const date = new Date('2020-01-10T15:25:50.123Z');
    expect(formatDate(date, 'YYYYMMDD')).toBe('20200110');
    expect(formatDate(date, 'dddd, MMMM Do YYYY, h:mm:ss a')).toBe('Friday, January 10th 2020, 3:25:50 pm');
    expect(formatDate(date, 'YYYYMMDD-HHmmss', 'Asia/Tokyo')).toBe('20200111-002550');
    expect(formatDate(date, 'YYYY-MM-DDTHH:mm:ss.SSS[Z]')).toBe('2020-01-10T15:25:50.123Z');
    expect(formatDate(date, 'Z ZZ', 'Asia/Kolkata')).toBe('+05:30 +0530');
  });

  test('only known expressions, with arguments only where they take them', () => {
    expect(render('a-{{ target }}-b', { target: 'x' })).toBe('a-x-b');
    expect(() => render('{{target 1}}', { target: 'x' })).toThrow(/cannot read "1"/);
    expect(() => render("{{target 'a'}}", { target: 'x' })).toThrow(/takes no arguments/);
    expect(() => render('{{#if x}}', { target: 'x' })).toThrow(/is not an expression/);
  });
});
