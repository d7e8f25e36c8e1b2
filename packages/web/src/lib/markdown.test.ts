import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown';

describe('renderMarkdown', () => {
  it('renders headings, lists, tables and code', () => {
    const html = renderMarkdown(
      '# Gender GRADIEND\n\n- base: bert\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n`x = 1`',
    );
    expect(html).toContain('<h1>Gender GRADIEND</h1>');
    expect(html).toContain('<li>base: bert</li>');
    expect(html).toContain('<td>2</td>');
    expect(html).toContain('<code>x = 1</code>');
  });

  it('strips scripts, event handlers and javascript: links from the file', () => {
    const html = renderMarkdown(
      'hi <script>alert(1)</script><img src="x" onerror="alert(2)"> [click](javascript:alert(3)) <iframe src="https://e.x"></iframe>',
    );
    expect(html).not.toMatch(/<script|onerror|javascript:|<iframe/i);
    expect(html).toContain('<img src="x">');
  });
});
