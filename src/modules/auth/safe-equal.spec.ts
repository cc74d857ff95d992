import { safeEqual } from './safe-equal';

describe(safeEqual.name, () => {
  it.each<[string, string, string, boolean]>([
    ['equal strings', 'secret-token', 'secret-token', true],
    ['two empty strings', '', '', true],
    ['equal non-ASCII strings', 'pässwörd-🔑', 'pässwörd-🔑', true],
    ['different strings of the same length', 'secret-tokeN', 'secret-token', false],
    ['a prefix of the secret', 'secret', 'secret-token', false],
    ['the secret plus a suffix', 'secret-token!', 'secret-token', false],
    ['an empty string against a secret', '', 'secret-token', false],
    ['a case difference', 'SECRET-TOKEN', 'secret-token', false],
    ['a trailing newline', 'secret-token\n', 'secret-token', false],
    ['Unicode look-alikes (NFC vs NFD)', 'caf\u00e9', 'cafe\u0301', false],
  ])('%s → %s', (_name, given, expected, result) => {
    expect(safeEqual(given, expected)).toBe(result);
  });

  it('is symmetric', () => {
    expect(safeEqual('a', 'b')).toBe(safeEqual('b', 'a'));
    expect(safeEqual('same', 'same')).toBe(safeEqual('same', 'same'));
  });
});
