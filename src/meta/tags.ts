import { parse } from 'csv-parse/sync';
import * as semver from 'semver';
import { isImageTag, splitReference, TAG_RE } from '../docker/reference.js';
import { dateHelper } from './date.js';
import type { RefContext } from './event.js';
import { literalText, mentions, render, TemplateError, type TemplateValue } from './template.js';

/**
 * Tags from git refs, with docker/metadata-action's documented rules and semantics: `type=schedule|semver|match|
 * edge|ref|raw|sha` lines with `enable=`, `priority=`, `prefix=`, `suffix=`, the `flavor` input, `latest` under
 * `auto` only from a release (a tag, a semver release, a match), branch names sanitised, `pr-<n>` on pull requests.
 * Beside the rules, `tags` takes full image references (`ghcr.io/owner/app:1.2`, as docker/build-push-action does),
 * and `{{target}}` names the target being built.
 */

export class TagRuleError extends Error {
  override readonly name = 'TagRuleError';
}

export type RuleType = 'schedule' | 'semver' | 'match' | 'edge' | 'ref' | 'raw' | 'sha';

const PRIORITIES: Record<RuleType, number> = {
  schedule: 1000,
  semver: 900,
  match: 800,
  edge: 700,
  ref: 600,
  raw: 200,
  sha: 100,
};

const COMMON = ['type', 'enable', 'priority', 'prefix', 'suffix'];
const ATTRIBUTES: Record<RuleType, string[]> = {
  schedule: ['pattern'],
  semver: ['pattern', 'value', 'match'],
  match: ['pattern', 'group', 'value'],
  edge: ['branch'],
  ref: ['event'],
  raw: ['value'],
  sha: ['format'],
};

export interface TagRule {
  type: RuleType;
  attrs: Record<string, string>;
  priority: number;
  /** The line as written, to name it in a message. */
  text: string;
}

/** One entry of `tags`: a rule, or a full image reference (name:tag) taken as written. */
export type TagEntry = { kind: 'rule'; rule: TagRule } | { kind: 'reference'; text: string };

export interface Flavor {
  latest: 'auto' | 'true' | 'false';
  prefix: string;
  prefixLatest: boolean;
  suffix: string;
  suffixLatest: boolean;
}

export const DEFAULT_FLAVOR: Flavor = {
  latest: 'auto',
  prefix: '',
  prefixLatest: false,
  suffix: '',
  suffixLatest: false,
};

/** A line's CSV fields (a quoted field keeps its commas), each split at its first `=`. */
function fields(line: string): { key?: string; value: string }[] {
  let records: string[][];
  try {
    records = parse(line, { relaxColumnCount: true, skipEmptyLines: true, relaxQuotes: true }) as string[][];
  } catch (error: unknown) {
    throw new TagRuleError(`"${line}" cannot be read (${(error as Error).message})`);
  }
  return (records[0] ?? []).map((field) => {
    const at = field.indexOf('=');
    if (at <= 0) return { value: field.trim() };
    return { key: field.slice(0, at).trim().toLowerCase(), value: field.slice(at + 1).trim() };
  });
}

/** Parse one rule line (`type=...,key=value,...`); a line without `type=` is `type=raw`. */
export function parseRule(line: string): TagRule {
  const attrs: Record<string, string> = {};
  let type: RuleType = 'raw';
  for (const { key, value } of fields(line)) {
    if (key === undefined) {
      attrs.value = value;
    } else if (key === 'type') {
      if (value === 'pep440') {
        throw new TagRuleError(`"${line}": type=pep440 is not supported; use type=semver or type=match`);
      }
      if (!Object.hasOwn(PRIORITIES, value)) {
        throw new TagRuleError(`"${line}": type=${value} is unknown; use one of ${Object.keys(PRIORITIES).join(', ')}`);
      }
      type = value as RuleType;
    } else {
      attrs[key] = value;
    }
  }
  for (const key of Object.keys(attrs)) {
    if (!COMMON.includes(key) && !ATTRIBUTES[type].includes(key)) {
      throw new TagRuleError(
        `"${line}": type=${type} has no attribute ${key}= (it takes ${[...COMMON.slice(1), ...ATTRIBUTES[type]].join(', ')})`,
      );
    }
  }
  switch (type) {
    case 'schedule':
      attrs.pattern ??= 'nightly';
      break;
    case 'semver':
      if (!attrs.pattern) throw new TagRuleError(`"${line}": type=semver needs pattern=, e.g. pattern={{version}}`);
      attrs.value ??= '';
      attrs.match ??= '';
      break;
    case 'match':
      if (!attrs.pattern) throw new TagRuleError(`"${line}": type=match needs pattern=, e.g. pattern=v(.*)`);
      attrs.group ??= '0';
      if (!/^\d+$/.test(attrs.group)) throw new TagRuleError(`"${line}": group=${attrs.group} is not a group number`);
      attrs.value ??= '';
      break;
    case 'edge':
      attrs.branch ??= '';
      break;
    case 'ref':
      if (!['branch', 'tag', 'pr'].includes(attrs.event ?? '')) {
        throw new TagRuleError(`"${line}": type=ref needs event=branch, event=tag or event=pr`);
      }
      if (attrs.event === 'pr') attrs.prefix ??= 'pr-';
      break;
    case 'raw':
      if (attrs.value === undefined) throw new TagRuleError(`"${line}": type=raw needs value=`);
      break;
    case 'sha':
      attrs.prefix ??= 'sha-';
      attrs.format ??= 'short';
      if (!['short', 'long'].includes(attrs.format)) {
        throw new TagRuleError(`"${line}": format=${attrs.format} is not short or long`);
      }
      break;
  }
  attrs.enable ??= 'true';
  let priority = PRIORITIES[type];
  if (attrs.priority !== undefined) {
    if (!/^-?\d+$/.test(attrs.priority))
      throw new TagRuleError(`"${line}": priority=${attrs.priority} is not a number`);
    priority = Number(attrs.priority);
  }
  return { type, attrs, priority, text: line };
}

