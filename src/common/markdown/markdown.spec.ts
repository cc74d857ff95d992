import fc from 'fast-check';
import { MarkdownBlock, MarkdownInline, parseInline, parseMarkdown } from './markdown';

function links(inlines: readonly MarkdownInline[]): string[] {
  return inlines.flatMap((inline) =>
    inline.type === 'link' ? [inline.href, ...links(inline.children)] : 'children' in inline ? links(inline.children) : [],
  );
}

function depth(inlines: readonly MarkdownInline[]): number {
  return Math.max(0, ...inlines.map((inline) => ('children' in inline ? 1 + depth(inline.children) : 1)));
}

describe('parseMarkdown', () => {
  it('splits fenced blocks from text and keeps a safe language name only', () => {
    expect(parseMarkdown('a\n```sh\necho hi\n```\nb')).toEqual<MarkdownBlock[]>([
      { type: 'text', inlines: [{ type: 'text', text: 'a\n' }] },
      { type: 'code', language: 'sh', code: 'echo hi' },
      { type: 'text', inlines: [{ type: 'text', text: '\nb' }] },
    ]);
    expect(parseMarkdown('```x" onload="y\nz\n```')).toEqual([{ type: 'code', language: 'x', code: 'z' }]);
  });

  it('never parses markup inside inline code', () => {
    expect(parseInline('`**a** [b](https://c)`')).toEqual([{ type: 'code', text: '**a** [b](https://c)' }]);
  });

  it.each(['javascript:alert(1)', 'data:text/html,x', 'vbscript:x', '//evil.example/', 'file:///etc/passwd'])(
    'leaves a [link](%s) as text',
    (href) => {
      expect(parseInline(`[x](${href})`)).toEqual([{ type: 'text', text: `[x](${href})` }]);
    },
  );

  it('nests the spans models write', () => {
    expect(parseInline('~~**a** *b*~~')).toEqual([
      {
        type: 'strike',
        children: [
          { type: 'bold', children: [{ type: 'text', text: 'a' }] },
          { type: 'text', text: ' ' },
          { type: 'italic', children: [{ type: 'text', text: 'b' }] },
        ],
      },
    ]);
  });

  it('takes any text without throwing, links only to http(s), and stays shallow', () => {
    const markdownish = fc.array(
      fc.constantFrom('*', '**', '~~', '`', '```', '[', ']', '(', ')', 'https://x.test/', 'javascript:', '\n', ' ', 'a', '<b>'),
      { maxLength: 200 },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          markdownish.map((parts) => parts.join('')),
          fc.string({ maxLength: 300 }),
        ),
        (text) => {
          for (const block of parseMarkdown(text)) {
            if (block.type === 'code') continue;
            for (const href of links(block.inlines)) expect(href).toMatch(/^https?:\/\/[^\s)]+$/);
            expect(depth(block.inlines)).toBeLessThanOrEqual(9);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
