// The Markdown subset chat replies are rendered with, parsed once into a small
// tree: the Telegram channel turns it into Bot API HTML, the Control UI page
// into DOM nodes. This file imports nothing, because the page loads it as-is
// (src/control-ui-web/build.mjs copies it beside the page's own modules).
//
// The subset is what models commonly write: ``` fenced blocks (with an
// optional language), `inline code`, **bold**, *italic*, ~~strike~~ and
// [links](https://…) to http/https only. Everything else stays literal text:
// there is no raw HTML, no images, no other URL schemes.

export type MarkdownInline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'bold' | 'italic' | 'strike'; children: MarkdownInline[] }
  | { type: 'link'; href: string; children: MarkdownInline[] };

export type MarkdownBlock = { type: 'code'; language?: string; code: string } | { type: 'text'; inlines: MarkdownInline[] };

const FENCE = /```([\w+#.-]*)[^\n]*\n([\s\S]*?)```/g;
/** A language name that is safe in an HTML class attribute as it is. */
const LANGUAGE = /^[\w+#.-]{1,32}$/;
/** Deeper nesting than the rules below can produce is cut off, so no input can recurse far. */
const MAX_DEPTH = 8;

/**
 * The spans, in order of preference when two start at the same place. Each
 * inner part must start and end with a non-space (so `2 * 3 * 4` and
 * `** x **` stay text), and italic needs no letter or star just outside it (so
 * snake_case-like `a*b*c` and bullet stars stay text).
 */
const SPANS: ReadonlyArray<{ type: 'link' | 'bold' | 'strike' | 'italic'; pattern: RegExp }> = [
  { type: 'link', pattern: /\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g },
  { type: 'bold', pattern: /\*\*(?=\S)([^*\n]*?\S)\*\*/g },
  { type: 'strike', pattern: /~~(?=\S)([^~\n]*?\S)~~/g },
  { type: 'italic', pattern: /(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])/g },
];

export function parseMarkdown(markdown: string): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  const pushText = (text: string) => {
    if (text) blocks.push({ type: 'text', inlines: parseInline(text) });
  };
  let last = 0;
  for (const match of markdown.matchAll(FENCE)) {
    pushText(markdown.slice(last, match.index));
    const language = LANGUAGE.test(match[1]) ? match[1] : undefined;
    blocks.push({ type: 'code', ...(language ? { language } : {}), code: match[2].replace(/\n$/, '') });
    last = match.index + match[0].length;
  }
  pushText(markdown.slice(last));
  return blocks;
}

/** Inline code first: nothing inside backticks is markup. */
export function parseInline(text: string): MarkdownInline[] {
  const out: MarkdownInline[] = [];
  text.split(/(`[^`\n]+`)/).forEach((piece, i) => {
    if (i % 2 === 1) out.push({ type: 'code', text: piece.slice(1, -1) });
    else out.push(...parseSpans(piece, 0));
  });
  return out;
}

function parseSpans(text: string, depth: number): MarkdownInline[] {
  if (depth >= MAX_DEPTH) return text ? [{ type: 'text', text }] : [];
  const out: MarkdownInline[] = [];
  // The next match of each pattern at or after `position`, searched again only once passed.
  const next: Array<RegExpExecArray | null | undefined> = SPANS.map(() => undefined);
  let position = 0;
  for (;;) {
    let best = -1;
    SPANS.forEach((span, i) => {
      let match = next[i];
      if (match === undefined || (match && match.index < position)) {
        span.pattern.lastIndex = position;
        match = next[i] = span.pattern.exec(text);
      }
      if (match && (best < 0 || match.index < next[best]!.index)) best = i;
    });
    if (best < 0) break;
    const match = next[best]!;
    if (match.index > position) out.push({ type: 'text', text: text.slice(position, match.index) });
    const type = SPANS[best].type;
    const children = parseSpans(match[1], depth + 1);
    out.push(type === 'link' ? { type, href: match[2], children } : { type, children });
    position = match.index + match[0].length;
  }
  if (position < text.length) out.push({ type: 'text', text: text.slice(position) });
  return out;
}