/**
 * Read the entries of `tags`. A line with a `type=` field is a rule; a line without one is split at its commas (as
 * build-push-action reads tags) and each part is a full image reference when it has a `/` or a `:` outside its
 * expressions (`ghcr.io/owner/app:1.2`, `app:{{sha}}`), else a tag of `image` (`type=raw`, as metadata-action reads
 * a bare word).
 */
export function parseTagEntries(entries: readonly string[]): TagEntry[] {
  const result: TagEntry[] = [];
  for (const entry of entries) {
    if (fields(entry).some((f) => f.key === 'type')) {
      result.push({ kind: 'rule', rule: parseRule(entry) });
      continue;
    }
    for (const part of entry.split(',').map((p) => p.trim())) {
      if (!part) continue;
      const reference = /[/:]/.test(literalText(part));
      // Without a template, a wrong name is refused now, before any work.
      if (!part.includes('{{')) {
        const valid = reference ? isImageTag(part) : TAG_RE.test(part);
        if (!valid) {
          throw new TagRuleError(
            `"${part}" is not a valid ${reference ? 'image reference (name[:tag], lower-case name)' : 'tag (letters, digits, _ . -, at most 128)'}`,
          );
        }
      }
      if (reference) result.push({ kind: 'reference', text: part });
      else result.push({ kind: 'rule', rule: parseRule(`type=raw,value=${part}`) });
    }
  }
  return result;
}

/** Parse `flavor` lines: `latest=auto|true|false`, `prefix=<text>[,onlatest=true]`, `suffix=<text>[,onlatest=true]`. */
export function parseFlavor(entries: readonly string[]): Flavor {
  const flavor: Flavor = { ...DEFAULT_FLAVOR };
  for (const entry of entries) {
    let onLatestFor: 'prefix' | 'suffix' | undefined;
    for (const { key, value } of fields(entry)) {
      switch (key) {
        case 'latest':
          if (value !== 'auto' && value !== 'true' && value !== 'false') {
            throw new TagRuleError(`"${entry}": latest=${value} is not auto, true or false`);
          }
          flavor.latest = value;
          break;
        case 'prefix':
        case 'suffix':
          flavor[key] = value;
          onLatestFor = key;
          break;
        case 'onlatest':
          if (value !== 'true' && value !== 'false') {
            throw new TagRuleError(`"${entry}": onlatest=${value} is not true or false`);
          }
          if (!onLatestFor) throw new TagRuleError(`"${entry}": onlatest= follows a prefix= or a suffix=`);
          flavor[onLatestFor === 'prefix' ? 'prefixLatest' : 'suffixLatest'] = value === 'true';
          break;
        default:
          throw new TagRuleError(`"${entry}" is not latest=, prefix= or suffix=`);
      }
    }
  }
  return flavor;
}

export interface NamingRequest {
  /** `image`, which may name `{{target}}`. */
  image: string;
  target: string;
  /** Several targets in this run: a tag that does not name `{{target}}` (nor does the image) gets `-<target>`. */
  severalTargets: boolean;
  entries: readonly TagEntry[];
  flavor: Flavor;
  ref: RefContext;
}

