import fc from 'fast-check';
import { flattenBelowTopLevel, jsonTextTooDeep, knownJsonText, serializeJson, utf8ByteLength, withJsonText } from './json-budget';

const nested = (depth: number, inner = '') => '['.repeat(depth) + inner + ']'.repeat(depth);

describe('jsonTextTooDeep', () => {
  it.each<[string, string, number, boolean]>([
    ['a scalar', '42', 1, false],
    ['an empty object at the limit', '{}', 1, false],
    ['arrays exactly at the limit', nested(64), 64, false],
    ['arrays one level over the limit', nested(65), 64, true],
    ['objects over the limit', '{"a":'.repeat(5) + '1' + '}'.repeat(5), 4, true],
    ['siblings that never go deep', '[[1],[2],[3],[4],[5],[6]]', 2, false],
    ['brackets inside a string', `["${'['.repeat(100)}"]`, 2, false],
    ['brackets inside a JSON5 single-quoted string', `['${'['.repeat(100)}', "'"]`, 2, false],
    ['an escaped quote that does not end the string', `["\\"${'['.repeat(100)}"]`, 2, false],
    ['an escaped backslash before the closing quote', `["\\\\", ${nested(3)}]`, 3, true],
    ['unbalanced text (JSON.parse refuses it later)', '['.repeat(10), 5, true],
    ['a short text over a tiny budget', '[[]]', 1, true],
  ])('%s', (_name, text, maxDepth, expected) => {
    expect(jsonTextTooDeep(text, maxDepth)).toBe(expected);
  });

  it('finds the 12 KB attack payload too deep without parsing it', () => {
    expect(jsonTextTooDeep(nested(6000), 64)).toBe(true);
  });

  it('agrees with the parsed depth of the same text', () => {
    const depthOf = (value: unknown): number =>
      typeof value === 'object' && value !== null ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0;
    const text = JSON.stringify({ a: [1, { b: [[{}], '}]}]'] }], c: { d: null } });
    const depth = depthOf(JSON.parse(text));
    expect(jsonTextTooDeep(text, depth)).toBe(false);
    expect(jsonTextTooDeep(text, depth - 1)).toBe(true);
  });

  it('agrees with the parsed depth of any JSON text, with few or many brackets, inside strings or not', () => {
    const depthOf = (value: unknown): number =>
      typeof value === 'object' && value !== null ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0;
    const bracketyString = fc
      .array(fc.constantFrom('[', '{', ']', '}', '"', '\\', 'a'), { maxLength: 12 })
      .map((parts) => parts.join(''));
    const value = fc.oneof(fc.jsonValue({ maxDepth: 6 }), fc.array(bracketyString, { maxLength: 30 }));
    fc.assert(
      fc.property(value, fc.nat({ max: 8 }), (json, maxDepth) => {
        const text = JSON.stringify(json);
        expect(jsonTextTooDeep(text, maxDepth)).toBe(depthOf(JSON.parse(text)) > maxDepth);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('flattenBelowTopLevel', () => {
  it.each<[string, string, string]>([
    ['keeps a flat object', '{"id":"r1","n":2}', '{"id":"r1","n":2}'],
    ['replaces nested values', '{"id":"r1","params":{"a":[1,2]},"x":[[]]}', '{"id":"r1","params":0,"x":0}'],
    ['ignores brackets in strings', '{"id":"[{","p":["]}"]}', '{"id":"[{","p":0}'],
    ['drops the tail of unbalanced text', '{"id":"r1","p":[[', '{"id":"r1","p":0'],
  ])('%s', (_name, text, expected) => {
    expect(flattenBelowTopLevel(text)).toBe(expected);
  });
});

describe('serializeJson', () => {
  it('returns the text of an ordinary value', () => {
    expect(serializeJson({ a: [1, 'x', null] })).toEqual({ ok: true, text: '{"a":[1,"x",null]}' });
  });

  it('reports a value too deep for the stack instead of throwing', () => {
    const deep = JSON.parse(nested(20_000)) as unknown;
    expect(serializeJson(deep)).toEqual({ ok: false, reason: 'the value is nested too deeply' });
  });

  it('reports a cycle, a BigInt and a throwing toJSON', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const throwing = {
      toJSON() {
        throw new Error('nope');
      },
    };
    expect(serializeJson(cycle)).toMatchObject({ ok: false, reason: expect.stringMatching(/^TypeError: .*circular/i) });
    expect(serializeJson({ n: 1n })).toMatchObject({ ok: false, reason: expect.stringMatching(/^TypeError: .*BigInt/) });
    expect(serializeJson(throwing)).toEqual({ ok: false, reason: 'Error: nope' });
  });

  it('reports a value that has no JSON text', () => {
    expect(serializeJson(() => 1)).toEqual({ ok: false, reason: 'the value has no JSON form' });
    expect(serializeJson(undefined)).toEqual({ ok: false, reason: 'the value has no JSON form' });
  });
});

describe('utf8ByteLength', () => {
  it('agrees with Buffer.byteLength for ASCII, 2-, 3- and 4-byte characters and lone surrogates', () => {
    for (const text of ['', 'abc', 'é', '€', '😀', 'a😀é€', '\ud800', 'x\udc00y', '\ud83d']) {
      expect(utf8ByteLength(text)).toBe(Buffer.byteLength(text));
    }
  });

  it('agrees with Buffer.byteLength on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => utf8ByteLength(text) === Buffer.byteLength(text)),
      {
        numRuns: 300,
      },
    );
  });
});

describe('withJsonText', () => {
  it('records the text for that object alone and freezes it, so the two cannot drift apart', () => {
    // Arrange
    const value = { a: [1, 2] };

    // Act
    const recorded = withJsonText(value, '{"a":[1,2]}');

    // Assert
    expect(recorded).toBe(value);
    expect(Object.isFrozen(value)).toBe(true);
    expect(knownJsonText(value)).toBe('{"a":[1,2]}');
    expect(knownJsonText({ ...value })).toBeUndefined();
    expect(knownJsonText(undefined)).toBeUndefined();
    expect(knownJsonText('text')).toBeUndefined();
  });
});
