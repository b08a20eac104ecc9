import { parse } from 'csv-parse/sync';

export interface ListOptions {
  /** Entries are separated by newlines only; commas stay inside the entry (build args, labels, cache specs). */
  ignoreComma?: boolean;
}

/**
 * Parse a list input the way docker/build-push-action users write them: one entry per line or comma-separated,
 * with CSV quoting ("a,b" stays one entry). Blank lines are dropped and entries trimmed.
 * Throws the parser's error on malformed quoting; callers turn it into a ConfigurationError.
 */
export function parseList(input: string, options: ListOptions = {}): string[] {
  if (input.trim() === '') return [];
  const records = parse(input, {
    columns: false,
    relaxQuotes: true,
    relaxColumnCount: true,
    skipEmptyLines: true,
  }) as string[][];
  const entries: string[] = [];
  for (const record of records) {
    if (options.ignoreComma) entries.push(record.join(','));
    else entries.push(...record);
  }
  return entries.map((entry) => entry.trim()).filter((entry) => entry !== '');
}

/** Split `KEY=VALUE` at the first `=`; undefined when there is no `=` or the key is empty. */
export function splitKeyValue(entry: string): { key: string; value: string } | undefined {
  const at = entry.indexOf('=');
  if (at <= 0) return undefined;
  return { key: entry.slice(0, at).trim(), value: entry.slice(at + 1) };
}