export interface Naming {
  /** Full references, the first one the gates run on. */
  tags: string[];
  /** The first tag a rule gave (metadata-action's `version`), for the `org.opencontainers.image.version` label. */
  version?: string;
  /** Rules that gave nothing for a reason worth saying (a tag that is not semver, a pattern that did not match). */
  warnings: string[];
}

/** A tag value as metadata-action sanitises it: every run of characters a tag cannot hold becomes `-`. */
export function sanitizeTag(value: string): string {
  return value.replace(/[^a-zA-Z0-9._-]+/g, '-');
}

function shortSha(ref: RefContext): string {
  return ref.sha.slice(0, ref.shortShaLength);
}

const refName = (ref: string, prefix: string): string => (ref.startsWith(prefix) ? ref.slice(prefix.length) : '');

/** The expressions of `value`, `prefix`, `suffix`, `enable`, `image` and full references. */
function globals(ref: RefContext, target: string): Record<string, TemplateValue> {
  const branch = refName(ref.ref, 'refs/heads/');
  const isDefault = (): boolean =>
    (branch !== '' && branch === ref.defaultBranch) ||
    (branch !== '' && /create|discussion|issues|schedule/.test(ref.eventName));
  return {
    branch,
    tag: refName(ref.ref, 'refs/tags/'),
    sha: shortSha(ref),
    base_ref: ref.baseRef ?? '',
    is_default_branch: String(isDefault()),
    is_not_default_branch: String(!isDefault()),
    date: dateHelper(ref.date),
    commit_date: dateHelper(ref.commitDate),
    target,
  };
}

interface Version {
  main?: string;
  partial: string[];
  latest?: boolean;
}

/**
 * The tags of one target. Rules run in priority order (highest first); the first value becomes the version and
 * decides `latest` under `latest=auto`; later values are added once each. Throws TagRuleError for a rule that
 * cannot be evaluated or a tag Docker would refuse.
 */
export function nameTarget(request: NamingRequest): Naming {
  const { ref, flavor, target } = request;
  const values = globals(ref, target);
  const expand = (template: string, what: string): string => {
    try {
      return render(template, values);
    } catch (error: unknown) {
      if (error instanceof TemplateError) throw new TagRuleError(`${what}: ${error.message}`);
      throw error;
    }
  };
  const imageNamesTarget = mentions(request.image, 'target');
  const image = expand(request.image, 'image');
  const flavorNamesTarget = mentions(flavor.prefix, 'target') || mentions(flavor.suffix, 'target');
  const targetSuffix = (text: string): string =>
    request.severalTargets && !imageNamesTarget && !flavorNamesTarget && !mentions(text, 'target') ? `-${target}` : '';

  const version: Version = { partial: [] };
  const warnings: string[] = [];
  const add = (rule: TagRule, raw: string, latest: boolean): void => {
    if (raw === '') return;
    let value = raw;
    const prefix = rule.attrs.prefix ?? flavor.prefix;
    const suffix = rule.attrs.suffix ?? flavor.suffix;
    value = `${expand(prefix, rule.text)}${value}${expand(suffix, rule.text)}${targetSuffix(rule.text)}`;
    value = sanitizeTag(value);
    if (version.main === undefined) version.main = value;
    else if (value !== version.main && !version.partial.includes(value)) version.partial.push(value);
    version.latest ??= flavor.latest === 'auto' ? latest : flavor.latest === 'true';
  };

  const rules = request.entries
    .filter((e): e is { kind: 'rule'; rule: TagRule } => e.kind === 'rule')
    .map((e) => e.rule)
    // A stable sort: rules of one priority keep the order they were written in.
    .sort((a, b) => b.priority - a.priority);
  for (const rule of rules) {
    const enabled = expand(rule.attrs.enable, rule.text);
    if (enabled !== 'true' && enabled !== 'false') {
      throw new TagRuleError(`"${rule.text}": enable= gives "${enabled}", not true or false`);
    }
    if (enabled === 'false') continue;
    evaluate(rule, ref, values, expand, add, (message) => warnings.push(message));
  }

  const tags: string[] = [];
  if (version.main !== undefined) {
    for (const value of [version.main, ...version.partial]) tags.push(`${image}:${value}`);
    if (version.latest) {
      const latest = `${flavor.prefixLatest ? expand(flavor.prefix, 'flavor') : ''}latest${
        flavor.suffixLatest ? expand(flavor.suffix, 'flavor') : ''
      }${request.severalTargets && !imageNamesTarget && !flavorNamesTarget ? `-${target}` : ''}`;
      tags.push(`${image}:${sanitizeTag(latest)}`);
    }
  }
  for (const entry of request.entries) {
    if (entry.kind !== 'reference') continue;
    const reference = expand(entry.text, `"${entry.text}"`);
    const { name, tag } = splitReference(reference);
    const full = `${name}:${tag ?? 'latest'}${targetSuffix(entry.text)}`;
    if (!tags.includes(full)) tags.push(full);
  }
  for (const tag of tags) {
    if (!isImageTag(tag)) {
      throw new TagRuleError(
        `gives "${tag}", which Docker refuses (a tag is at most 128 letters, digits, "_", "." or "-", not starting with "." or "-")`,
      );
    }
  }
  return { tags, version: version.main, warnings };
}

