const FENCE = /^\s*```/;
const FENCE_CLOSE = '\n```';

/**
 * Splits text into parts of at most `limit` characters, preferring paragraph
 * breaks, then line breaks, then spaces, so a long reply still reads well. A
 * part that ends inside a ``` block is closed there and the block reopened in
 * the next part, so each part renders on its own.
 */
export function splitText(text: string, limit: number): string[] {
  if (limit < 32) throw new Error('splitText needs a limit of at least 32 characters');
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const cut = breakPoint(rest, limit - FENCE_CLOSE.length);
    let part = rest.slice(0, cut).replace(/\s+$/, '');
    rest = rest.slice(cut).replace(/^\n+/, '');
    const reopen = openFence(part);
    if (reopen !== undefined) {
      part += FENCE_CLOSE;
      rest = `${reopen}\n${rest}`;
    }
    if (part.trim()) parts.push(part);
  }
  if (rest.trim() || parts.length === 0) parts.push(rest);
  return parts;
}

/** Where to cut: the last paragraph break, line break or space in the second half of the budget, else the budget. */
function breakPoint(text: string, budget: number): number {
  const window = text.slice(0, budget + 1);
  const floor = Math.floor(budget / 2);
  for (const separator of ['\n\n', '\n', ' ']) {
    const at = window.lastIndexOf(separator, budget - separator.length);
    if (at >= floor) return at + separator.length;
  }
  // No good break: cut hard, but never between the two halves of a surrogate pair.
  const code = text.charCodeAt(budget - 1);
  return code >= 0xd800 && code <= 0xdbff ? budget - 1 : budget;
}

/** The opening fence line ("```ts") when the text ends inside a fenced block. */
function openFence(text: string): string | undefined {
  let open: string | undefined;
  for (const line of text.split('\n')) {
    if (!FENCE.test(line)) continue;
    open = open === undefined ? line.trim() : undefined;
  }
  return open;
}
