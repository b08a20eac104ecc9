import { randomBytes } from 'node:crypto';

/**
 * Text that a build, a container, a test report or a scanned image produced is hostile: this module is its only way
 * into the log and the job summary.
 *
 * The runner reads the step's output a line at a time (.NET ReadLine: a line ends at "\r", "\n" or "\r\n") and
 * treats a line as a workflow command when, after leading white space, it starts with "::", or when it holds "##["
 * anywhere (the legacy form). While `::stop-commands::<token>` is in force it processes nothing until a line
 * `::<token>::` arrives; a fresh random token per block cannot be guessed by what prints inside it.
 */

/** The runner's own first test of a line (OutputManager): anything else can never be a command. */
export function couldBeCommand(text: string): boolean {
  return text.includes('::') || text.includes('##[');
}

export function stopToken(): string {
  return `msa-${randomBytes(16).toString('hex')}`;
}

/**
 * The text as it must be written to the step's output: unchanged when no line of it could be a command, otherwise
 * between `::stop-commands::<fresh token>` and `::<token>::`. Always ends without a newline; the caller adds one.
 */
export function inert(text: string, token: () => string = stopToken): string {
  if (!couldBeCommand(text)) return text;
  const t = token();
  return `::stop-commands::${t}\n${text}\n::${t}::`;
}

// C0 controls but tab and the line ends, DEL, and the bidirectional overrides that make text read other than it is.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;

/** Replace control characters (terminal escapes, bidi overrides, NUL) with U+FFFD; keeps tabs and line ends. */
export function withoutControls(text: string): string {
  return text.replace(CONTROL, '\uFFFD');
}

/** Cut a text to `max` characters, saying so. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === char ? current + 1 : 0;
    if (current > longest) longest = current;
  }
  return longest;
}

/**
 * Untrusted text as a Markdown code span on one line: nothing in it renders (no HTML, links, emphasis), and no
 * backtick run inside can close it. `inTable`: pipes escaped, which GitHub's tables need even inside code spans.
 */
export function mdCode(text: string, options: { max?: number; inTable?: boolean } = {}): string {
  let body = withoutControls(clip(text, options.max ?? 500))
    .replace(/\r\n|\r|\n/g, ' ⏎ ')
    .replace(/\t/g, ' ');
  if (body.trim() === '') return '';
  if (options.inTable) body = body.replace(/\|/g, '\\|');
  const fence = '`'.repeat(longestRun(body, '`') + 1);
  // A space between fence and text only where a backtick at either end would join the fence (CommonMark strips it).
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** Untrusted text as a fenced code block whose fence is longer than any backtick run inside it. */
export function mdCodeBlock(text: string, options: { max?: number; info?: string } = {}): string {
  const body = withoutControls(clip(text, options.max ?? 20_000)).replace(/\r\n|\r/g, '\n');
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  return `${fence}${options.info ?? 'text'}\n${body}\n${fence}`;
}

/** Untrusted text inside HTML (a `<summary>`): every character that means something there is an entity. */
export function htmlText(text: string, max = 200): string {
  return withoutControls(clip(text, max))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/[\r\n]+/g, ' ');
}

/**
 * Text for running Markdown (a sentence, a list item): every Markdown punctuation mark escaped with a backslash and
 * HTML's with entities, so nothing in it can open a code span, a link, emphasis, a table cell or a tag.
 */
export function mdText(text: string, max = 1000): string {
  return withoutControls(clip(text, max))
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\r\n]+/g, ' ');
}

/** A link only to an https address that cannot break out of the Markdown around it; otherwise the text alone. */
export function mdLink(label: string, url: string | undefined, inTable = false): string {
  const code = mdCode(label, { max: 120, inTable });
  if (!url || !/^https:\/\/[A-Za-z0-9.-]+(?:\/[A-Za-z0-9._~%/+:@=&?#-]*)?$/.test(url) || url.length > 500) return code;
  return `[${code}](${url})`;
}