type Add = (rule: TagRule, value: string, latest: boolean) => void;

function evaluate(
  rule: TagRule,
  ref: RefContext,
  values: Record<string, TemplateValue>,
  expand: (template: string, what: string) => string,
  add: Add,
  warn: (message: string) => void,
): void {
  const { attrs } = rule;
  const tagName = refName(ref.ref, 'refs/tags/');
  switch (rule.type) {
    case 'schedule':
      if (ref.eventName === 'schedule') add(rule, expand(attrs.pattern, rule.text), false);
      return;
    case 'semver': {
      if (!tagName && !attrs.value) return;
      let raw = attrs.value ? expand(attrs.value, rule.text) : tagName;
      if (attrs.match) {
        let matched: RegExpExecArray | null;
        try {
          matched = new RegExp(attrs.match).exec(raw);
        } catch (error: unknown) {
          throw new TagRuleError(`"${rule.text}": match is not a regular expression (${(error as Error).message})`);
        }
        if (!matched) {
          warn(`"${rule.text}": match ${attrs.match} does not match ${raw}`);
          return;
        }
        raw = matched[1] ?? matched[0];
      }
      raw = raw.replace(/\//g, '-');
      if (!semver.valid(raw)) {
        warn(`"${rule.text}": ${raw} is not a semantic version (https://semver.org), so it gives no tag`);
        return;
      }
      const parsed = semver.parse(raw, { loose: true }) as semver.SemVer;
      const fieldsOf: Record<string, TemplateValue> = {
        raw: parsed.raw,
        version: parsed.version,
        major: String(parsed.major),
        minor: String(parsed.minor),
        patch: String(parsed.patch),
        target: values.target,
      };
      const renderPattern = (pattern: string): string => {
        try {
          return render(pattern, fieldsOf);
        } catch (error: unknown) {
          if (error instanceof TemplateError) throw new TagRuleError(`"${rule.text}": ${error.message}`);
          throw error;
        }
      };
      // A pre-release only ever extends {{version}} (or {{raw}} when that is the whole pattern).
      if (parsed.prerelease.length > 0) {
        add(rule, renderPattern(attrs.pattern.trim() === '{{raw}}' ? '{{raw}}' : '{{version}}'), false);
      } else {
        add(rule, renderPattern(attrs.pattern), true);
      }
      return;
    }
    case 'match': {
      if (!tagName && !attrs.value) return;
      const raw = attrs.value ? expand(attrs.value, rule.text) : tagName;
      const regex = /^\/(.+)\/(\w*)$/.exec(attrs.pattern);
      let matched: RegExpExecArray | null;
      try {
        matched = regex ? new RegExp(regex[1], regex[2]).exec(raw) : new RegExp(attrs.pattern).exec(raw);
      } catch (error: unknown) {
        throw new TagRuleError(`"${rule.text}": pattern is not a regular expression (${(error as Error).message})`);
      }
      const group = matched?.[Number(attrs.group)];
      if (group === undefined) warn(`"${rule.text}": ${attrs.pattern} (group ${attrs.group}) does not match ${raw}`);
      else add(rule, group, true);
      return;
    }
    case 'edge': {
      const branch = refName(ref.ref, 'refs/heads/');
      if (branch && branch === (attrs.branch || ref.defaultBranch)) add(rule, 'edge', false);
      return;
    }
    case 'ref':
      if (attrs.event === 'branch') add(rule, refName(ref.ref, 'refs/heads/'), false);
      else if (attrs.event === 'tag') add(rule, tagName, true);
      else add(rule, refName(ref.ref, 'refs/pull/').replace(/\/merge$/, ''), false);
      return;
    case 'raw':
      add(rule, expand(attrs.value, rule.text), false);
      return;
    case 'sha':
      if (ref.sha) add(rule, attrs.format === 'long' ? ref.sha : shortSha(ref), false);
      return;
  }
}
