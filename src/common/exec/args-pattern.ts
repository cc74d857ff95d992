/**
 * Argument patterns that bind an exec approval to the arguments it was given
 * (docs/node-host.md, "Argument patterns"). A pattern is a list matched one
 * to one against argv[1..]:
 *
 * - a literal string matches itself;
 * - `*` inside an element matches any run of characters within that one argument;
 * - `\*` is a literal star and `\\` a literal backslash;
 * - `**` as the last element matches any remaining arguments (none included).
 *
 * No regular expressions: a pattern comes from a file and the arguments from
 * a peer, and the matcher below stays linear in their product whatever they hold.
 */
export const REST_OF_ARGS = '**';
export const MAX_PATTERN_ELEMENTS = 256;
/** Twice the longest argument a host accepts (4096), so the escaped exact pattern of any argument fits. */
export const MAX_PATTERN_ELEMENT_LENGTH = 8_192;

/** What is wrong with a pattern list from a file, or undefined when it is usable. */
export function argsPatternProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'must be an array of strings, one per argument';
  if (value.length > MAX_PATTERN_ELEMENTS) return `has ${value.length} elements; at most ${MAX_PATTERN_ELEMENTS} are accepted`;
  for (const [index, element] of value.entries()) {
    if (typeof element !== 'string') return `[${index}] must be a string`;
    if (element.length > MAX_PATTERN_ELEMENT_LENGTH) return `[${index}] is longer than ${MAX_PATTERN_ELEMENT_LENGTH} characters`;
    if (element.includes('\0')) return `[${index}] must not contain a NUL byte`;
    if (element === REST_OF_ARGS && index !== value.length - 1) return `[${index}] "**" may only be the last element`;
    if (tokens(element) === undefined) return `[${index}] has a lone backslash; write \\\\ for a backslash, \\* for a star`;
  }
  return undefined;
}

/** The pattern that matches exactly these arguments and nothing else: what "allow always" records. */
export function exactArgsPattern(args: readonly string[]): string[] {
  return args.map((arg) => arg.replace(/[\\*]/g, (char) => `\\${char}`));
}

/** Whether `args` (argv without argv[0]) fit the pattern. An unusable pattern matches nothing. */
export function argsMatch(pattern: readonly string[], args: readonly string[]): boolean {
  const rest = pattern.length > 0 && pattern[pattern.length - 1] === REST_OF_ARGS;
  const fixed = rest ? pattern.slice(0, -1) : pattern;
  // A "**" anywhere else makes the pattern unusable, and unusable matches nothing.
  if (fixed.includes(REST_OF_ARGS)) return false;
  if (rest ? args.length < fixed.length : args.length !== fixed.length) return false;
  return fixed.every((element, index) => elementMatches(element, args[index]));
}

type Token = { star: true } | { star: false; text: string };

/** Literal runs and stars; undefined for a malformed escape. */
function tokens(element: string): Token[] | undefined {
  const out: Token[] = [];
  let text = '';
  for (let i = 0; i < element.length; i++) {
    const char = element[i];
    if (char === '\\') {
      const next = element[i + 1];
      if (next !== '\\' && next !== '*') return undefined;
      text += next;
      i++;
    } else if (char === '*') {
      if (text !== '') out.push({ star: false, text });
      text = '';
      if (out.at(-1)?.star !== true) out.push({ star: true });
    } else {
      text += char;
    }
  }
  if (text !== '') out.push({ star: false, text });
  return out;
}

/**
 * Star globbing by literal segments: the first must start the argument, the
 * last must end it, the others are found left to right. Taking the leftmost
 * place for each middle segment never loses a match, so there is no backtracking.
 */
function elementMatches(element: string, arg: string): boolean {
  const parts = tokens(element);
  if (parts === undefined) return false;
  if (!parts.some((part) => part.star)) return arg === parts.map((part) => (part.star ? '' : part.text)).join('');
  const segments: string[] = [];
  let current = '';
  for (const part of parts) {
    if (part.star) {
      segments.push(current);
      current = '';
    } else {
      current += part.text;
    }
  }
  segments.push(current);
  const first = segments[0];
  const last = segments[segments.length - 1];
  if (arg.length < first.length + last.length) return false;
  if (!arg.startsWith(first) || !arg.endsWith(last)) return false;
  let position = first.length;
  const end = arg.length - last.length;
  for (const middle of segments.slice(1, -1)) {
    const found = arg.indexOf(middle, position);
    if (found === -1 || found + middle.length > end) return false;
    position = found + middle.length;
  }
  return true;
}
