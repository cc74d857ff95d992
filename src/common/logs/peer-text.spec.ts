import { PEER_TEXT_MAX_CHARS, peerText } from './peer-text';

describe(peerText.name, () => {
  it('quotes, escapes control characters and cuts long names', () => {
    expect(peerText('Kitchen tablet')).toBe('"Kitchen tablet"');
    expect(peerText('evil\n2026-01-01T00:00:00.000Z INFO    [Nodes] forged\x1b[31m')).toBe(
      '"evil\\n2026-01-01T00:00:00.000Z INFO    [Nodes] forged\\u001b[31m"',
    );
    expect(peerText('x'.repeat(500))).toBe(JSON.stringify(`${'x'.repeat(PEER_TEXT_MAX_CHARS)}…`));
    expect(peerText(undefined)).toBe('(none)');
    expect(peerText('')).toBe('(none)');
  });
});
