import MarkdownIt from 'markdown-it';

/** The job summary rendered as GitHub renders Markdown: GFM tables, autolinked URLs, inline HTML allowed. */
export function renderSummary(markdown: string): string {
  return new MarkdownIt({ html: true, linkify: true }).render(markdown);
}

/**
 * The rendered summary with every code span and code block taken out: what is left is what renders as markup.
 * Untrusted text must leave nothing of itself there.
 */
export function outsideCode(markdown: string): string {
  return renderSummary(markdown)
    .replace(/<pre>[\s\S]*?<\/pre>/g, '')
    .replace(/<code>[\s\S]*?<\/code>/g, '');
}
