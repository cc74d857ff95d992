import { MarkdownInline, parseMarkdown } from '../../../common/markdown/markdown';

/**
 * Replies go out with parse_mode HTML: its escaping is three characters
 * (& < >), where MarkdownV2 needs eighteen escaped everywhere, so ordinary
 * model output cannot break it by accident. The Markdown subset is the one
 * WebChat renders too (src/common/markdown); every tag here is ours, all text
 * is escaped.
 */
export function toTelegramHtml(markdown: string): string {
  return parseMarkdown(markdown)
    .map((block) => {
      if (block.type === 'text') return renderInlines(block.inlines);
      const code = escapeHtml(block.code);
      return block.language ? `<pre><code class="language-${block.language}">${code}</code></pre>` : `<pre>${code}</pre>`;
    })
    .join('');
}

/** The only escapes Telegram's HTML mode needs (and accepts) in text. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const TAGS = { bold: 'b', italic: 'i', strike: 's' } as const;

function renderInlines(inlines: readonly MarkdownInline[]): string {
  return inlines.map(renderInline).join('');
}

function renderInline(inline: MarkdownInline): string {
  switch (inline.type) {
    case 'text':
      return escapeHtml(inline.text);
    case 'code':
      return `<code>${escapeHtml(inline.text)}</code>`;
    case 'link':
      return `<a href="${escapeHtml(inline.href).replace(/"/g, '&quot;')}">${renderInlines(inline.children)}</a>`;
    case 'bold':
    case 'italic':
    case 'strike':
      return `<${TAGS[inline.type]}>${renderInlines(inline.children)}</${TAGS[inline.type]}>`;
  }
}

/** Telegram's answer when the markup in a message does not parse. */
export function isMarkupRejection(status: number | undefined, description: string | undefined): boolean {
  return (
    status === 400 && /can't parse entities|can't find end|unsupported start tag|unexpected end tag/i.test(description ?? '')
  );
}
