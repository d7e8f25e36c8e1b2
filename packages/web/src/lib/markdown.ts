import DOMPurify from 'dompurify';
import { marked } from 'marked';

/**
 * A model card's markdown as HTML that is safe to insert: marked renders it (raw HTML in the file
 * included), DOMPurify then removes scripts, event handlers, javascript: links and the like.
 */
export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown, { async: false, gfm: true });
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
}
