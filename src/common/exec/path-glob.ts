/**
 * Allowlist path patterns, matched against the resolved program path the way
 * the reference gateway does: `*` is any run of characters within one path
 * segment, `**` any run across segments, `?` one character other than `/`,
 * everything else literal.
 *
 * Matched by dynamic programming over (pattern, path) rather than a compiled
 * regular expression: patterns come from a file a remote operator may write,
 * and a regex with several `**` backtracks badly on a long path.
 */
export const MAX_PATH_PATTERN_LENGTH = 1_024;

type GlobToken = { kind: 'any' } | { kind: 'segment' } | { kind: 'one' } | { kind: 'char'; char: string };

function globTokens(pattern: string): GlobToken[] {
  const tokens: GlobToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*' && pattern[i + 1] === '*') {
      tokens.push({ kind: 'any' });
      i++;
    } else if (char === '*') tokens.push({ kind: 'segment' });
    else if (char === '?') tokens.push({ kind: 'one' });
    else tokens.push({ kind: 'char', char });
  }
  return tokens;
}

export function hasGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

/** Whether `target` (an absolute path) fits `pattern`; linear in the product of their lengths. */
export function pathGlobMatches(pattern: string, target: string): boolean {
  if (pattern.length > MAX_PATH_PATTERN_LENGTH) return false;
  const tokens = globTokens(pattern);
  // row[j]: the tokens so far match target[0..j).
  let row = new Array<boolean>(target.length + 1).fill(false);
  row[0] = true;
  for (const token of tokens) {
    const next = new Array<boolean>(target.length + 1).fill(false);
    if (token.kind === 'any' || token.kind === 'segment') {
      for (let j = 0; j <= target.length; j++) {
        // A star may swallow target[j-1] when it already matched up to j-1 (and, for `*`, that character is not a slash).
        next[j] = row[j] || (j > 0 && next[j - 1] && (token.kind === 'any' || target[j - 1] !== '/'));
      }
    } else {
      for (let j = 1; j <= target.length; j++) {
        const char = target[j - 1];
        next[j] = row[j - 1] && (token.kind === 'one' ? char !== '/' : char === token.char);
      }
    }
    row = next;
  }
  return row[target.length];
}
