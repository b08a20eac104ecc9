import { parse } from 'csv-parse/sync';

export interface ListOptions {
  /** A field's commas stay inside the entry (build args, labels, cache specs, secrets). */
  ignoreComma?: boolean;
  /** Lines (or, unless `commentNoInfix`, the rest of a line) after this character are comments. */
  comment?: string;
  commentNoInfix?: boolean;
  /** `false`: quotes are kept as written instead of grouping a field. */
  quote?: false;
  /** `false`: entries keep their white space (secret values). */
  trimWhitespace?: boolean;
}

/**
 * A list input read exactly as docker/actions-toolkit's `getInputList` reads it (what docker/build-push-action and
 * the other Docker actions use), so a list written for them means the same here: CSV records over newlines, quotes
 * grouping a field (a quoted value may span lines), and a record of one field split at its commas unless
 * `ignoreComma` — so `"linux/arm64,linux/arm/v7"` on its own line is two entries, as docker's actions read it.
 * Empty entries are dropped, the rest trimmed (unless `trimWhitespace: false`).
 * Throws the parser's error on malformed input; callers turn it into a ConfigurationError.
 */
export function parseList(input: string, options: ListOptions = {}): string[] {
  if (input === '') return [];
  const records = parse(input, {
    columns: false,
    relaxQuotes: true,
    comment: options.comment,
    comment_no_infix: options.commentNoInfix,
    relaxColumnCount: true,
    skipEmptyLines: true,
    quote: options.quote,
  }) as string[][];
  const entries: string[] = [];
  for (const record of records) {
    if (record.length === 1) {
      if (options.ignoreComma) entries.push(record[0]);
      else entries.push(...record[0].split(','));
    } else if (!options.ignoreComma) {
      entries.push(...record);
    } else {
      entries.push(record.join(','));
    }
  }
  return entries.filter((entry) => entry).map((entry) => (options.trimWhitespace === false ? entry : entry.trim()));
}

/** Split `KEY=VALUE` at the first `=`; undefined when there is no `=` or the key is empty. */
export function splitKeyValue(entry: string): { key: string; value: string } | undefined {
  const at = entry.indexOf('=');
  if (at <= 0) return undefined;
  return { key: entry.slice(0, at).trim(), value: entry.slice(at + 1) };
}
