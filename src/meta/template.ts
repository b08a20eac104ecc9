/**
 * The part of Handlebars that docker/metadata-action's tag rules use: `{{name}}` and `{{name 'arg' key='value'}}`,
 * nothing else (no blocks, no partials, no HTML escaping: the results are tags, labels and annotations). An
 * expression this does not know is an error that names it, never text passed through.
 */

/** What an expression renders: a fixed string or a helper given its quoted arguments and `key='value'` pairs. */
export type TemplateValue = string | ((args: string[], hash: Record<string, string>) => string);

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

const EXPRESSION = /\{\{(.*?)\}\}/g;
const PART = /\s*(?:([A-Za-z_][\w]*)=(?:'([^']*)'|"([^"]*)")|'([^']*)'|"([^"]*)")/y;

function parseExpression(body: string): { name: string; args: string[]; hash: Record<string, string> } {
  const head = /^\s*([A-Za-z_][\w]*)/.exec(body);
  if (!head) throw new TemplateError(`"{{${body}}}" is not an expression`);
  const args: string[] = [];
  const hash: Record<string, string> = {};
  let at = head[0].length;
  while (at < body.length) {
    if (/^\s*$/.test(body.slice(at))) break;
    PART.lastIndex = at;
    const part = PART.exec(body);
    if (!part) throw new TemplateError(`"{{${body}}}": cannot read "${body.slice(at).trim()}"`);
    if (part[1] !== undefined) hash[part[1]] = part[2] ?? part[3] ?? '';
    else args.push(part[4] ?? part[5] ?? '');
    at = PART.lastIndex;
  }
  return { name: head[1], args, hash };
}

/** Render `template` with `values`; throws TemplateError for an unknown expression or a helper's refusal. */
export function render(template: string, values: Readonly<Record<string, TemplateValue>>): string {
  return template.replace(EXPRESSION, (_whole, body: string) => {
    const { name, args, hash } = parseExpression(body);
    if (!Object.hasOwn(values, name)) {
      throw new TemplateError(
        `"{{${body.trim()}}}" is unknown; use ${Object.keys(values)
          .map((k) => `{{${k}}}`)
          .join(', ')}`,
      );
    }
    const value = values[name];
    if (typeof value === 'string') {
      if (args.length > 0 || Object.keys(hash).length > 0) {
        throw new TemplateError(`"{{${body.trim()}}}": {{${name}}} takes no arguments`);
      }
      return value;
    }
    return value(args, hash);
  });
}

/** Whether a template names an expression, e.g. `{{target}}`. */
export function mentions(template: string, name: string): boolean {
  for (const match of template.matchAll(EXPRESSION)) {
    if (/^\s*([A-Za-z_][\w]*)/.exec(match[1])?.[1] === name) return true;
  }
  return false;
}

/** The text of a template outside its expressions. */
export function literalText(template: string): string {
  return template.replace(EXPRESSION, '');
}
