import { parseMarkdown, type MarkdownInline } from '../common/markdown/markdown.js';
import { h } from './dom.js';

/**
 * The assistant's Markdown as DOM nodes: the same subset and the same parser
 * as Telegram replies (src/common/markdown). Built with textContent and
 * createElement only, never innerHTML, so page text cannot become markup;
 * links open http(s) addresses only, in a new tab without an opener.
 */
export function renderMarkdown(markdown: string): Node[] {
  return parseMarkdown(markdown).map((block) => {
    if (block.type === 'code') {
      const code = h('code', {}, block.code);
      if (block.language) code.dataset.language = block.language;
      return h('pre', { className: 'md-code' }, code);
    }
    const span = h('span', { className: 'md' });
    span.append(...block.inlines.map(renderInline));
    return span;
  });
}

function renderInline(inline: MarkdownInline): Node {
  switch (inline.type) {
    case 'text':
      return document.createTextNode(inline.text);
    case 'code':
      return h('code', {}, inline.text);
    case 'bold':
      return withChildren(h('strong'), inline.children);
    case 'italic':
      return withChildren(h('em'), inline.children);
    case 'strike':
      return withChildren(h('s'), inline.children);
    case 'link': {
      // The parser admits http(s) only; checked again here because an href is where script would run.
      const href = safeHref(inline.href);
      if (!href) return withChildren(h('span'), inline.children);
      return withChildren(h('a', { href, target: '_blank', rel: 'noopener noreferrer nofollow' }), inline.children);
    }
  }
}

function withChildren(element: HTMLElement, children: readonly MarkdownInline[]): HTMLElement {
  element.append(...children.map(renderInline));
  return element;
}

function safeHref(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
