/**
 * Replies go out with parse_mode HTML: its escaping is three characters
 * (& < >), where MarkdownV2 needs eighteen escaped everywhere, so ordinary
 * model output cannot break it by accident. We render the Markdown that models
 * commonly write: ``` blocks, `code`, **bold**, ~~strike~~ and [links](https://…);
 * everything else stays literal text.
 */
export function toTelegramHtml(markdown: string): string {
  const out: string[] = [];
  let last = 0;
  for (const match of markdown.matchAll(/```([\w+#.-]*)[^\n]*\n([\s\S]*?)```/g)) {
    out.push(renderInline(markdown.slice(last, match.index)));
    const code = escapeHtml(match[2].replace(/\n$/, ''));
    out.push(match[1] ? `<pre><code class="language-${match[1]}">${code}</code></pre>` : `<pre>${code}</pre>`);
    last = match.index! + match[0].length;
  }
  out.push(renderInline(markdown.slice(last)));
  return out.join('');
}

/** The only escapes Telegram's HTML mode needs (and accepts) in text. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function renderInline(text: string): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((piece, i) => (i % 2 === 1 ? `<code>${escapeHtml(piece.slice(1, -1))}</code>` : renderEmphasis(escapeHtml(piece))))
    .join('');
}

/** Runs on already-escaped text, so every tag it adds is ours. */
function renderEmphasis(escaped: string): string {
  return escaped
    .replace(
      /\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g,
      (_, label: string, url: string) => `<a href="${url.replace(/"/g, '&quot;')}">${label}</a>`,
    )
    .replace(/\*\*(?=\S)([^*\n]*?\S)\*\*/g, '<b>$1</b>')
    .replace(/~~(?=\S)([^~\n]*?\S)~~/g, '<s>$1</s>');
}

/** Telegram's answer when the markup in a message does not parse. */
export function isMarkupRejection(status: number | undefined, description: string | undefined): boolean {
  return (
    status === 400 && /can't parse entities|can't find end|unsupported start tag|unexpected end tag/i.test(description ?? '')
  );
}
