/**
 * Depth checks that run on JSON text before it is parsed, and a serializer
 * that reports instead of throwing. Both walk without recursion, so hostile
 * input cannot use them to overflow the stack.
 */

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const BACKSLASH = 0x5c;

/**
 * Whether arrays and objects in the text nest deeper than maxDepth. Brackets
 * inside strings do not count; single-quoted strings are recognised too, for
 * JSON5 (in plain JSON a single quote outside a string is a syntax error, so
 * nothing can hide behind one). Linear in the text and stops at the first
 * level over the budget; malformed text is left for the parser to refuse.
 */
export function jsonTextTooDeep(text: string, maxDepth: number): boolean {
  // Nesting deeper than maxDepth needs more than maxDepth opening characters.
  if (text.length <= maxDepth || !hasMoreOpeningsThan(text, maxDepth)) return false;
  let depth = 0;
  let quote = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === BACKSLASH) i++;
      else if (c === quote) quote = 0;
    } else if (c === QUOTE || c === SINGLE_QUOTE) {
      quote = c;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/**
 * Whether the text holds more than `limit` opening brackets and braces,
 * strings included, so at worst an over-count. Nearly every frame has a
 * handful, and indexOf finds them far faster than a loop over every
 * character, which is left for the few frames with more.
 */
function hasMoreOpeningsThan(text: string, limit: number): boolean {
  let count = 0;
  for (const opening of OPENINGS) {
    for (let at = text.indexOf(opening); at !== -1; at = text.indexOf(opening, at + 1)) if (++count > limit) return true;
  }
  return false;
}

const OPENINGS = ['{', '['] as const;

/**
 * The text with every value nested below the top-level object or array
 * replaced by 0, so a frame refused for its depth can still be parsed
 * cheaply for its id and answered. Linear; text that does not balance
 * comes back unparseable, which callers treat as "no id".
 */
export function flattenBelowTopLevel(text: string): string {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let copyFrom = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth === 2) parts.push(text.slice(copyFrom, i), '0');
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth-- === 2) copyFrom = i + 1;
    }
  }
  if (depth < 2) parts.push(text.slice(copyFrom));
  return parts.join('');
}

export type Serialized = { ok: true; text: string } | { ok: false; reason: string };

/**
 * JSON.stringify that never throws: a value nested too deep for the stack, a
 * cycle, a BigInt or a throwing toJSON comes back as a reason instead.
 * `undefined` (a bare function or symbol) is a failure too, since a frame
 * needs text.
 */
export function serializeJson(value: unknown): Serialized {
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return { ok: false, reason: 'the value has no JSON form' };
    return { ok: true, text };
  } catch (error) {
    return { ok: false, reason: error instanceof RangeError ? 'the value is nested too deeply' : describe(error) };
  }
}

/** Objects whose exact JSON.stringify text was already made, by identity: a copy of one is not in here. */
const knownTexts = new WeakMap<object, string>();

/**
 * Records that `text` is exactly JSON.stringify(value), for a value about
 * to be sent whose parts were serialized anyway (a node's result), so the
 * answer splices the text instead of walking the value a second time. The
 * value is frozen: its fields can no longer drift from the text.
 */
export function withJsonText<T extends object>(value: T, text: string): Readonly<T> {
  knownTexts.set(value, text);
  return Object.freeze(value);
}

/** The text recorded by withJsonText for this very object, if any. */
export function knownJsonText(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? knownTexts.get(value) : undefined;
}

function describe(error: unknown): string {
  // V8's cycle message spans several lines; the first says enough for a log line or an error message.
  return error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : 'the value cannot be serialized';
}

/**
 * UTF-8 size of a string without Node's Buffer, so the protocol files also compile for the browser page.
 * A lone surrogate counts as the 3-byte replacement character, as the encoder would write it.
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
