import { parseInboundFrame, ParsedFrame } from './frames';
import { MAX_FRAME_DEPTH } from './limits';

describe(parseInboundFrame.name, () => {
  it.each<[string, string, ParsedFrame]>([
    ['bad JSON', '{"type":"req",', { kind: 'invalid', reason: 'frame is not valid JSON' }],
    ['empty text', '', { kind: 'invalid', reason: 'frame is not valid JSON' }],
    ['an array', '[{"type":"req","id":"1","method":"health"}]', { kind: 'invalid', reason: 'frame must be a JSON object' }],
    ['null', 'null', { kind: 'invalid', reason: 'frame must be a JSON object' }],
    ['a string', '"req"', { kind: 'invalid', reason: 'frame must be a JSON object' }],
    ['a number', '42', { kind: 'invalid', reason: 'frame must be a JSON object' }],
    [
      'a response frame with an id',
      '{"type":"res","id":"r1","ok":true}',
      { kind: 'invalid', id: 'r1', reason: 'expected a request frame ({"type":"req",...})' },
    ],
    [
      'an event frame without an id',
      '{"type":"event","event":"tick"}',
      { kind: 'invalid', id: undefined, reason: 'expected a request frame ({"type":"req",...})' },
    ],
    [
      'a frame with no type but an id',
      '{"id":"x","method":"health"}',
      { kind: 'invalid', id: 'x', reason: 'expected a request frame ({"type":"req",...})' },
    ],
    [
      'a non-req type with a numeric id',
      '{"type":"res","id":7}',
      { kind: 'invalid', id: undefined, reason: 'expected a request frame ({"type":"req",...})' },
    ],
    [
      'a request without an id',
      '{"type":"req","method":"health"}',
      { kind: 'invalid', reason: 'request frame needs a non-empty string "id"' },
    ],
    [
      'a request with an empty id',
      '{"type":"req","id":"","method":"health"}',
      { kind: 'invalid', reason: 'request frame needs a non-empty string "id"' },
    ],
    [
      'a request with a numeric id',
      '{"type":"req","id":1,"method":"health"}',
      { kind: 'invalid', reason: 'request frame needs a non-empty string "id"' },
    ],
    [
      'a request without a method',
      '{"type":"req","id":"a"}',
      { kind: 'invalid', id: 'a', reason: 'request frame needs a non-empty string "method"' },
    ],
    [
      'a request with an empty method',
      '{"type":"req","id":"a","method":""}',
      { kind: 'invalid', id: 'a', reason: 'request frame needs a non-empty string "method"' },
    ],
    [
      'a request with a non-string method',
      '{"type":"req","id":"a","method":["health"]}',
      { kind: 'invalid', id: 'a', reason: 'request frame needs a non-empty string "method"' },
    ],
    [
      'a valid request with params',
      '{"type":"req","id":"a","method":"node.invoke","params":{"nodeId":"n","x":[1,2]}}',
      { kind: 'request', frame: { type: 'req', id: 'a', method: 'node.invoke', params: { nodeId: 'n', x: [1, 2] } } },
    ],
    [
      'a valid request without params',
      '{"type":"req","id":"a","method":"health"}',
      { kind: 'request', frame: { type: 'req', id: 'a', method: 'health', params: undefined } },
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseInboundFrame(text)).toEqual(expected);
  });

  it('drops unknown top-level keys from the request frame', () => {
    // Act
    const parsed = parseInboundFrame('{"type":"req","id":"a","method":"health","extra":true}');

    // Assert
    expect(parsed.kind).toBe('request');
    expect(parsed.kind === 'request' && Object.keys(parsed.frame).sort()).toEqual(['id', 'method', 'params', 'type']);
  });

  it('keeps an explicit null params as null', () => {
    // Act
    const parsed = parseInboundFrame('{"type":"req","id":"a","method":"health","params":null}');

    // Assert
    expect(parsed).toEqual({ kind: 'request', frame: { type: 'req', id: 'a', method: 'health', params: null } });
  });
});

describe(`${parseInboundFrame.name} budget`, () => {
  const request = (params: string) => `{"type":"req","id":"r1","method":"health","params":${params}}`;

  it('refuses a frame nested deeper than the budget without parsing the deep part, keeping its id', () => {
    const text = request('['.repeat(6000) + ']'.repeat(6000));
    expect(parseInboundFrame(text)).toEqual({
      kind: 'invalid',
      id: 'r1',
      reason: `frame nests arrays/objects deeper than ${MAX_FRAME_DEPTH} levels; flatten the params`,
    });
  });

  it('has no id to give for a deep frame that does not balance or is not an object', () => {
    expect(parseInboundFrame('{"id":"r1","params":' + '['.repeat(100))).toMatchObject({ kind: 'invalid', id: undefined });
    expect(parseInboundFrame('['.repeat(100) + ']'.repeat(100))).toMatchObject({ kind: 'invalid', id: undefined });
  });

  it('accepts a frame exactly at the depth budget', () => {
    // The frame object is level 1, so params may add MAX_FRAME_DEPTH - 1 levels.
    const depth = MAX_FRAME_DEPTH - 1;
    const parsed = parseInboundFrame(request('['.repeat(depth) + ']'.repeat(depth)));
    expect(parsed.kind).toBe('request');
  });

  it('refuses a frame larger than the byte budget, counting UTF-8 bytes, not characters', () => {
    const budget = { maxBytes: 100, maxDepth: MAX_FRAME_DEPTH };
    const ascii = request(`"${'a'.repeat(40)}"`);
    const multibyte = request(`"${'é'.repeat(40)}"`);
    expect(ascii.length).toBeLessThanOrEqual(100);
    expect(multibyte.length).toBeLessThanOrEqual(100);
    expect(parseInboundFrame(ascii, budget).kind).toBe('request');
    expect(parseInboundFrame(multibyte, budget)).toEqual({
      kind: 'invalid',
      id: 'r1',
      reason: 'frame is larger than 100 bytes; send smaller params',
    });
  });
});
