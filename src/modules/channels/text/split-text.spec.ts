import { splitText } from './split-text';

describe('splitText', () => {
  it('returns short text as one part, unchanged', () => {
    expect(splitText('hello\n\nworld', 100)).toEqual(['hello\n\nworld']);
  });

  it('returns an empty text as one empty part', () => {
    expect(splitText('', 100)).toEqual(['']);
  });

  it('keeps every part within the limit and loses no words', () => {
    // Arrange
    const words = Array.from({ length: 3000 }, (_, i) => `word${i}`);
    const text = words.join(' ');

    // Act
    const parts = splitText(text, 4000);

    // Assert
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(4000);
    expect(parts.join(' ').split(/\s+/)).toEqual(words);
  });

  it('prefers a paragraph break over a line break or a space', () => {
    // Arrange
    const first = 'a'.repeat(60);
    const text = `${first}\n\n${'b'.repeat(20)}\n${'c'.repeat(30)}`;

    // Act
    const parts = splitText(text, 100);

    // Assert
    expect(parts).toEqual([first, `${'b'.repeat(20)}\n${'c'.repeat(30)}`]);
  });

  it('breaks at a line end when there is no paragraph break in reach', () => {
    const text = `${'a'.repeat(70)}\n${'b'.repeat(50)}`;
    expect(splitText(text, 100)).toEqual(['a'.repeat(70), 'b'.repeat(50)]);
  });

  it('cuts hard inside one very long word', () => {
    // Act
    const parts = splitText('x'.repeat(250), 100);

    // Assert
    expect(parts.join('')).toBe('x'.repeat(250));
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(100);
  });

  it('never cuts a surrogate pair in two', () => {
    // Arrange: each emoji is two UTF-16 units, and the hard cut at 93 would fall inside one.
    const text = '😀'.repeat(80);

    // Act
    const parts = splitText(text, 97);

    // Assert
    expect(parts.join('')).toBe(text);
    for (const part of parts) expect(part).not.toMatch(/[\ud800-\udbff]$/);
  });

  it('closes a code block at the cut and reopens it, with its language, in the next part', () => {
    // Arrange
    const code = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    const text = `Here:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nDone.`;

    // Act
    const parts = splitText(text, 120);

    // Assert
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(120);
      expect(part.split('\n').filter((l) => l.startsWith('```')).length % 2).toBe(0);
    }
    expect(parts[1].startsWith('```ts\n')).toBe(true);
  });
});
