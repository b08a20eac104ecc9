import type { Inputs } from '../inputs.js';
import { ConfigurationError } from '../errors.js';
import { splitKeyValue } from '../lists.js';
import type { RefContext } from './event.js';
import { nameTarget, TagRuleError } from './tags.js';
import { render } from './template.js';

/** How one target's image is named and described: decided once, before any work. */
export interface TargetNames {
  /** Full references; the first is the one the gates run on. */
  tags: string[];
  /** `--label` values: the OCI set, then the user's (a user's key wins). */
  labels: string[];
  /** `--annotation` values: the OCI set and the user's, on the manifest and, for several platforms, the index. */
  annotations: string[];
  /** metadata-action's `version`: the first tag a rule gave. */
  version?: string;
}

/** The OCI description every image gets (metadata-action's set), empty values left out. */
export function ociDescription(ref: RefContext, target: string, version: string | undefined): Record<string, string> {
  const entries: Record<string, string | undefined> = {
    'org.opencontainers.image.title': target,
    'org.opencontainers.image.description': ref.repository.description,
    'org.opencontainers.image.url': ref.repository.url,
    'org.opencontainers.image.source': ref.repository.url,
    'org.opencontainers.image.version': version,
    'org.opencontainers.image.created': ref.date.toISOString(),
    'org.opencontainers.image.revision': ref.sha || undefined,
    'org.opencontainers.image.licenses': ref.repository.license,
  };
  return Object.fromEntries(Object.entries(entries).filter((e): e is [string, string] => Boolean(e[1])));
}

/** Defaults first, then the user's entries; an entry of the user's replaces a default with the same key. */
export function mergeByKey(defaults: readonly string[], user: readonly string[]): string[] {
  const key = (entry: string): string => splitKeyValue(entry)?.key ?? entry;
  const userKeys = new Set(user.map(key));
  return [...defaults.filter((entry) => !userKeys.has(key(entry))), ...user];
}

/** An annotation without a level lands on the manifest; with several platforms, also on the index. */
function annotationLevels(entries: readonly string[], severalPlatforms: boolean): string[] {
  if (!severalPlatforms) return [...entries];
  return entries.flatMap((entry) => {
    const pair = splitKeyValue(entry);
    if (!pair || pair.key.includes(':')) return [entry];
    return [`manifest:${entry}`, `index:${entry}`];
  });
}

/**
 * Every target's names, from the inputs and the run's ref. No `tags`: `<image>:<target>` and
 * `<image>:<target>-<short sha>`, as before rules existed. A rule set that gives no tag for this run is a mistake
 * when pushing, and falls back to those defaults otherwise (the gates still need a name). Two targets that would
 * push the same tag are refused.
 */
export function nameTargets(
  inputs: Pick<Inputs, 'image' | 'tags' | 'flavor' | 'labels' | 'annotations' | 'targets' | 'push' | 'platforms'>,
  ref: RefContext,
  notice: (message: string) => void,
): Map<string, TargetNames> {
  const names = new Map<string, TargetNames>();
  const owner = new Map<string, string>();
  const said = new Set<string>();
  for (const target of inputs.targets) {
    const image = render(inputs.image, { target: target.toLowerCase() });
    const fallback = [`${image}:${target.toLowerCase()}`];
    if (ref.sha) fallback.push(`${image}:${target.toLowerCase()}-${ref.sha.slice(0, ref.shortShaLength)}`);
    let tags = fallback;
    let version: string | undefined;
    if (inputs.tags.length > 0) {
      let naming;
      try {
        naming = nameTarget({
          image: inputs.image,
          target,
          severalTargets: inputs.targets.length > 1,
          entries: inputs.tags,
          flavor: inputs.flavor,
          ref,
        });
      } catch (error: unknown) {
        if (error instanceof TagRuleError) throw new ConfigurationError('tags', error.message);
        throw error;
      }
      for (const warning of naming.warnings) {
        if (!said.has(warning)) notice(`tags: ${warning}`);
        said.add(warning);
      }
      if (naming.tags.length > 0) {
        tags = naming.tags;
        version = naming.version;
      } else {
        const why = `gives no tag for this run (event ${ref.eventName || 'none'}, ref ${ref.ref || 'none'})`;
        if (inputs.push) {
          throw new ConfigurationError(
            'tags',
            `${why}, so there is nothing to push under; add a rule that applies (type=ref,event=branch, type=sha) or set push: false for this event`,
          );
        }
        if (!said.has(why)) notice(`tags ${why}; the image is named ${fallback.join(', ')} for the gates`);
        said.add(why);
      }
    }
    for (const tag of tags) {
      const other = owner.get(tag);
      if (other !== undefined && other !== target) {
        throw new ConfigurationError(
          'tags',
          `targets ${other} and ${target} would both be tagged ${tag}; name {{target}} in image or in the tag`,
        );
      }
      owner.set(tag, target);
    }
    const description = Object.entries(ociDescription(ref, target, version)).map(([k, v]) => `${k}=${v}`);
    names.set(target, {
      tags,
      labels: mergeByKey(description, inputs.labels),
      annotations: annotationLevels(mergeByKey(description, inputs.annotations), inputs.platforms.length > 1),
      version,
    });
  }
  return names;
}
