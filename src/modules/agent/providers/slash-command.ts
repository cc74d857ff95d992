export interface SlashCommand {
  /** Lower case, without the slash or a `@botname` suffix. */
  name: string;
  /** Everything after the command word, trimmed. */
  rest: string;
}

/** `/run@mybot garage ls` → {name: 'run', rest: 'garage ls'}; anything else → undefined. */
export function parseSlashCommand(message: string): SlashCommand | undefined {
  // Telegram appends @<botname> to commands picked from the menu in groups.
  const match = /^\/([A-Za-z][A-Za-z0-9_]*)(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/.exec(message.trim());
  if (!match) return undefined;
  return { name: match[1].toLowerCase(), rest: (match[2] ?? '').trim() };
}

/**
 * Splits a command line into argv the way a user expects from a shell,
 * without being one: whitespace separates, '…' and "…" group, a backslash
 * escapes the next character outside single quotes. Nothing is expanded.
 */
export function splitArgs(text: string): string[] {
  const args: string[] = [];
  let current = '';
  let inArg = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length && (text[i + 1] === '"' || text[i + 1] === '\\'))
        current += text[++i];
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inArg = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      current += text[++i];
      inArg = true;
    } else if (/\s/.test(ch)) {
      if (inArg) args.push(current);
      current = '';
      inArg = false;
    } else {
      current += ch;
      inArg = true;
    }
  }
  if (quote) throw new Error(`unbalanced ${quote === '"' ? 'double' : 'single'} quote`);
  if (inArg) args.push(current);
  return args;
}
